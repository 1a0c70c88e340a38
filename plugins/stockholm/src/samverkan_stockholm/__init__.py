"""samverkan plugin for Stockholm (arbetsmarknadsförvaltningen)."""

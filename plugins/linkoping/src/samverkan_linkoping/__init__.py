"""samverkan plugin for Linköping (arbetsmarknadsnämnden)."""

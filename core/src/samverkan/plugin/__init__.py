"""The plugin API: hook specifications, the plugin manager, rule data and comparison."""

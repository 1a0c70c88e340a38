"""One screen per module. Imported lazily by the app, so start-up loads only the first one."""

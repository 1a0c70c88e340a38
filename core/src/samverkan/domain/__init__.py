"""The domain: collaborations, their lifecycle and the rules that judge them (no SQL, no plugins)."""

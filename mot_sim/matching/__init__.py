"""Reply analysis and rule matching (no UI, no I/O)."""

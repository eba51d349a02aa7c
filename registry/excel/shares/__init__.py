"""The share register (股权台账): column spec and row checks (no Flask, no DB)."""

"""Faults: seeded plans (pure data) and the executor that applies and heals them (docs/faults.md)."""

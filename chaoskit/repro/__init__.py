"""Reproduction: a run directory back to its scenario (replay), to its smallest failing form
(shrink), to an archive for upstream (bundle)."""

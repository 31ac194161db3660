"""Whole runs composed: `chaoskit matrix` (scenarios x releases) and `chaoskit bisect` (the release
where a verdict changes). Both decide only from each run's results.json, through one `run_once`
callable, so their logic is tested with fakes (tests/test_matrix.py, tests/test_bisect.py)."""

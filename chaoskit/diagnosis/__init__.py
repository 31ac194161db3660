"""Diagnosis: from a FAIL to its cause, read from the run's own broker and controller logs.

`events` turns log lines into events (elections, role changes, SyncStateSet
changes, truncations, HA errors, controller leaders); `windows` attributes
each lost value to a mechanism those events show; `recovery` says what kept
a cluster that did not recover from recovering; `rundir` reads a run
directory and writes the result into results.json and the ledger. Pure: no
Docker, no network (docs/diagnosis.md).
"""

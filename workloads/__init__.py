"""Workloads: producers and consumers that drive a RocketMQ cluster and record a ledger.

`runner.run_workload` is the entry point; each module below it has one job
(docs/workloads.md describes the whole and the ledger rows it writes).
"""

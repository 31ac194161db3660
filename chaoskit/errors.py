"""The error every layer raises for bad input; the CLI turns it into one line and exit 2.

A plain exception: scenarios, fault plans and workload specs raise it
without importing click (chaoskit/cli.py maps it).
"""
from __future__ import annotations


class UsageError(Exception):
    """Bad input (flags, scenario files, fault plans, ledgers): one line on stderr, exit 2."""

"""Fatal JVM errors found in a node's container output (what makes a run incomplete)."""
from __future__ import annotations

import pytest

from chaoskit.cluster.node_errors import first_fatal_line

# The line the master printed when its direct memory ran out (3 December, no-loss seed 1).
OOM = ('Exception in thread "ReadSocketService" java.lang.OutOfMemoryError: Cannot reserve 1048576 bytes '
       'of direct buffer memory (allocated: 268222885, limit: 268435456)')


@pytest.mark.parametrize("output, expected", [
    (f"2026-12-03 boot\n  {OOM}\n\tat java.base/java.nio.Bits.reserveMemory(Bits.java:178)\n", OOM),
    ("# A fatal error has been detected by the Java Runtime Environment:\n#  SIGSEGV",
     "# A fatal error has been detected by the Java Runtime Environment:"),
    ("Exception in thread \"main\" java.lang.StackOverflowError\n", 'Exception in thread "main" java.lang.StackOverflowError'),
])
def test_the_first_fatal_line_is_found(output: str, expected: str) -> None:
    assert first_fatal_line(output) == expected


@pytest.mark.parametrize("output", [
    "",
    "The broker[broker-a, 10.213.7.21:10911] boot success.\n",
    "SyncConsumerOffset Exception, 10.213.7.21:10911\ncom.alibaba.fastjson2.JSONException: not support unquoted name\n",
])
def test_ordinary_output_has_none(output: str) -> None:
    assert first_fatal_line(output) is None

"""junit.xml: the run's checks as JUnit test cases, for CI systems to read.

One <testsuite> per scenario (a run is one scenario), one <testcase> per
check. A FAIL check becomes <failure>, an undecided one (UNKNOWN) <error>, a
check that was not made <skipped>; the `verdict` case fails on FAIL and
errors on UNKNOWN, so a CI job can never read an UNKNOWN run as green.
Built with xml.etree, which escapes every value.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from reports import checks
from reports.run import meta_duration, parse_time

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PROPERTIES = ("scenario", "expected_verdict", "rocketmq_version", "access", "replicas", "seed", "image_id", "started_at")
_ELEMENT = {checks.FAILED: "failure", checks.UNDECIDED: "error", checks.SKIPPED: "skipped"}


def junit_xml(results: Mapping[str, Any], meta: Mapping[str, str], suite_name: str) -> bytes:
    """The junit.xml document for one run."""
    cases = checks.checks(results, meta)
    tally = {
        "tests": str(len(cases)),
        "failures": str(sum(c.status == checks.FAILED for c in cases)),
        "errors": str(sum(c.status == checks.UNDECIDED for c in cases)),
        "skipped": str(sum(c.status == checks.SKIPPED for c in cases)),
        "time": f"{max(meta_duration(meta) or 0.0, 0.0):.3f}",
    }
    root = ET.Element("testsuites", {"name": "chaoskit", **tally})
    suite = ET.SubElement(root, "testsuite", {"name": _clean(suite_name), **tally})
    started = parse_time(meta.get("started_at"))
    if started is not None:
        suite.set("timestamp", datetime.fromtimestamp(started, UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", {"name": "verdict", "value": checks.verdict(results)})
    for key in _PROPERTIES:
        if meta.get(key):
            ET.SubElement(properties, "property", {"name": key, "value": _clean(meta[key])})
    classname = f"chaoskit.{_clean(suite_name)}"
    for case in cases:
        element = ET.SubElement(suite, "testcase", {"classname": classname, "name": case.name, "time": "0"})
        tag = _ELEMENT.get(case.status)
        if tag:
            detail = ET.SubElement(element, tag, {"message": _clean(case.message)})
            if tag != "skipped":
                detail.set("type", case.status)
                detail.text = _clean(case.message)
    ET.SubElement(suite, "system-out").text = _clean(str(results.get("reason") or ""))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)

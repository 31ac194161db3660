"""junit.xml: valid against the JUnit shape CI systems read, one case per check."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema
from test_report_run import HOSTILE, make_run

from reports import checks, render_all
from reports.junit import junit_xml
from reports.run import load_run

# The shape Jenkins, GitLab, GitHub test-report actions and Surefire agree on
# (Ant's XMLJUnitResultFormatter lineage), written out as a schema: a
# testsuites root, suites with their tallies, test cases with classname, name
# and time, and at most one failure, error or skipped child each.
JUNIT_XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">
  <xs:attributeGroup name="tally">
    <xs:attribute name="tests" type="xs:nonNegativeInteger" use="required"/>
    <xs:attribute name="failures" type="xs:nonNegativeInteger" use="required"/>
    <xs:attribute name="errors" type="xs:nonNegativeInteger" use="required"/>
    <xs:attribute name="skipped" type="xs:nonNegativeInteger"/>
  </xs:attributeGroup>
  <xs:complexType name="result" mixed="true">
    <xs:attribute name="message" type="xs:string"/>
    <xs:attribute name="type" type="xs:string"/>
  </xs:complexType>
  <xs:element name="testsuites">
    <xs:complexType>
      <xs:sequence><xs:element ref="testsuite" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>
      <xs:attribute name="name" type="xs:string"/>
      <xs:attributeGroup ref="tally"/>
      <xs:attribute name="time" type="xs:decimal"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="testsuite">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="properties" minOccurs="0">
          <xs:complexType><xs:sequence>
            <xs:element name="property" minOccurs="0" maxOccurs="unbounded">
              <xs:complexType>
                <xs:attribute name="name" type="xs:string" use="required"/>
                <xs:attribute name="value" type="xs:string" use="required"/>
              </xs:complexType>
            </xs:element>
          </xs:sequence></xs:complexType>
        </xs:element>
        <xs:element name="testcase" minOccurs="0" maxOccurs="unbounded">
          <xs:complexType>
            <xs:sequence>
              <xs:choice minOccurs="0">
                <xs:element name="failure" type="result"/>
                <xs:element name="error" type="result"/>
                <xs:element name="skipped" type="result"/>
              </xs:choice>
              <xs:element name="system-out" type="xs:string" minOccurs="0"/>
              <xs:element name="system-err" type="xs:string" minOccurs="0"/>
            </xs:sequence>
            <xs:attribute name="name" type="xs:string" use="required"/>
            <xs:attribute name="classname" type="xs:string" use="required"/>
            <xs:attribute name="time" type="xs:decimal" use="required"/>
          </xs:complexType>
        </xs:element>
        <xs:element name="system-out" type="xs:string" minOccurs="0"/>
        <xs:element name="system-err" type="xs:string" minOccurs="0"/>
      </xs:sequence>
      <xs:attribute name="name" type="xs:string" use="required"/>
      <xs:attributeGroup ref="tally"/>
      <xs:attribute name="time" type="xs:decimal" use="required"/>
      <xs:attribute name="timestamp" type="xs:dateTime"/>
      <xs:attribute name="hostname" type="xs:string"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""
SCHEMA = xmlschema.XMLSchema(JUNIT_XSD)


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ET.Element]:
    root = tmp_path_factory.mktemp("runs")
    out = {}
    for kind in ("pass", "fail", "unknown", "hostile"):
        run = load_run(make_run(root, kind, logs=False))
        data = junit_xml(run.results, run.meta, run.name).decode()
        SCHEMA.validate(data)  # raises with the offending element on any deviation
        out[kind] = ET.fromstring(data)
    return out


def _cases(doc: ET.Element) -> dict[str, str]:
    """test case name -> 'pass' or the tag of its result element."""
    return {c.get("name"): (c[0].tag if len(c) else "pass") for c in doc.iter("testcase")}


def test_every_report_validates_and_has_one_suite_of_named_checks(documents) -> None:
    for doc in documents.values():
        assert doc.tag == "testsuites"
        (suite,) = doc.findall("testsuite")
        names = [c.get("name") for c in suite.iter("testcase")]
        assert names == ["verdict", "no-loss", "no-unexpected", "no-failed-delivered", "no-lost-in-store", "order",
                         "acknowledged", "drain-complete", "final-read", "ledger-complete", "expected-verdict-met"]
        for attr in ("tests", "failures", "errors", "skipped"):
            assert suite.get(attr) == doc.get(attr)
        assert int(suite.get("tests")) == len(names)
        assert int(suite.get("failures")) == sum(v == "failure" for v in _cases(doc).values())
        assert int(suite.get("errors")) == sum(v == "error" for v in _cases(doc).values())
        assert suite.get("time") == "62.000" and suite.get("timestamp") == "2026-12-01T00:00:00"


def test_a_pass_has_no_failure_or_error(documents) -> None:
    doc = documents["pass"]
    assert doc.get("failures") == "0" and doc.get("errors") == "0"
    assert set(_cases(doc).values()) == {"pass"}


def test_a_fail_fails_the_verdict_and_the_broken_checks(documents) -> None:
    cases = _cases(documents["fail"])
    assert cases["verdict"] == cases["no-loss"] == cases["order"] == "failure"
    assert cases["expected-verdict-met"] == "failure"
    failure = documents["fail"].find("testsuite/testcase[@name='no-loss']/failure")
    assert failure.get("message") == "38 acknowledged value(s) never received"


def test_an_unknown_errors_and_never_passes(documents) -> None:
    cases = _cases(documents["unknown"])
    assert cases["verdict"] == cases["no-loss"] == cases["drain-complete"] == "error"
    assert documents["unknown"].get("errors") == "3"


def test_hostile_text_is_escaped_and_control_characters_are_dropped() -> None:
    results = {"valid": False, "reason": f"{HOSTILE} & \x00\x1b ]]>", "lost_count": 1}
    data = junit_xml(results, {"scenario": HOSTILE}, f"{HOSTILE}\x07")
    assert b"<script" not in data and b"\x00" not in data and b"\x1b" not in data
    doc = ET.fromstring(data)
    SCHEMA.validate(data.decode())
    assert doc.find("testsuite").get("name") == f"{HOSTILE}\ufffd"
    assert doc.find("testsuite/system-out").text == f"{HOSTILE} & \ufffd\ufffd ]]>"


def test_an_undecided_check_is_an_error_and_a_missing_one_is_skipped() -> None:
    data = junit_xml({"valid": "unknown", "lost_in_store_count": None}, {}, "bare")
    SCHEMA.validate(data.decode())
    doc = ET.fromstring(data)
    assert _cases(doc)["no-lost-in-store"] == "skipped"
    assert _cases(doc)["verdict"] == _cases(doc)["no-loss"] == "error"
    assert doc.find("testsuite").get("time") == "0.000"
    assert [c.name for c in checks.checks({}, {}) if c.status == checks.SKIPPED] == [
        "no-lost-in-store", "final-read", "ledger-complete"]


def test_render_all_writes_it_beside_the_ledger(tmp_path: Path) -> None:
    paths = render_all(make_run(tmp_path, "fail", logs=False))
    assert paths["junit"] == tmp_path / "run-fail" / "junit.xml"
    SCHEMA.validate(str(paths["junit"]))


@pytest.mark.parametrize("broken", [
    '<testsuites tests="1" failures="0" errors="0"><testsuite name="s" tests="1" failures="0" errors="0" time="0">'
    '<testcase name="c" time="0"/></testsuite></testsuites>',  # no classname
    '<testsuites tests="1" failures="1" errors="1"><testsuite name="s" tests="1" failures="1" errors="1" time="0">'
    '<testcase classname="k" name="c" time="0"><failure/><error/></testcase></testsuite></testsuites>',  # two results
    '<testsuites tests="x" failures="0" errors="0"/>',  # a tally that is not a number
])
def test_the_schema_rejects_what_ci_would_misread(broken: str) -> None:
    assert not SCHEMA.is_valid(broken)

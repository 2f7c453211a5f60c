"""Test reports: the testing status summary and JUnit XML of test scenario runs."""
from __future__ import annotations

import time
import xml.etree.ElementTree as ET

from .run import OUTCOMES, ScenarioRun


def testing_status(runs: list[ScenarioRun]) -> dict:
    """``{nbTotalRanScenarios, nbScenariosPerOutcome}`` over the last finished run of each test scenario."""
    per_outcome = {outcome: 0 for outcome in OUTCOMES}
    for run in runs:
        per_outcome[run.outcome] += 1
    return {"nbTotalRanScenarios": len(runs),
            "nbScenariosPerOutcome": {k: v for k, v in per_outcome.items() if v}}


def _seconds(start: int, end: int) -> str:
    return f"{max(end - start, 0) / 1000:.3f}"


def _testcase(parent: ET.Element, classname: str, name: str, outcome: str, message: str | None,
              start: int, end: int, log: str) -> None:
    case = ET.SubElement(parent, "testcase", classname=classname, name=name, time=_seconds(start, end))
    if outcome == "FAILED":
        ET.SubElement(case, "failure", message=message or "failed", type="FAILED").text = log
    elif outcome == "ABORTED":
        ET.SubElement(case, "error", message=message or "aborted", type="ABORTED").text = log
    elif outcome == "WARNING":
        ET.SubElement(case, "system-out").text = log


def junit(project_key: str, runs: list[ScenarioRun]) -> bytes:
    """One ``testsuite`` per scenario run, one ``testcase`` per step run (FAILED → failure, ABORTED → error)."""
    root = ET.Element("testsuites", name=project_key)
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for run in runs:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(run.start / 1000))
        suite = ET.SubElement(root, "testsuite", name=run.scenario_id, id=run.id, timestamp=stamp,
                              time=_seconds(run.start, run.end))
        classname = f"{project_key}.{run.scenario_id}"
        cases = [(s.step.get("name") or s.step.get("id") or "step", s.outcome, s.error, s.start, s.end,
                  run.log_text(s.step.get("id"))) for s in run.steps if s.outcome]
        if not cases:
            cases = [(run.scenario_id, run.outcome, run.error, run.start, run.end, run.log_text())]
        for name, outcome, message, start, end, log in cases:
            _testcase(suite, classname, name, outcome, message, start, end, log)
        counts = {"tests": len(cases), "failures": sum(1 for c in cases if c[1] == "FAILED"),
                  "errors": sum(1 for c in cases if c[1] == "ABORTED")}
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)

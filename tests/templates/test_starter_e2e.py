"""The starter tests.py run by pytest in a subprocess against the emulator, the way the deploy action runs it.

Scenario runs use the staging automation node; the no-test-scenario fallback uses flows seeded on the design node.
"""
from __future__ import annotations

import os
import subprocess
import sys

from components.workflow_files import starter_tests_py
from tests.templates.conftest import PROJECT

PASS = 'print("ok")'
FAIL = 'raise Exception("row count is 0")'


def _scenario(project, name: str, script: str, marked_as_test: bool = False) -> None:
    step = {"id": "s1", "name": "check", "type": "custom_python", "params": {"script": script}}
    project.create_scenario(name, "step_based", definition={"params": {"steps": [step]},
                                                            "markedAsTest": marked_as_test})


def _run_starter(dss, tmp_path, node: str, project_key: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "tests.py").write_text(starter_tests_py(PROJECT))
    env = {name: value for name, value in os.environ.items() if not name.startswith("DATAIKU_")}
    env.update(DATAIKU_INSTANCE_URL=dss.url(node), DATAIKU_API_KEY=dss.admin_key(node), DATAIKU_PROJECT_KEY=project_key)
    return subprocess.run([sys.executable, "-m", "pytest", "-rA", "-p", "no:cacheprovider", "tests.py"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_one_case_per_test_scenario_and_failures_fail(dss, tmp_path):
    project = dss.client("staging").create_project("SALES_FORECAST", "Sales", "admin")
    _scenario(project, "TEST_rows", PASS)
    _scenario(project, "TEST_totals", FAIL)
    _scenario(project, "Smoke", PASS, marked_as_test=True)
    _scenario(project, "nightly", FAIL)  # not a test scenario: never run
    result = _run_starter(dss, tmp_path, "staging", "SALES_FORECAST")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "PASSED tests.py::test_scenario[SMOKE]" in result.stdout
    assert "PASSED tests.py::test_scenario[TEST_ROWS]" in result.stdout
    assert "FAILED tests.py::test_scenario[TEST_TOTALS]" in result.stdout
    assert "AssertionError: scenario TEST_TOTALS ended with outcome FAILED" in result.stdout
    assert "NIGHTLY" not in result.stdout
    assert "the project has test scenarios; they are the tests" in result.stdout  # the fallback stays off


def test_without_test_scenarios_the_flow_outputs_are_built(dss, tmp_path):
    dss.control("design", "POST", "seed", {"sample": True})  # FINANCE_REPORTS: uploaded ledger -> Python recipe
    result = _run_starter(dss, tmp_path, "design", "FINANCE_REPORTS")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASSED tests.py::test_flow_builds_without_test_scenarios" in result.stdout
    assert "SKIPPED [1] tests.py: no test scenario" in result.stdout
    [job] = dss.client("design").get_project("FINANCE_REPORTS").list_jobs()
    assert job["def"]["type"] == "RECURSIVE_FORCED_BUILD"


def test_a_flow_that_cannot_build_fails_the_fallback(dss, tmp_path):
    dss.control("design", "POST", "seed", {"synthetic": 1})  # its uploaded dataset has no data yet
    result = _run_starter(dss, tmp_path, "design", "SYNTH_00001")
    assert result.returncode == 1
    assert "FAILED tests.py::test_flow_builds_without_test_scenarios" in result.stdout

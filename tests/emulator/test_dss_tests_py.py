"""A DSS-style tests.py (tests/fixtures/dss_tests_py) run with pytest in a subprocess against the design node."""
from pathlib import Path

from .run_helpers import run_tests_py, seed_churn, set_recipe_code


def _run_tests_py(dss, workdir: Path):
    """Run the fixture tests.py on the design node with a CI key scoped to CHURN."""
    key = dss.create_api_key("design", label="ci", projects={"CHURN": "write"})
    return run_tests_py(dss, "design", workdir, key)


def test_tests_py_passes_against_the_seeded_project(dss, tmp_path):
    seed_churn(dss)
    result = _run_tests_py(dss, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_tests_py_fails_once_the_recipe_is_broken_through_the_api(dss, tmp_path):
    project = seed_churn(dss)
    set_recipe_code(project, "compute_customers_clean", "import dataiku\nraise ZeroDivisionError('broken')\n")
    result = _run_tests_py(dss, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Job run did not finish. Status: FAILED" in result.stdout
    assert "Scenario run returned status FAILED" in result.stdout
    assert "2 failed" in result.stdout

"""A DSS-style tests.py (tests/fixtures/dss_tests_py) run with pytest in a subprocess against the design node."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .run_helpers import seed_churn, set_recipe_code

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "dss_tests_py" / "tests.py"


def _run_tests_py(dss, workdir: Path) -> subprocess.CompletedProcess:
    """Run the fixture tests.py from a checkout-like directory, with a CI key scoped to CHURN."""
    shutil.copy(FIXTURE, workdir / "tests.py")
    key = dss.create_api_key("design", label="ci", projects={"CHURN": "write"})
    env = dict(os.environ, DATAIKU_INSTANCE_URL=dss.url("design"), DATAIKU_API_KEY=key,
               DATAIKU_PROJECT_KEY="CHURN")
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests.py"],
                          cwd=workdir, env=env, capture_output=True, text=True, timeout=300)


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

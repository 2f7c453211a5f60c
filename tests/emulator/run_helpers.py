"""Helpers for the tests that run things (jobs, scenarios, tests.py) on the seeded sample project CHURN."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

DSS_TESTS_PY = Path(__file__).resolve().parents[1] / "fixtures" / "dss_tests_py" / "tests.py"
PAYING_CUSTOMERS = 18  # customers_raw has 20 customers, 2 of them with monthly_spend 0


def seed_churn(dss, node: str = "design"):
    """Seed the sample content and return a client handle on project CHURN."""
    dss.control(node, "POST", "seed", {"sample": True})
    return dss.client(node).get_project("CHURN")


def set_recipe_code(project, recipe: str, code: str) -> None:
    """Replace a Python recipe's code through the recipe settings API."""
    settings = project.get_recipe(recipe).get_settings()
    settings.set_code(code)
    settings.save()


def set_steps(project, scenario_id: str, steps: list[dict]) -> None:
    """Replace a step-based scenario's steps through the scenario settings API."""
    settings = project.get_scenario(scenario_id).get_settings()
    settings.get_raw()["params"]["steps"] = steps
    settings.save()


def python_step(step_id: str, script: str, **extra) -> dict:
    return dict({"id": step_id, "name": step_id, "type": "custom_python", "params": {"script": script}}, **extra)


def build_step(step_id: str, dataset: str, job_type: str = "RECURSIVE_FORCED_BUILD") -> dict:
    return {"id": step_id, "name": step_id, "type": "build_flowitem",
            "params": {"builds": [{"type": "DATASET", "itemId": dataset}], "jobType": job_type}}


def wait_until(condition: Callable[[], object], timeout: float = 30.0, what: str = "condition"):
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


def run_tests_py(dss, node: str, workdir: Path, api_key: str | None = None) -> subprocess.CompletedProcess:
    """Run the DSS-style fixture tests.py with pytest from ``workdir`` against project CHURN on ``node``."""
    shutil.copy(DSS_TESTS_PY, workdir / "tests.py")
    env = dict(os.environ, DATAIKU_INSTANCE_URL=dss.url(node), DATAIKU_API_KEY=api_key or dss.admin_key(node),
               DATAIKU_PROJECT_KEY="CHURN")
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests.py"],
                          cwd=workdir, env=env, capture_output=True, text=True, timeout=300)

"""Helpers for the program's reliability cases: a valid configuration against the emulator, a mocked run, and
``python -m gitops_plan`` as a subprocess (how an operator meets the program offline)."""
from __future__ import annotations

import functools
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from components.program import run_program
from components.settings import Settings, parse_settings
from gitops_plan.mocks import MockRun, run_mocked
from tests.program.conftest import SECRETS, valid_config

ROOT = Path(__file__).resolve().parents[2]
PROJECT_ENV = "PULUMI_CONFIG_DATAIKU_GITOPS_"


def settings(dss, **overrides: str) -> Settings:
    """The valid configuration against the emulator ``dss``, with overrides, validated."""
    return parse_settings({**valid_config(dss), **overrides})


def run(settings: Settings, previous: MockRun | None = None, now: datetime | None = None) -> MockRun:
    """One run of the program under mocks, the last run's outputs being ``previous``'s."""
    return run_mocked(functools.partial(run_program, settings, None, now), owner=settings.owner,
                      previous_outputs=previous.outputs if previous else None)


def secret_environment(design_key: str) -> dict[str, str]:
    """The process environment with this project's secrets as Pulumi's per-key variables (and no other
    variable of the project's namespace)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PROJECT_ENV) and k != "PULUMI_CONFIG"}
    env[f"{PROJECT_ENV}DESIGNAPIKEY"] = design_key
    for key, value in SECRETS.items():
        env[f"{PROJECT_ENV}{key.upper()}"] = value
    return env


def plan_cli(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python -m gitops_plan --stack dev ARGS`` from the repository root."""
    return subprocess.run([sys.executable, "-m", "gitops_plan", "--stack", "dev", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def one_line_error(result: subprocess.CompletedProcess, status: int) -> str:
    """Assert the plan stopped with ``status``, no traceback and one stderr line; return that line."""
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]

"""The scheduled fleet report (.github/workflows/fleet.yml): its status step, run as the runner would run it
(bash, the step's env with vars and secrets filled in, GITHUB_ACTIONS / GITHUB_STEP_SUMMARY / RUNNER_TEMP set)
against the emulator, writes the job summary and one warning annotation per project at risk."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "fleet.yml"


def test_the_workflow_runs_daily_and_on_demand():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow[True]  # YAML 1.1 reads the `on` key as True
    assert set(triggers) == {"schedule", "workflow_dispatch"} and len(triggers["schedule"]) == 1
    assert workflow["permissions"] == {}


def test_status_step_reports_to_the_job_summary_with_warnings(dss, tmp_path):
    dss.control("design", "POST", "seed", {"sample": True})
    design = dss.client("design")
    sales = design.get_project("SALES_FORECAST")
    sales.export_bundle("hotfix")
    sales.publish_bundle("hotfix")  # straight to prod, never on staging
    design.get_projectdeployer().create_deployment(
        "SALES_FORECAST-on-prod", "SALES_FORECAST", "prod", "hotfix").start_update().wait_for_result()
    key = dss.create_api_key("design", label="fleet-report", admin=True)

    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["report"]["steps"]
    step = next(s for s in steps if s.get("name") == "Fleet status")
    filled = {"vars.DSS_DESIGN_URL": dss.url("design"), "vars.DSS_STAGING_INFRA_ID": "staging",
              "vars.DSS_PROD_INFRA_ID": "prod", "secrets.DSS_DESIGN_API_KEY": key,
              "secrets.DSS_CLIENT_CERTIFICATE": "", "vars.DSS_CA_BUNDLE": ""}
    env = {name: re.sub(r"\$\{\{ (\S+) \}\}", lambda m: filled[m.group(1)], value)
           for name, value in step["env"].items()}
    runner_temp = tmp_path / "runner"
    (runner_temp / "dss-deploy-venv" / "bin").mkdir(parents=True)
    python = runner_temp / "dss-deploy-venv" / "bin" / "python"  # the venv the install step made
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    summary = tmp_path / "summary.md"
    env.update(PATH=os.environ["PATH"], RUNNER_TEMP=str(runner_temp), GITHUB_ACTIONS="true",
               GITHUB_STEP_SUMMARY=str(summary))
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    warnings = [line for line in result.stdout.splitlines() if line.startswith("::warning")]
    assert warnings == ["::warning title=DSS project SALES_FORECAST::untested-in-prod: prod runs hotfix; the "
                        "project has no staging deployment"]
    assert summary.read_text().startswith("### DSS fleet: 3 projects")
    assert key not in result.stdout + result.stderr + summary.read_text()

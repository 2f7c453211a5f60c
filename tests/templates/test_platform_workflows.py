"""This repository's reconcile and preview workflows: schedules, one job per stack, safety, what CI must be given;
the reconcile script is run with bash against a stand-in `pulumi` that records its arguments."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
FREQUENT, DRIFT = "*/15 * * * *", "41 2 * * *"
BACKEND = {"PULUMI_ACCESS_TOKEN", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "AWS_ACCESS_KEY_ID",
           "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_KEY", "GOOGLE_CREDENTIALS"}


def _load(name: str) -> dict:
    doc = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text())
    doc["on"] = doc.pop(True)
    return doc


RECONCILE = _load("reconcile.yml")
PREVIEW = _load("preview.yml")
[UP] = RECONCILE["jobs"].values()
[UP_STEP] = [step for step in UP["steps"] if "pulumi up" in step.get("run", "")]


def test_two_schedules_and_a_manual_run_choosing_refresh():
    assert RECONCILE["on"]["schedule"] == [{"cron": FREQUENT}, {"cron": DRIFT}]
    assert RECONCILE["on"]["workflow_dispatch"]["inputs"]["refresh"]["type"] == "boolean"
    assert UP_STEP["env"]["REFRESH"] == f"${{{{ github.event.schedule == '{DRIFT}' || inputs.refresh }}}}"


def test_one_job_per_stack_each_in_its_own_group_never_cancelled():
    assert UP["strategy"]["matrix"] == {"stack": "${{ fromJSON(vars.PULUMI_STACKS) }}"}
    assert UP["strategy"]["fail-fast"] is False
    assert UP["concurrency"] == {"group": "pulumi-up-${{ matrix.stack }}", "cancel-in-progress": False}
    assert "concurrency" not in RECONCILE  # per stack, not one lock for the whole fleet
    # drift repair staggers the shards: one at a time
    drift = f"(github.event.schedule == '{DRIFT}' || inputs.refresh)"
    assert UP["strategy"]["max-parallel"] == f"${{{{ {drift} && 1 || 16 }}}}"


def test_ci_gets_what_a_self_managed_backend_needs():
    assert BACKEND <= set(UP_STEP["env"])
    [preview_step] = [s for s in PREVIEW["jobs"]["preview"]["steps"] if "pulumi preview" in s.get("run", "")]
    assert BACKEND <= set(preview_step["env"])


def test_previews_are_gated_and_cost_no_refresh():
    job = PREVIEW["jobs"]["preview"]
    assert job["environment"] == "pulumi-preview"
    assert "required reviewers" in (REPO / ".github" / "workflows" / "preview.yml").read_text()
    assert job["strategy"]["matrix"] == {"stack": "${{ fromJSON(vars.PULUMI_STACKS) }}"}
    assert "--refresh" not in yaml.safe_dump(job)


def _fake_pulumi(tmp_path: Path, preview: dict, failures: dict | None = None) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (tmp_path / "preview.out").write_text(json.dumps(preview))
    (tmp_path / "failures.out").write_text(json.dumps(failures or {}))
    (bin_dir / "pulumi").write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> {tmp_path}/calls\n'
        f'case "$1" in preview) cat {tmp_path}/preview.out ;; up) echo "Resources: 3 unchanged" ;;\n'
        f'  stack) cat {tmp_path}/failures.out ;; esac\n')
    (bin_dir / "pulumi").chmod(0o755)
    return bin_dir


def _reconcile(tmp_path: Path, refresh: str, preview: dict,
               failures: dict | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": f"{_fake_pulumi(tmp_path, preview, failures)}:{os.environ['PATH']}",
           "STACK": "acme/dataiku-gitops/prod-2",
           "REFRESH": refresh, "RUNNER_TEMP": str(tmp_path), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
           "PULUMI_BACKEND_URL": ""}
    return subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", UP_STEP["run"]],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=60)


def _delete(key: str) -> dict:
    return {"op": "delete", "urn": f"urn:pulumi:prod-2::dataiku-gitops::dataiku-gitops:index:ProjectRepository$"
                                   f"github:index/repository:Repository::dss-project-{key}-repo",
            "oldState": {"outputs": {"name": f"dss-{key.lower()}"}}}


@pytest.mark.parametrize(("refresh", "flag"), [("false", ""), ("true", " --refresh")])
def test_the_script_previews_guards_then_runs_up_with_refresh_only_for_drift_repair(tmp_path, refresh, flag):
    result = _reconcile(tmp_path, refresh, {"config": {}, "steps": [_delete("A")]})
    assert result.returncode == 0, result.stdout + result.stderr
    stack = "--stack acme/dataiku-gitops/prod-2"
    assert (tmp_path / "calls").read_text().splitlines() == [
        f"preview {stack}{flag} --json --non-interactive",
        f"up {stack}{flag} --skip-preview --diff --non-interactive --yes",
        f"stack output onboardingFailures {stack} --json"]
    summary = (tmp_path / "summary.md").read_text()
    assert summary == ("preview guard: 1 repositories deleted or replaced (limit 5): dss-a\n"
                       "```\nResources: 3 unchanged\n```\nonboarding: no project failed\n")


def test_the_run_summary_names_the_projects_whose_onboarding_failed(tmp_path):
    failures = {"BETA": "DSS project BETA: rebase dev onto origin/prod failed: conflict in params.json",
                "ALPHA": "DSS project ALPHA: push dev failed: rejected"}
    result = _reconcile(tmp_path, "false", {"config": {}, "steps": []}, failures)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "summary.md").read_text().endswith(
        "```\nonboarding failed for 2 project(s), retried next run: ALPHA: DSS project ALPHA: push dev failed: "
        "rejected; BETA: DSS project BETA: rebase dev onto origin/prod failed: conflict in params.json\n")


def test_the_script_stops_before_up_when_the_preview_removes_too_much(tmp_path):
    preview = {"config": {"dataiku-gitops:maxDeletionsPerRun": "1"}, "steps": [_delete("A"), _delete("B")]}
    result = _reconcile(tmp_path, "false", preview)
    assert result.returncode == 1
    assert result.stderr.startswith("Refusing to run: the preview deletes or replaces 2 repositories (dss-a, dss-b)")
    assert [line.split()[0] for line in (tmp_path / "calls").read_text().splitlines()] == ["preview"]

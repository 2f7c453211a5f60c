"""Demo step 4: what the generated workflows do, run locally with the bundled deploy script.

A pull request dev → prod runs ``dss_deploy --mode test --stage staging`` on the PR's head commit; merging it runs
``--mode release --stage prod`` on the merge commit, which deploys the bundle the PR tested. A breaking change pushed
by DSS then fails its PR run on staging and never reaches prod.
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from dataikuapi import DSSClient

from .github import git

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Stage:
    name: str  # staging | prod
    infra_id: str
    url: str
    api_key: str


def deploy(checkout: Path, mode: str, stage: Stage, project_key: str, commit: str, design: tuple[str, str],
           reports: Path) -> int:
    """Run the deploy script as a workflow would (keys in the environment only); stream its output; return its exit."""
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT / "deploy"), "DSS_DESIGN_API_KEY": design[1],
           "DSS_AUTOMATION_API_KEY": stage.api_key, "GITHUB_STEP_SUMMARY": str(reports / f"{mode}-summary.md")}
    command = [sys.executable, "-m", "dss_deploy", "--mode", mode, "--stage", stage.name,
               "--project-key", project_key, "--commit-sha", commit, "--design-url", design[0],
               "--automation-url", stage.url, "--infra-id", stage.infra_id, "--repo-dir", str(checkout),
               "--junit-file", str(reports / f"{mode}-{stage.name}-junit.xml")]
    return run_streamed(command, env, f"python -m dss_deploy --mode {mode} --stage {stage.name} --project-key "
                                      f"{project_key} --commit-sha {commit[:12]}…")


def run_streamed(command: list[str], env: dict[str, str], shown: str) -> int:
    """Print ``$ shown`` (the command as a workflow log shows it), run ``command`` with ``env``, print its output
    indented as it comes; return its exit status."""
    print(f"$ {shown}")
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
        for line in proc.stdout:
            print(f"  │ {line.rstrip()}")
    print(f"  └ exit status {proc.returncode}")
    return proc.returncode


def active_bundle(stage: Stage, project_key: str) -> str:
    item = next((p for p in DSSClient(stage.url, stage.api_key).list_projects() if p["projectKey"] == project_key),
                None)
    return ((item or {}).get("activeBundleState") or {}).get("bundleId") or "-"


def run_pipeline(project_key: str, bare: Path, workdir: Path, design: tuple[str, str],
                 staging: Stage, prod: Stage) -> list[list[str]]:
    """PR → staging, merge → prod, then a breaking change; return rows describing each run."""
    checkout = workdir / "checkout"
    reports = workdir / "reports"
    reports.mkdir(parents=True)
    git(workdir, "clone", "-q", str(bare), str(checkout))
    rows = []

    def pull_request(label: str) -> int:
        git(checkout, "fetch", "-q", "origin")
        head = git(checkout, "rev-parse", "origin/dev").strip()
        git(checkout, "checkout", "-q", "--detach", head)
        print(f"\n--- pull request dev → prod ({label}): staging run on {head[:12]}")
        status = deploy(checkout, "test", staging, project_key, head, design, reports)
        rows.append([f"PR: {label}", head[:12], "staging", str(status), active_bundle(staging, project_key),
                     active_bundle(prod, project_key)])
        return status

    if pull_request("onboarded content") != 0:
        raise RuntimeError("the first pull request run failed on staging; see its output above")
    git(checkout, "checkout", "-q", "-B", "prod", "origin/prod")
    git(checkout, "merge", "-q", "--no-ff", "origin/dev", "-m", "Merge pull request #1 from dev")
    git(checkout, "push", "-q", "origin", "prod")
    merge = git(checkout, "rev-parse", "HEAD").strip()
    print(f"\n--- merged into prod: release run on {merge[:12]}")
    status = deploy(checkout, "release", prod, project_key, merge, design, reports)
    rows.append(["merge → release", merge[:12], "prod", str(status), active_bundle(staging, project_key),
                 active_bundle(prod, project_key)])
    if status != 0:
        raise RuntimeError("the release run failed; see its output above")

    project = DSSClient(*design).get_project(project_key)
    recipe = project.get_recipe("compute_customers_clean").get_settings()
    recipe.set_code(recipe.get_code().replace("> 0", "> 10_000"))  # a filter that drops every customer
    recipe.save()
    result = project.get_project_git().push("dev")
    print(f"\n--- a data scientist breaks compute_customers_clean in DSS; DSS pushes dev: success={result['success']}")
    pull_request("breaking change")
    return rows

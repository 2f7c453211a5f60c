"""Demo step 5: onboarding latency, measured for a project created in DSS while the cluster runs.

"Project created in DSS → repository declared (the next reconcile run's plan) → DSS pushed dev (the declared
onboarding resource applied) → first green pull-request check (the PR job, i.e. the deploy script in test mode on
staging)". Offline every step runs at once; in the real world the reconcile schedule's period comes first (see
README, "Onboarding latency").
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from dataikuapi import DSSClient

from .cluster import table
from .github import create_repository, git, onboard_projects, run_plan
from .pipeline import Stage, deploy

NEW_PROJECT = "CUSTOMER_SCORING"
GOAL_SECONDS = 60


@dataclass(frozen=True)
class Design:
    url: str
    api_key: str


def create_project(design: Design) -> None:
    """A data scientist creates a project with one test scenario (it passes) in DSS."""
    project = DSSClient(design.url, design.api_key).create_project(NEW_PROJECT, "Customer scoring", "admin")
    step = {"id": "s1", "name": "check", "type": "custom_python", "params": {"script": 'print("scores ok")'}}
    project.create_scenario("TEST_scores", "step_based", definition={"params": {"steps": [step]},
                                                                    "markedAsTest": True})


def measure(root: Path, work: Path, design: Design, owner: str, staging: Stage) -> float:
    """Run the whole onboarding of NEW_PROJECT; print its timeline; return the seconds to the first green check."""
    start = time.monotonic()
    marks: list[tuple[str, float, str]] = []

    def mark(event: str, detail: str) -> None:
        marks.append((event, time.monotonic() - start, detail))

    create_project(design)
    mark("project created in DSS", NEW_PROJECT)
    plan = run_plan(root, design.url, design.api_key, work / "github", work / "plan-next.json",
                    previous=work / "plan.json", shown=0)
    repository = plan["outputs"]["projects"][NEW_PROJECT]["repository"]
    mark("repository declared", f"{repository} (next reconcile run, new since the last plan)")
    bare = create_repository(plan, owner, repository, work / "github")
    pushed = onboard_projects(plan, design.api_key, keys=[NEW_PROJECT])[NEW_PROJECT]
    mark("DSS pushed dev", pushed[:12])
    checkout = work / "onboarding" / "checkout"
    reports = work / "onboarding" / "reports"
    reports.mkdir(parents=True)
    git(checkout.parent, "clone", "-q", str(bare), str(checkout))
    head = git(checkout, "rev-parse", "origin/dev").strip()
    git(checkout, "checkout", "-q", "--detach", head)
    status = deploy(checkout, "test", staging, NEW_PROJECT, head, (design.url, design.api_key), reports)
    if status != 0:
        raise RuntimeError(f"the first pull request check of {NEW_PROJECT} failed (exit {status})")
    mark("first green pull-request check", f"{head[:12]} on staging")
    print(table(["event", "after", "detail"],
                [[event, f"{seconds:.1f} s", detail] for event, seconds, detail in marks]))
    return marks[-1][1]

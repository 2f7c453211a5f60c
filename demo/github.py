"""Demo steps 2–3: the offline plan of the Pulumi program, and a local stand-in for the GitHub it declares.

No GitHub and no Pulumi CLI here: the plan runs the real program under Pulumi mocks against the emulator. Then each
declared project repository becomes a local bare git repository holding what the declared resources would put there
(auto_init's first commit, the default branch renamed to prod, one commit per RepositoryFile, a dev branch when one
is declared), and the declared onboarding resource is applied by calling its real dynamic provider, which points the
DSS project's remote at that repository and pushes dev from DSS.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from components.dss_remote import DssGitRemoteProvider

PROJECT = "DATAIKU_GITOPS"  # Pulumi's environment-variable form of the project name `dataiku-gitops`
DYNAMIC = "pulumi-python:dynamic:Resource"


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` as the demo's GitHub user; return its stdout."""
    env = dict(os.environ, GIT_AUTHOR_NAME="github", GIT_AUTHOR_EMAIL="github@example.invalid",
               GIT_COMMITTER_NAME="github", GIT_COMMITTER_EMAIL="github@example.invalid",
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def run_plan(root: Path, design_url: str, design_key: str, github_dir: Path, plan_file: Path,
             previous: Path | None = None, shown: int = 30) -> dict:
    """``python -m gitops_plan`` on stack dev, remotes pointed at ``github_dir`` (against a ``previous`` plan,
    as a reconcile run compares with the last one); print its first ``shown`` lines, the changes and the budget
    line; return its JSON."""
    env = dict(os.environ)
    env[f"PULUMI_CONFIG_{PROJECT}_DESIGNAPIKEY"] = design_key
    for key in ("STAGINGDESIGNAPIKEY", "STAGINGAUTOMATIONAPIKEY", "PRODDESIGNAPIKEY", "PRODAUTOMATIONAPIKEY"):
        env[f"PULUMI_CONFIG_{PROJECT}_{key}"] = f"demo-{key.lower()}"  # only ever written into GitHub secrets
    command = [sys.executable, "-m", "gitops_plan", "--stack", "dev", "--design-url", design_url,
               "--set", f"gitRemoteUrlTemplate={github_dir}/{{owner}}/{{repository}}.git", "--output", str(plan_file)]
    command += ["--previous", str(previous)] if previous else []
    print("$ python -m gitops_plan --stack dev --set gitRemoteUrlTemplate=.demo/github/{owner}/{repository}.git"
          + (f" --previous .demo/{previous.name}" if previous else ""))
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    lines = result.stdout.splitlines()
    changes = [line for line in lines[shown:] if line.startswith("Changes against the previous plan")]
    more = [f"  … {len(lines) - shown - 1} more lines (the whole plan as JSON: {plan_file})"] if len(lines) > shown \
        else []
    print("\n".join(lines[:shown] + more + changes + lines[-1:]))
    if result.returncode != 0:
        raise RuntimeError(f"the offline plan failed: {result.stderr.strip() or result.stdout.strip()}")
    return json.loads(plan_file.read_text())


def _inputs_of(plan: dict, kind: str, repository: str) -> list[dict]:
    return [r["inputs"] for r in plan["resources"]
            if r["type"].endswith(kind) and r["inputs"].get("repository") == repository]


def create_repository(plan: dict, owner: str, repository: str, github_dir: Path) -> Path:
    """A bare repository holding what the plan declares for ``repository``; return its path."""
    bare = github_dir / owner / f"{repository}.git"
    bare.parent.mkdir(parents=True, exist_ok=True)
    git(bare.parent, "init", "-q", "--bare", "-b", "main", bare.name)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        git(work, "clone", "-q", str(bare), ".")
        (work / "README.md").write_text(f"# {repository}\n")  # what auto_init commits
        git(work, "add", "README.md")
        git(work, "commit", "-q", "-m", "Initial commit")
        default = _inputs_of(plan, ":BranchDefault", repository)[0]["branch"]
        git(work, "branch", "-m", default)
        for file in _inputs_of(plan, ":RepositoryFile", repository):
            path = work / file["file"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(file["content"])
            git(work, "add", file["file"])
            git(work, "commit", "-q", "-m", file["commitMessage"])
        git(work, "push", "-q", "origin", f"{default}:{default}")
        for branch in _inputs_of(plan, ":Branch", repository):
            git(work, "push", "-q", "origin", f"{default}:{branch['branch']}")
    git(bare, "symbolic-ref", "HEAD", f"refs/heads/{default}")
    return bare


def onboard_projects(plan: dict, design_key: str, keys: list[str] | None = None) -> dict[str, str]:
    """Apply the declared onboarding resources (of ``keys`` only, if given) with their real provider; return project
    key → pushed commit."""
    pushed = {}
    for resource in plan["resources"]:
        if resource["type"] != DYNAMIC or (keys is not None and resource["inputs"]["project_key"] not in keys):
            continue
        props = dict(resource["inputs"], api_key=design_key)  # the plan masks the secret; the demo knows it
        outs = DssGitRemoteProvider().create(props).outs
        if outs["failure"]:
            raise RuntimeError(f"onboarding failed: {outs['failure']}")
        pushed[outs["project_key"]] = outs["pushed_commit"]
    return pushed

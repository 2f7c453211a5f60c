"""Demo step 8: the dev plugin's workflow runs — PR → staging, merge → prod with the same content, then a broken
version that fails on staging and whose release is refused.

The plugin's repository is the one the plan declares, as a local bare repository (like the projects' in step 3).
DSS has no API for a dev plugin's git remote, so the demo stands in for the developer's first push: the design
node's dev plugin, downloaded with ``download_plugin_stream``, is committed on ``dev``. Each run is the plugin
workflow's command line (``python -m dss_deploy plugin``). What a node runs is read back from the node itself: the
version ``list_plugins`` reports and the git tree of the files it serves (``download_plugin_stream``), which is the
content tree (the commit's tree without ``.github/``) of the archive that was installed there.
"""
from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import zipfile
from pathlib import Path

from dataikuapi import DSSClient
from dataikuapi.utils import DataikuException

from dss_emulator.samples import PLUGIN_ID

from .github import create_repository, git
from .pipeline import Stage, run_streamed

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = "python-lib/custom_connectors/client.py"
# the bug the plugin's tests catch: a short page is taken for the last one and returned before it is read
GOOD_LINE, BROKEN_LINE = "if not records:", "if len(records) < page_size:"


def extract(archive: bytes, folder: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        zipped.extractall(folder)


def served_state(stage: Stage) -> str:
    """``<version> @ <content tree>`` of the plugin the node serves, ``-`` when it has none."""
    client = DSSClient(stage.url, stage.api_key)
    version = next((p["version"] for p in client.list_plugins() if p["id"] == PLUGIN_ID), None)
    if version is None:
        return "-"
    with tempfile.TemporaryDirectory() as tmp:
        extract(client.download_plugin_stream(PLUGIN_ID).content, Path(tmp))
        git(Path(tmp), "init", "-q")
        git(Path(tmp), "add", "-A")
        tree = git(Path(tmp), "write-tree").strip()
    return f"{version} @ {tree[:12]}"


def deploy_plugin(checkout: Path, mode: str, stage: Stage, staging: Stage, commit: str, reports: Path) -> int:
    """Run the plugin deploy script as the plugin workflow's job does (keys in the environment only)."""
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT / "deploy"), "DSS_AUTOMATION_API_KEY": stage.api_key,
           "GITHUB_STEP_SUMMARY": str(reports / f"plugin-{mode}-summary.md")}
    command = [sys.executable, "-m", "dss_deploy", "plugin", "--mode", mode, "--stage", stage.name,
               "--plugin-id", PLUGIN_ID, "--commit-sha", commit, "--automation-url", stage.url,
               "--repo-dir", str(checkout), "--junit-file", str(reports / f"plugin-{mode}-{stage.name}-junit.xml")]
    shown = f"python -m dss_deploy plugin --mode {mode} --stage {stage.name} --plugin-id {PLUGIN_ID} " \
            f"--commit-sha {commit[:12]}…"
    if mode == "release":
        env["DSS_STAGING_AUTOMATION_API_KEY"] = staging.api_key
        command += ["--staging-url", staging.url]
        shown += " --staging-url <staging>"
    return run_streamed(command, env, shown)


def import_dev_plugin(design: DSSClient, checkout: Path) -> str:
    """Commit the design node's dev plugin on ``dev`` and push it; answer the commit."""
    git(checkout, "checkout", "-q", "-B", "dev", "origin/dev")
    extract(design.download_plugin_stream(PLUGIN_ID).content, checkout)
    git(checkout, "add", "-A")
    git(checkout, "commit", "-q", "-m", f"Import {PLUGIN_ID} from the design node's plugin editor")
    git(checkout, "push", "-q", "origin", "dev")
    return git(checkout, "rev-parse", "HEAD").strip()


def break_library(checkout: Path, version: str) -> str:
    """A developer's change the plugin's tests catch, as version ``version``, pushed to ``dev``; answer the commit."""
    git(checkout, "checkout", "-q", "-B", "dev", "origin/dev")
    library = checkout / LIBRARY
    code = library.read_text()
    if GOOD_LINE not in code:
        raise RuntimeError(f"the sample plugin's {LIBRARY} changed: the demo cannot break it any more")
    library.write_text(code.replace(GOOD_LINE, f"{BROKEN_LINE}  # a short page is the last one: one request less"))
    desc = json.loads((checkout / "plugin.json").read_text())
    (checkout / "plugin.json").write_text(json.dumps(dict(desc, version=version), indent=2) + "\n")
    git(checkout, "commit", "-q", "-am", f"{version}: stop at the first short page")
    git(checkout, "push", "-q", "origin", "dev")
    return git(checkout, "rev-parse", "HEAD").strip()


def merge_dev(checkout: Path, number: int) -> str:
    """Merge ``dev`` into ``prod`` as GitHub merges pull request ``number``, push it; answer the merge commit."""
    git(checkout, "checkout", "-q", "-B", "prod", "origin/prod")
    git(checkout, "merge", "-q", "--no-ff", "origin/dev", "-m", f"Merge pull request #{number} from dev")
    git(checkout, "push", "-q", "origin", "prod")
    return git(checkout, "rev-parse", "HEAD").strip()


def run_plugin_pipeline(plan: dict, owner: str, github_dir: Path, workdir: Path, design: tuple[str, str],
                        staging: Stage, prod: Stage) -> list[list[str]]:
    """The plugin's repository, its PR and release runs, then a broken version; return a row per run."""
    repository = plan["outputs"]["plugins"][PLUGIN_ID]["repository"]
    bare = create_repository(plan, owner, repository, github_dir)
    print(f"repository (local bare): {bare.relative_to(ROOT)}")
    checkout, reports = workdir / "checkout", workdir / "reports"
    reports.mkdir(parents=True)
    git(workdir, "clone", "-q", str(bare), str(checkout))
    rows = []

    def run(label: str, mode: str, stage: Stage, commit: str) -> int:
        git(checkout, "checkout", "-q", "--detach", commit)
        status = deploy_plugin(checkout, mode, stage, staging, commit, reports)
        rows.append([label, commit[:12], stage.name, str(status), served_state(staging), served_state(prod)])
        return status

    try:
        head = import_dev_plugin(DSSClient(*design), checkout)
    except DataikuException as exc:
        raise RuntimeError(f"downloading the dev plugin {PLUGIN_ID} failed: {exc}") from None
    print(f"\n--- the developer pushes the dev plugin to dev ({head[:12]}); pull request dev → prod: staging run")
    if run("PR: 1.0.0", "test", staging, head) != 0:
        raise RuntimeError("the plugin's first pull request run failed on staging; see its output above")
    merge = merge_dev(checkout, 1)
    print(f"\n--- merged into prod: release run on {merge[:12]}")
    if run("merge → release", "release", prod, merge) != 0:
        raise RuntimeError("the plugin's release run failed; see its output above")

    broken = break_library(checkout, "1.1.0")
    print(f"\n--- a developer pushes 1.1.0 to dev ({broken[:12]}): fetch_pages stops at the first short page; "
          "pull request dev → prod: staging run")
    run("PR: broken 1.1.0", "test", staging, broken)
    merge = merge_dev(checkout, 2)
    print(f"\n--- an admin merges the failing pull request anyway (bypassing the required check): release run on "
          f"{merge[:12]}")
    run("release attempt: 1.1.0", "release", prod, merge)
    return rows

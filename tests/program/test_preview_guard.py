"""The reconcile workflow's preview guard: it reads `pulumi preview --json` and refuses too many repository removals."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from components.preview_guard import judge, main, removed_repositories

ROOT = Path(__file__).resolve().parents[2]
STACK = "urn:pulumi:prod-1::dataiku-gitops::"
REPO = "dataiku-gitops:index:ProjectRepository$github:index/repository:Repository"


def _step(op: str, key: str, kind: str = REPO) -> dict:
    name = f"dss-{key.lower()}"
    return {"op": op, "urn": f"{STACK}{kind}::dss-project-{key}-repo",
            "oldState": {"type": kind.rsplit("$", 1)[-1], "inputs": {"name": name}, "outputs": {"name": name}}}


def _preview(*steps: dict, max_deletions: str | None = None) -> dict:
    config = {"dataiku-gitops:owner": "acme"}
    if max_deletions is not None:
        config["dataiku-gitops:maxDeletionsPerRun"] = max_deletions
    return {"config": config, "steps": list(steps), "changeSummary": {}}


def test_deletes_and_replaces_of_repositories_are_counted_once_each():
    preview = _preview(_step("delete", "A"), _step("create-replacement", "B"), _step("delete-replaced", "B"),
                       _step("replace", "B"), _step("same", "C"), _step("update", "D"), _step("create", "E"),
                       _step("delete", "F", "dataiku-gitops:index:ProjectRepository$github:index/"
                                            "repositoryFile:RepositoryFile"))
    assert removed_repositories(preview) == ["dss-a", "dss-b"]


def test_the_stack_limit_comes_from_the_previewed_config_then_pulumi_yaml():
    steps = [_step("delete", key) for key in "ABCDEF"]
    assert judge(_preview(*steps))[0] is False  # Pulumi.yaml's default: 5
    assert judge(_preview(*steps[:5]))[0] is True
    assert judge(_preview(*steps, max_deletions="6")) == (
        True, "preview guard: 6 repositories deleted or replaced (limit 6): dss-a, dss-b, dss-c, dss-d, dss-e, "
              "… 1 more")
    assert judge(_preview(*steps, max_deletions="6"), override=1)[0] is False


def test_a_refusal_is_one_line_and_exit_1(tmp_path, capsys):
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(_preview(_step("delete", "A"), _step("delete", "B"), max_deletions="1")))
    assert main([str(path)]) == 1
    err = capsys.readouterr().err
    assert err == ("Refusing to run: the preview deletes or replaces 2 repositories (dss-a, dss-b), more than "
                   "maxDeletionsPerRun=1; check DSS discovery and the filters, or raise maxDeletionsPerRun for one "
                   "run.\n")


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "Expecting value"),
    ("{\"diagnostics\": []}", "no \"steps\" list"),
    ("{\"steps\": [{\"op\": \"delete\"}]}", "a step has no URN"),
])
def test_anything_but_a_preview_exits_2(tmp_path, capsys, content, message):
    path = tmp_path / "preview.json"
    path.write_text(content)
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: ") and message in err and err.count("\n") == 1


def test_runs_as_the_module_the_workflow_calls(tmp_path):
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(_preview(_step("same", "A"))))
    result = subprocess.run([sys.executable, "-m", "components.preview_guard", str(path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (0, "preview guard: 0 repositories deleted or replaced (limit 5)\n")

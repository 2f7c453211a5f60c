"""The offline workflow linters pass on every generated workflow and on this repository's own workflows.

Each linter runs once over all files. A negative case proves each one still reports what it exists to catch.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
OWN_WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))

INSECURE = """\
name: insecure
on: pull_request
permissions: {}
jobs:
  greet:
    runs-on: ubuntu-24.04
    timeout-minutes: 5
    permissions: {}
    steps:
      - run: echo "${{ github.event.pull_request.title }}"
"""


def _run(tool: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / tool), *map(str, args)], capture_output=True, text=True, timeout=120)


def _workflows(rendered_dir: Path) -> list[Path]:
    rendered = sorted(rendered_dir.glob("*/.github/workflows/*.yml"))
    assert len(rendered) == 1 + 1 + 1, rendered
    assert {"ci.yml", "preview.yml", "reconcile.yml"} <= {path.name for path in OWN_WORKFLOWS}
    return rendered + OWN_WORKFLOWS


@pytest.mark.parametrize("schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"])
def test_check_jsonschema(rendered_dir, schema):
    result = _run("check-jsonschema", "--builtin-schema", schema, *_workflows(rendered_dir))
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint(rendered_dir):
    if shutil.which("shellcheck") is None:
        warnings.warn("shellcheck is not on PATH: actionlint does not check the run: scripts", stacklevel=1)
    result = _run("actionlint", "-no-color", *_workflows(rendered_dir))
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_has_no_findings(rendered_dir):
    result = _run("zizmor", "--offline", "--min-severity=low", "--strict-collection", "--format=json",
                  *_workflows(rendered_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == []


def test_linters_catch_template_injection(tmp_path):
    bad = tmp_path / "insecure.yml"
    bad.write_text(INSECURE)
    actionlint = _run("actionlint", "-no-color", bad)
    assert actionlint.returncode == 1 and "potentially untrusted" in actionlint.stdout
    zizmor = _run("zizmor", "--offline", "--min-severity=low", "--format=json", bad)
    assert {finding["ident"] for finding in json.loads(zizmor.stdout)} == {"template-injection"}

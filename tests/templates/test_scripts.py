"""The generated `run:` scripts, executed with bash the way the runner does (`bash -e`), on real inputs."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

from components.workflow_files import PLUGIN_WORKFLOW, PROJECT_WORKFLOW, plugin_workflow_files, project_workflow_files
from tests.templates.conftest import PLUGIN, PROJECT

needs_jq = pytest.mark.skipif(shutil.which("jq") is None, reason="the plugin scripts need jq (present on runners)")


def _script(text: str, job: str, index: int) -> str:
    return yaml.safe_load(text)["jobs"][job]["steps"][index]["run"]


def _bash(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "RUNNER_TEMP": str(cwd.parent), **env}
    return subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


ROLLBACK_CHECK = _script(project_workflow_files(PROJECT)[PROJECT_WORKFLOW], "validate", 0)


@pytest.mark.parametrize("bundle_id", ["tree-0123abcd", "bundle_1.2-rc", "A" * 100])
@pytest.mark.parametrize("mode", ["rollback", "redeploy"])
def test_rollback_accepts_bundle_ids_and_modes(tmp_path, bundle_id, mode):
    result = _bash(ROLLBACK_CHECK, tmp_path, BUNDLE_ID=bundle_id, MODE=mode)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("bundle_id", ["", "-x", "a b", "x;touch pwned", "$(touch pwned)", "a\n::stop-commands::x",
                                       "A" * 101, "../../etc"])
def test_rollback_refuses_bad_bundle_ids_without_running_them(tmp_path, bundle_id):
    result = _bash(ROLLBACK_CHECK, tmp_path, BUNDLE_ID=bundle_id, MODE="rollback")
    assert result.returncode == 1
    [line] = result.stdout.splitlines()  # one annotation line: a newline in the input cannot start a command
    assert line.startswith("::error title=Invalid bundle-id::bundle-id ")
    assert not (tmp_path / "pwned").exists()


def test_rollback_refuses_an_unknown_mode(tmp_path):
    result = _bash(ROLLBACK_CHECK, tmp_path, BUNDLE_ID="b1", MODE="destroy")
    assert result.returncode == 1 and "mode destroy must be rollback or redeploy" in result.stdout


def _plugin_repo(tmp_path: Path, plugin: dict, tags: tuple[str, ...] = ()) -> Path:
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "x.yml").write_text("name: x\n")
    (repo / "python-lib").mkdir()
    (repo / "python-lib" / "geo.py").write_text("def area(r):\n    return 3.14 * r * r\n")
    (repo / "plugin.json").write_text(json.dumps(plugin))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "plugin"], cwd=repo, check=True)
    for tag in tags:
        subprocess.run([*git, "tag", tag], cwd=repo, check=True)
    return repo


PLUGIN_FILES = plugin_workflow_files(PLUGIN)
PLUGIN_CHECK = _script(PLUGIN_FILES[PLUGIN_WORKFLOW], "check", 1)
PLUGIN_COMPILE = _script(PLUGIN_FILES[PLUGIN_WORKFLOW], "check", 2)
PLUGIN_RELEASE = _script(PLUGIN_FILES[PLUGIN_WORKFLOW], "release", 2)


@needs_jq
def test_plugin_check_passes_a_new_version(tmp_path):
    repo = _plugin_repo(tmp_path, {"id": "geo-tools", "version": "1.1.0"}, tags=("v1.0.0",))
    assert _bash(PLUGIN_CHECK, repo, PLUGIN_ID="geo-tools").returncode == 0


@needs_jq
@pytest.mark.parametrize(("plugin", "tags", "message"), [
    ({"id": "geo-tools", "version": "1.0.0"}, ("v1.0.0",), "version 1.0.0 is already released (tag v1.0.0)"),
    ({"id": "other", "version": "1.0.0"}, (), "plugin.json id other is not this repository's plugin geo-tools"),
    ({"id": "geo-tools", "version": "latest"}, (), "plugin.json version latest is not MAJOR.MINOR.PATCH"),
    ({"id": "geo-tools"}, (), 'plugin.json has no string "version"'),
    ({"version": "1.0.0"}, (), 'plugin.json is missing, is not JSON or has no string "id"'),
])
def test_plugin_check_refuses(tmp_path, plugin, tags, message):
    result = _bash(PLUGIN_CHECK, _plugin_repo(tmp_path, plugin, tags), PLUGIN_ID="geo-tools")
    assert result.returncode == 1 and message in result.stdout, result.stdout + result.stderr


def test_plugin_check_compiles_the_python_code(tmp_path):
    repo = _plugin_repo(tmp_path, {"id": "geo-tools", "version": "1.0.0"})
    assert _bash(PLUGIN_COMPILE, repo).returncode == 0
    (repo / "python-lib" / "broken.py").write_text("def broken(:\n")
    result = _bash(PLUGIN_COMPILE, repo)
    assert result.returncode == 1 and "broken.py" in result.stdout + result.stderr


def _fake_gh(tmp_path: Path) -> Path:
    """A `gh` on PATH that records its arguments (the real one would call GitHub)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {tmp_path}/gh-args\n')
    (bin_dir / "gh").chmod(0o755)
    return bin_dir


@needs_jq
def test_plugin_release_publishes_the_installed_archive(tmp_path):
    repo = _plugin_repo(tmp_path, {"id": "geo-tools", "version": "2.0.0"}, tags=("v1.0.0",))
    installed = tmp_path / "dss-plugin-installed.zip"  # what the deploy action wrote (--archive-file)
    with zipfile.ZipFile(installed, "w") as archive:
        archive.writestr("plugin.json", (repo / "plugin.json").read_text())
    path = f"{_fake_gh(tmp_path)}:{os.environ['PATH']}"
    result = _bash(PLUGIN_RELEASE, repo, PATH=path, PLUGIN_ID="geo-tools", GITHUB_REPOSITORY="acme/geo",
                   GITHUB_SHA="c" * 40, GH_TOKEN="not-a-token", INSTALLED=str(installed))
    assert result.returncode == 0, result.stdout + result.stderr
    zip_path = tmp_path / "dss-plugin-geo-tools-2.0.0.zip"
    assert (tmp_path / "gh-args").read_text().splitlines()[:7] == [
        "release", "create", "v2.0.0", str(zip_path), "--repo", "acme/geo", "--target"]
    assert zip_path.read_bytes() == installed.read_bytes()  # the very bytes installed on prod, no rebuild


@needs_jq
def test_plugin_release_leaves_a_released_version_alone(tmp_path):
    repo = _plugin_repo(tmp_path, {"id": "geo-tools", "version": "1.0.0"}, tags=("v1.0.0",))
    path = f"{_fake_gh(tmp_path)}:{os.environ['PATH']}"
    result = _bash(PLUGIN_RELEASE, repo, PATH=path, PLUGIN_ID="geo-tools")
    assert result.returncode == 0 and "::notice title=Already released::v1.0.0 exists" in result.stdout
    assert not (tmp_path / "gh-args").exists()

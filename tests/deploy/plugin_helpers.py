"""A plugin repository for deploy-script tests: a bare repository standing in for GitHub, a checkout, and the
plugin's own tests (they read the node the deploy script hands them and the plugin's python-lib)."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from dss_deploy.plugin_cli import main

from dss_emulator.coverage import invented_among

from ..emulator.git_helpers import run_git as git
from .helpers import commit_files

PLUGIN_ID = "geo-tools"

PLUGIN_TESTS = '''
import json
import os
from pathlib import Path

from dataikuapi import DSSClient
from geo_tools import distance

ROOT = Path(__file__).resolve().parent.parent


def test_the_node_runs_this_version():
    client = DSSClient(os.environ["DATAIKU_INSTANCE_URL"], os.environ["DATAIKU_API_KEY"])
    plugin_id = os.environ["DATAIKU_PLUGIN_ID"]
    desc = json.loads((ROOT / "plugin.json").read_text())
    assert {p["id"]: p["version"] for p in client.list_plugins()}[plugin_id] == desc["version"]


def test_distance():
    assert distance(0, 3, 4, 0) == 5
'''
CONFTEST = "import sys\nfrom pathlib import Path\n\nsys.path.insert(0, str(Path(__file__).resolve().parent.parent / " \
           "'python-lib'))\n"
GOOD_LIB = "def distance(x1, y1, x2, y2):\n    return ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5\n"
BROKEN_LIB = "def distance(x1, y1, x2, y2):\n    return abs(x1 - x2) + abs(y1 - y2)\n"


def plugin_files(version: str, lib: str = GOOD_LIB, code_env: bool = False) -> dict[str, str]:
    files = {"plugin.json": json.dumps({"id": PLUGIN_ID, "version": version, "meta": {"label": "Geo tools"}}),
             "python-lib/geo_tools/__init__.py": lib, "tests/conftest.py": CONFTEST,
             "tests/test_plugin.py": PLUGIN_TESTS}
    if code_env:
        files["code-env/python/desc/desc.json"] = json.dumps({"acceptedPythonInterpreters": ["PYTHON311"]})
    return files


@dataclass
class PluginWorld:
    dss: object
    tmp: Path
    bare: Path
    checkout: Path
    outputs: list[str] = field(default_factory=list)
    runs: int = 0

    def commit(self, files: dict[str, str], message: str) -> str:
        return commit_files(self.checkout, files, message)

    def environ(self, stage: str) -> dict[str, str]:
        env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
        env.update(DSS_AUTOMATION_API_KEY=self.dss.admin_key(stage), DSS_STAGING_AUTOMATION_API_KEY=
                   self.dss.admin_key("staging"))
        return env

    def run(self, capsys, mode: str, stage: str, commit: str, *extra: str) -> int:
        """Run the plugin mode on ``commit`` (checked out first); fail on a call to an invented route."""
        git(self.checkout, "checkout", "-q", "--detach", commit)
        self.runs += 1
        argv = ["--mode", mode, "--stage", stage, "--plugin-id", PLUGIN_ID, "--commit-sha", commit,
                "--automation-url", self.dss.url(stage), "--repo-dir", str(self.checkout),
                "--junit-file", str(self.tmp / f"junit-{self.runs}.xml"),
                "--summary-file", str(self.tmp / f"summary-{self.runs}.md"), *extra]
        if mode == "release":
            argv += ["--staging-url", self.dss.url("staging")]
        with self.dss.recording() as served:
            status = main(argv, self.environ(stage))
        assert invented_among(served) == [], "the plugin mode called routes the emulator invented"
        out = capsys.readouterr()
        self.outputs.append(out.out + out.err)
        return status

    @property
    def output(self) -> str:
        return self.outputs[-1]

    def summary(self) -> str:
        return (self.tmp / f"summary-{self.runs}.md").read_text()

    def installed(self, stage: str) -> str | None:
        items = self.dss.client(stage).list_plugins()
        return next((p["version"] for p in items if p["id"] == PLUGIN_ID), None)


def make_plugin_world(dss, tmp_path: Path) -> PluginWorld:
    bare, checkout = tmp_path / "github.git", tmp_path / "checkout"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(tmp_path, "clone", "-q", str(bare), str(checkout))
    git(checkout, "checkout", "-q", "-b", "master")
    return PluginWorld(dss, tmp_path, bare, checkout)

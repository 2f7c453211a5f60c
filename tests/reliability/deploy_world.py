"""Shared pieces of the deploy-script reliability cases: the deploy script as a real process (to kill it), faults
armed through the emulator's control API, and the Deployer's own view of a deployment."""
from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from dss_deploy.bundles import bundle_id_for
from dss_deploy.cli import ExitStatus
from dss_deploy.gitrepo import LocalRepo

from ..deploy.helpers import DEPLOY_DIR, World

ACTIVATE = r"/projects/CHURN/bundles/imported/[^/]+/actions/activate$"  # on an automation node
METADATA = r"/projects/CHURN/metadata$"  # on an automation node, only PROBE_TESTS_PY calls it
PROBE_TESTS_PY = """
import os

import dataikuapi


def test_the_run_passes_the_project_key():
    assert os.environ["DATAIKU_PROJECT_KEY"] == "CHURN"


def test_the_deployed_project_answers():
    client = dataikuapi.DSSClient(os.environ["DATAIKU_INSTANCE_URL"], api_key=os.environ["DATAIKU_API_KEY"])
    assert client.get_project(os.environ["DATAIKU_PROJECT_KEY"]).get_metadata() is not None
"""
PEM = ("-----BEGIN CERTIFICATE-----\nMIIBcertificatebodySECRETPART0123456789\n-----END CERTIFICATE-----\n"
       "-----BEGIN PRIVATE KEY-----\nMIIEprivatekeybodySECRETPART0123456789\n-----END PRIVATE KEY-----\n")


def publish(world: World, commit: str) -> str:
    """Export and publish the bundle of ``commit``'s content from DSS (what a pull request run does; quicker)."""
    world.fetch()
    bundle_id = bundle_id_for(LocalRepo(world.checkout).content_tree(commit))
    world.project.export_bundle(bundle_id)
    world.project.publish_bundle(bundle_id)
    return bundle_id


def prod_with_a_second_bundle(world: World, capsys) -> tuple[str, str, str]:
    """Prod released (and tested) on a first bundle; a second one published and merged to prod, not released.

    Answers ``(first bundle, second bundle, merge commit of the second)``.
    """
    first = publish(world, world.dss_head())
    assert world.run(capsys, "release", "prod", world.merge_to_prod()) == ExitStatus.OK, world.output
    world.change_recipe("second release")
    second = publish(world, world.dss_push())
    return first, second, world.merge_to_prod()


def fault(world: World, node: str, method: str, path: str, **spec) -> None:
    """The next matching request(s) on ``node`` wait ``delay`` seconds and/or fail with ``status``."""
    world.dss.control(node, "POST", "faults/routes", dict({"method": method, "path": path, "count": 1}, **spec))


def updates(world: World, deployment_id: str) -> list[dict]:
    """The deployment's update history, as the Project Deployer keeps it."""
    return [u.get_raw() for u in world.design.get_projectdeployer().get_deployment(deployment_id).list_updates()]


def health(world: World, deployment_id: str) -> str:
    return world.design.get_projectdeployer().get_deployment(deployment_id).get_status().get_health()


class Spawned:
    """``python -m dss_deploy`` in its own process, its output collected line by line as it comes."""

    def __init__(self, world: World, mode: str, stage: str, commit: str, *extra: str, env: dict | None = None):
        world.check_out(commit)
        self.argv = world.argv(mode, stage, commit, *extra)
        self.summary_file = world.tmp / f"summary-{world.runs}.md"
        environ = dict(env or world.environ(stage), PYTHONPATH=str(DEPLOY_DIR), PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen([sys.executable, "-m", "dss_deploy", *self.argv], env=environ,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self._seen = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._seen:
                self.lines.append(line)
                self._seen.notify_all()
        with self._seen:
            self.lines.append("")  # end of output
            self._seen.notify_all()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float = 60) -> None:
        """Block until a line contains ``text``; fail (with the output) if the process ends or time runs out."""
        with self._seen:
            found = self._seen.wait_for(lambda: any(text in line for line in self.lines)
                                        or (self.lines and self.lines[-1] == ""), timeout)
        assert found and any(text in line for line in self.lines), f"never printed {text!r}:\n{self.output}"

    def finish(self, timeout: float = 60) -> int:
        status = self.process.wait(timeout)
        self._reader.join(timeout)
        return status

    def summary(self) -> str:
        return Path(self.summary_file).read_text()

"""A small GitOps world for deploy-script tests: the emulated cluster, a bare repository standing in for the
GitHub repository, the DSS project pushing to it, and a clone standing in for the workflow's checkout."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from dss_deploy.cli import ExitStatus, main

from components.workflow_files import WorkflowContext, project_workflow_files, starter_tests_py
from dss_emulator.coverage import invented_among

from ..emulator.git_helpers import GIT_ENV  # noqa: F401 (re-exported to the deploy tests)
from ..emulator.git_helpers import run_git as git

DEPLOY_DIR = Path(__file__).resolve().parents[2] / "deploy"
"""Where the composite action runs the deploy script from (its PYTHONPATH)."""


def commit_files(work: Path, files: dict[str, str], message: str, push_to: str | None = "master") -> str:
    for rel, content in files.items():
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        (work / rel).write_text(content)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", message)
    if push_to:
        git(work, "push", "-q", "origin", f"HEAD:refs/heads/{push_to}")
    return git(work, "rev-parse", "HEAD")


def workflow_context(project_key: str) -> WorkflowContext:
    return WorkflowContext(dss_key=project_key, repository=f"dss-{project_key.lower()}", owner="acme",
                           deploy_action="acme/dataiku-gitops/deploy", deploy_action_ref="0" * 40,
                           dev_branch="master")


@dataclass
class World:
    """The cluster plus git: ``github`` (bare), ``checkout`` (clone) and the CI keys of each node."""

    dss: object
    project_key: str
    github: Path
    checkout: Path
    tmp: Path
    keys: dict[str, str]
    runs: int = 0
    outputs: list[str] = field(default_factory=list)
    served: set[tuple[str, str]] = field(default_factory=set)
    """The DSS routes the script's runs called (``(method, route path)``)."""

    # --- DSS side -------------------------------------------------------------------------------------------
    @property
    def design(self):
        return self.dss.client("design")

    @property
    def project(self):
        return self.design.get_project(self.project_key)

    def dss_push(self) -> str:
        """DSS pushes its branch to GitHub; answer the pushed HEAD."""
        result = self.project.get_project_git().push()
        assert result["success"], result
        return self.dss_head()

    def dss_head(self) -> str:
        return self.project.get_project_git().log(count=1)["entries"][0]["commit"]

    def change_recipe(self, marker: str) -> None:
        """A change made in DSS (committed at once in AUTO mode, pending in EXPLICIT mode)."""
        recipe = self.project.get_recipe("compute_customers_clean" if self.project_key == "CHURN"
                                         else "compute_monthly_totals")
        settings = recipe.get_settings()
        settings.set_code(settings.get_code() + f"\n# {marker}\n")
        settings.save()

    def exported_ids(self) -> list[str]:
        return [b["bundleId"] for b in self.project.list_exported_bundles()["bundles"]]

    def published_ids(self) -> list[str]:
        projects = self.design.get_projectdeployer().list_projects(as_objects=False)
        return [p["id"] for s in projects if s["projectBasicInfo"]["id"] == self.project_key for p in s["packages"]]

    def deployments(self) -> dict[str, str]:
        """Deployment id → configured bundle id."""
        deployer = self.design.get_projectdeployer()
        return {d.id: d.get_settings().bundle_id for d in deployer.list_deployments()}

    def active_bundle(self, node: str) -> str | None:
        item = next((p for p in self.dss.client(node).list_projects() if p["projectKey"] == self.project_key), None)
        return None if item is None else (item.get("activeBundleState") or {}).get("bundleId")

    # --- GitHub side ----------------------------------------------------------------------------------------
    def github_commit(self, files: dict[str, str], message: str, branch: str = "master",
                      base: str | None = None) -> str:
        """A commit made on GitHub (not by DSS) on ``branch`` (created from ``base`` if given)."""
        self.fetch()
        git(self.checkout, "checkout", "-q", "-B", branch, base or f"origin/{branch}")
        return commit_files(self.checkout, files, message, push_to=branch)

    def fetch(self) -> None:
        git(self.checkout, "fetch", "-q", "origin")

    def merge_to_prod(self) -> str:
        """Merge master into prod with a merge commit (what merging the PR does); answer the merge commit."""
        self.fetch()
        git(self.checkout, "checkout", "-q", "-B", "prod", "origin/prod")
        git(self.checkout, "merge", "-q", "--no-ff", "-m", "Merge pull request", "origin/master")
        git(self.checkout, "push", "-q", "origin", "HEAD:refs/heads/prod")
        return git(self.checkout, "rev-parse", "HEAD")

    def check_out(self, sha: str) -> None:
        self.fetch()
        git(self.checkout, "checkout", "-q", "--detach", sha)

    # --- the script -----------------------------------------------------------------------------------------
    def environ(self, stage: str, **extra: str) -> dict[str, str]:
        env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
        env.update(DSS_DESIGN_API_KEY=self.keys["design"], DSS_AUTOMATION_API_KEY=self.keys[stage])
        env.update(extra)
        return env

    def argv(self, mode: str, stage: str, commit: str, *extra: str) -> list[str]:
        self.runs += 1
        return ["--mode", mode, "--stage", stage, "--project-key", self.project_key, "--commit-sha", commit,
                "--design-url", self.dss.url("design"), "--automation-url", self.dss.url(stage),
                "--infra-id", stage, "--repo-dir", str(self.checkout),
                "--junit-file", str(self.tmp / f"junit-{self.runs}.xml"),
                "--summary-file", str(self.tmp / f"summary-{self.runs}.md"), *extra]

    def summary(self) -> str:
        return (self.tmp / f"summary-{self.runs}.md").read_text()

    def junit(self) -> Path:
        return self.tmp / f"junit-{self.runs}.xml"

    def run(self, capsys, mode: str, stage: str, commit: str, *extra: str, env: dict | None = None) -> int:
        """Run the script (checking out ``commit`` first); its output is appended to ``outputs``.

        Fails when the script called a DSS route the emulator marks invented (see ``dss_emulator/COVERAGE.md``).
        """
        self.check_out(commit)
        with self.dss.recording() as served:
            status = main(self.argv(mode, stage, commit, *extra), env or self.environ(stage))
        self.served |= served
        assert invented_among(served) == [], "the deploy script called routes the emulator invented"
        out = capsys.readouterr()
        self.outputs.append(out.out + out.err)
        return status

    @property
    def output(self) -> str:
        return self.outputs[-1]


# A quick tests.py: what the deploy script hands it (and nothing more), and the deployed project on the node.
LIGHT_TESTS_PY = """
import os
from pathlib import Path

import dataikuapi


def _project():
    certificate = os.environ.get("DATAIKU_CLIENT_CERTIFICATE")
    client = dataikuapi.DSSClient(os.environ["DATAIKU_INSTANCE_URL"], api_key=os.environ["DATAIKU_API_KEY"],
                                  client_certificate=certificate)
    return client.get_project(os.environ["DATAIKU_PROJECT_KEY"])


def test_only_the_stage_credentials_reach_tests():
    assert sorted(n for n in os.environ if n.startswith(("DSS_", "GITHUB_", "DATAIKU_"))) == sorted(
        n for n in ("DATAIKU_API_KEY", "DATAIKU_CLIENT_CERTIFICATE", "DATAIKU_INSECURE_TLS", "DATAIKU_INSTANCE_URL",
                  "DATAIKU_PROJECT_KEY")
        if n in os.environ)
    certificate = os.environ.get("DATAIKU_CLIENT_CERTIFICATE")
    if certificate:
        assert Path(certificate).read_text().startswith("-----BEGIN CERTIFICATE-----")
        assert Path(certificate).stat().st_mode & 0o777 == 0o600


def test_the_deployed_project_has_its_test_scenario():
    assert "TEST_SMOKE" in [s["id"] for s in _project().list_scenarios()]
"""


def make_world(dss, tmp_path: Path, project_key: str = "CHURN", tests_py: str = "light") -> World:
    """Seed the samples, onboard ``project_key`` (remote, first push, platform files pulled into DSS), clone it.

    ``tests_py``: ``light`` (:data:`LIGHT_TESTS_PY`, quick), ``starter`` (the platform's starter tests.py, which
    runs the project's test scenarios on the node) or the content of a tests.py.
    """
    dss.control("design", "POST", "seed", {"sample": True})
    github = tmp_path / "github.git"
    github.mkdir()
    git(github, "init", "-q", "--bare", "-b", "master")
    project = dss.client("design").get_project(project_key)
    project.get_project_git().set_remote(str(github))
    assert project.get_project_git().push()["success"]
    checkout = tmp_path / "checkout"
    git(tmp_path, "clone", "-q", str(github), str(checkout))
    context = workflow_context(project_key)
    tests = {"starter": starter_tests_py(context), "light": LIGHT_TESTS_PY}.get(tests_py, tests_py)
    files = dict(project_workflow_files(context), **{"tests.py": tests})
    commit_files(checkout, files, "Add the GitOps workflows and tests.py")
    git(checkout, "push", "-q", "origin", "HEAD:refs/heads/prod")
    pulled = project.get_project_git().pull()
    assert pulled["success"], pulled
    keys = {"design": dss.create_api_key("design", label="ci", admin=True)}
    for node in ("staging", "prod"):
        keys[node] = dss.create_api_key(node, label="ci", projects={project_key: "write"})
    return World(dss, project_key, github, checkout, tmp_path, keys)


def released(world: World, capsys) -> str:
    """A pull request tested on staging, merged and released to prod; answer the bundle id."""
    head = world.dss_head()
    assert world.run(capsys, "test", "staging", head) == ExitStatus.OK, world.output
    merge = world.merge_to_prod()
    assert world.run(capsys, "release", "prod", merge) == ExitStatus.OK, world.output
    return world.exported_ids()[-1]


def second_pr(world: World, capsys) -> tuple[str, str]:
    """A change made in DSS, pushed, tested on staging and merged: ``(its bundle id, the merge commit)``."""
    world.change_recipe("second release")
    head = world.dss_push()
    assert world.run(capsys, "test", "staging", head) == ExitStatus.OK, world.output
    return world.exported_ids()[-1], world.merge_to_prod()


def read_json(path: Path) -> dict:
    return json.loads(path.read_text())

"""The plugin run, step by step: build the archive of the content under test, install it, verify, test, record.

Modes:
  test     (pull request → staging) install or update the PR's archive, its code env, check the node reports
           plugin.json's version, run the tests; when they pass, staging records the content tree as passed.
  release  (push to prod) the content tree must be recorded as passed on staging (never an untested archive: the
           archive is rebuilt from the merge commit and compared by content tree); a version prod already runs
           and passed there is a no-op; else install, test, record, and when the tests fail reinstall the previous
           release (rebuilt from its recorded content tree, which the checkout's history holds).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dataikuapi import DSSClient

from . import plugin_archive, plugin_node, tests_runner
from .errors import BundleRejected, DeployError, DeployFailed, RollbackFailed, TestsFailed, TestsFailedRolledBack
from .gitrepo import LocalRepo
from .plugin_archive import PluginArchive
from .report import Reporter, TestCounts, code_span
from .transport import RequestBudget, Tls, make_client


@dataclass
class PluginSummary:
    """Facts gathered while the run goes; rendered as the step summary and the step outputs."""

    plugin_id: str
    mode: str
    stage: str
    commit_sha: str
    node_url: str
    run_url: str | None = None
    content_tree: str | None = None
    version: str | None = None
    previous_version: str | None = None
    action: str | None = None  # installed / updated / nothing
    code_env: str | None = None
    tests: TestCounts | None = None
    tests_result: str | None = None
    rollback: str | None = None
    outcome: str = "not finished"
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    def rows(self) -> list[tuple[str, str]]:
        tests = self.tests_result or "not run"
        if self.tests is not None:
            tests = f"{tests}: {self.tests.describe()}"
        return [("Plugin", code_span(self.plugin_id)), ("Mode / stage", f"{self.mode} / {self.stage}"),
                ("Commit", code_span(self.commit_sha)), ("Content tree", code_span(self.content_tree)),
                ("Version", code_span(self.version) + (f" ({self.action})" if self.action else "")),
                ("Node", self.node_url), ("Previous version", code_span(self.previous_version)),
                ("Code env", self.code_env or "none declared"), ("Tests", tests),
                ("Rollback", self.rollback or "not needed")]

    def outputs(self) -> dict[str, str]:
        return {"plugin-version": self.version or "", "content-tree": self.content_tree or "",
                "previous-version": self.previous_version or "", "outcome": self.outcome}


@dataclass
class PluginRun:
    settings: object  # plugin_cli.PluginSettings
    reporter: Reporter
    summary: PluginSummary
    repo: LocalRepo
    node: DSSClient
    tls: Tls
    environ: Mapping[str, str]
    budget: RequestBudget

    @property
    def node_name(self) -> str:
        return f"{self.settings.stage} node {self.settings.automation_url}"


def run(settings, reporter: Reporter, summary: PluginSummary, tls: Tls,
        environ: Mapping[str, str]) -> None:
    """Do the whole plugin run; raise a :class:`DeployError` on failure, with ``summary`` filled as far as it got."""
    budget = RequestBudget(settings.timeout)
    ctx = PluginRun(settings, reporter, summary, LocalRepo(settings.repo_dir, settings.git_remote, settings.git_token),
                    make_client(settings.automation_url, settings.automation_api_key, budget, tls), tls, environ,
                    budget)
    if settings.insecure_tls:
        reporter.warn("TLS certificate verification is OFF (--insecure-tls)", "Insecure TLS")
    archive = build_archive(ctx)
    if settings.archive_file is not None:
        write_archive(archive, settings.archive_file, reporter)
    if settings.mode == "release":
        require_passed_on_staging(ctx, archive)
    record = plugin_node.read_record(ctx.node, archive.plugin_id, ctx.node_name)  # the last content that passed
    if settings.mode == "release" and already_released(ctx, archive, record):
        return
    install_and_verify(ctx, archive)
    try:
        test(ctx)
    except TestsFailed as failure:
        restore(ctx, record, failure)
    plugin_node.record_passed(ctx.node, archive, settings.commit_sha, ctx.node_name)
    summary.outcome = f"{summary.action} and tested"
    reporter.ok(f"recorded on {ctx.node_name}: content tree {archive.content_tree} passed")


def build_archive(ctx: PluginRun) -> PluginArchive:
    """The archive of the commit under test's content tree; the checkout must hold that content."""
    s, repo = ctx.settings, ctx.repo
    ctx.reporter.step(f"commit {s.commit_sha}")
    available, why = repo.ensure_commit(s.commit_sha)
    if not available:
        raise DeployError(f"Commit {s.commit_sha} is not in the checkout nor on remote {s.git_remote} "
                          f"({why or 'not found'})")
    tree = repo.content_tree(s.commit_sha)
    if repo.content_tree(repo.head()) != tree:
        raise DeployError(f"--repo-dir is not checked out at the content of {s.commit_sha}: its tests are not the "
                          f"ones to run. Check out {s.commit_sha}.")
    archive = plugin_archive.build(repo, tree)
    if archive.plugin_id != s.plugin_id:
        raise DeployError(f"Invalid plugin.json id {archive.plugin_id!r}: this repository's plugin is "
                          f"{s.plugin_id!r}")
    ctx.summary.content_tree, ctx.summary.version = tree, archive.version
    ctx.reporter.ok(f"archive of content tree {tree} (the commit's tree without .github/): plugin "
                    f"{archive.plugin_id} {archive.version}, {len(archive.data)} bytes")
    return archive


def write_archive(archive: PluginArchive, path: Path, reporter: Reporter) -> None:
    """The archive's bytes, the ones installed, to ``path`` (--archive-file)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(archive.data)
    except OSError as exc:
        raise DeployError(f"Cannot write --archive-file {str(path)!r}: {exc.strerror or exc}") from None
    reporter.ok(f"archive written to {path}")


def require_passed_on_staging(ctx: PluginRun, archive: PluginArchive) -> None:
    """Release: the staging node must record this content tree as passed."""
    s = ctx.settings
    ctx.reporter.step(f"tested on staging ({s.staging_url})")
    staging = make_client(s.staging_url, s.staging_api_key, ctx.budget, ctx.tls)
    record = plugin_node.read_record(staging, archive.plugin_id, f"staging node {s.staging_url}")
    if archive.content_tree not in record.get("passedTrees", []):
        raise BundleRejected(f"Plugin {archive.plugin_id} content tree {archive.content_tree} never passed its tests "
                             f"on staging node {s.staging_url}: release only content whose pull request run "
                             f"passed there")
    ctx.reporter.ok("this content tree passed its tests on staging: installing the same content")


def already_released(ctx: PluginRun, archive: PluginArchive, record: dict) -> bool:
    """A version prod runs and whose tests passed there is a no-op."""
    version = plugin_node.installed_version(ctx.node, archive.plugin_id, ctx.node_name)
    ctx.summary.previous_version = version
    if version == archive.version and record.get("version") == archive.version:
        ctx.summary.action, ctx.summary.outcome = "nothing", "already released"
        same = record.get("contentTree") == archive.content_tree
        ctx.reporter.ok(f"{ctx.node_name} already runs {archive.plugin_id} {version}, which passed its tests there"
                        f"{'' if same else ' (from other content: bump the version in plugin.json to release it)'}"
                        f": nothing to do")
        return True
    return False


def install_and_verify(ctx: PluginRun, archive: PluginArchive) -> None:
    """Install or update, create or update the code env, then check the node reports plugin.json's version."""
    node, reporter = ctx.node_name, ctx.reporter
    reporter.step(f"install {archive.plugin_id} {archive.version} on {node}")
    present = plugin_node.installed_version(ctx.node, archive.plugin_id, node)
    ctx.summary.previous_version = ctx.summary.previous_version or present
    ctx.summary.action = plugin_node.install(ctx.node, archive, node, present is not None)
    reporter.ok(f"{ctx.summary.action} (was {present or 'not installed'})")
    if archive.has_code_env:
        ctx.summary.code_env = plugin_node.ensure_code_env(ctx.node, archive.plugin_id, node, ctx.budget,
                                                           ctx.settings.timeout)
        reporter.ok(f"code env {ctx.summary.code_env}")
    reported = plugin_node.installed_version(ctx.node, archive.plugin_id, node)
    if reported != archive.version:
        raise DeployFailed(f"{node} reports plugin {archive.plugin_id} at version {reported}, not plugin.json's "
                           f"{archive.version}")
    reporter.ok(f"{node} reports {archive.plugin_id} {reported}")


def test(ctx: PluginRun) -> None:
    s = ctx.settings
    if s.tests_file is None:
        ctx.summary.tests_result = "none found"
        ctx.reporter.warn("No tests/ folder nor python-lib tests: only the install was checked", "No plugin tests")
        return
    ctx.reporter.step(f"tests ({s.tests_file}) against {ctx.node_name}")
    result = tests_runner.run_tests(s, ctx.tls, ctx.reporter, ctx.environ)
    ctx.summary.tests, ctx.summary.tests_result = result.counts, result.describe()
    if not result.passed:
        raise TestsFailed(f"The plugin tests {result.describe()} on {ctx.node_name}")
    ctx.reporter.ok(f"tests {result.describe()}" + (f": {result.counts.describe()}" if result.counts else ""))


def restore(ctx: PluginRun, record: dict, failure: TestsFailed) -> None:
    """Reinstall the last content that passed on this node (its recorded content tree, rebuilt from the checkout's
    history), then re-raise. On prod that is the previous release (exit 7, 8 if the reinstall fails); on staging,
    which every project's pull request also runs against, the last version that passed there, so that a failing
    plugin pull request does not break other pull requests (the run still fails as tests failed, exit 6)."""
    release = ctx.settings.mode == "release"
    earlier = "earlier release" if release else "version that passed its tests there"
    previous = record.get("contentTree")
    ctx.reporter.step(f"{'rollback' if release else 'restore'} of {ctx.settings.plugin_id} on {ctx.node_name}")
    if not previous:
        ctx.summary.rollback = "impossible: no earlier passed version recorded on this node"
        raise TestsFailed(f"{failure}; no {earlier} is recorded for the plugin on {ctx.node_name}, so the "
                          f"failing version stays installed") from None
    try:
        if not ctx.repo.has_tree(previous):
            raise DeployError(f"the content tree {previous} of the {earlier} is not in the checkout (fetch the "
                              f"full history: actions/checkout with fetch-depth: 0)")
        archive = plugin_archive.build(ctx.repo, previous)
        install_and_verify(ctx, archive)
    except DeployError as exc:
        ctx.summary.rollback = f"failed: {exc}"
        message = f"{failure}; reinstalling the {earlier}, {record.get('version')}, failed too: {exc}"
        raise (RollbackFailed if release else TestsFailed)(message) from None
    ctx.summary.rollback = f"reinstalled {archive.version} (content tree {previous})"
    if release:
        raise TestsFailedRolledBack(f"{failure}; the previous release {archive.version} is installed again") from None
    raise TestsFailed(f"{failure}; {ctx.node_name} runs {archive.version} again, the last version that passed "
                      f"there, so other pull requests meet a working plugin") from None

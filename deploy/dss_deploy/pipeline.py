"""The run, step by step: identify the content, get its bundle, deploy it, test it, roll back if prod breaks.

Modes:
  test      (pull request → staging) sync check, export + publish the content's bundle unless done, deploy, test.
  release   (push to prod) deploy the bundle the pull request published for this content; roll back on failure.
  rollback / redeploy  (manual) deploy the given published bundle, then test.
Every step first looks at what exists and reuses it, so a re-run (or a run after a crash) continues.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dataikuapi import DSSClient

from . import bundles, deployer, sync
from .errors import (
    BundleRejected,
    DeployError,
    DeployFailed,
    DeployTimeout,
    OutOfSync,
    RollbackFailed,
    TestsFailed,
    TestsFailedRolledBack,
    UsageError,
    dss_call,
)
from .gitrepo import LocalRepo
from .report import Reporter, RunSummary
from .settings import Settings
from .tests_runner import run_tests


@dataclass
class Run:
    """One run's collaborators."""

    settings: Settings
    reporter: Reporter
    summary: RunSummary
    repo: LocalRepo
    design: DSSClient
    automation: DSSClient
    certificate: Path | None
    environ: Mapping[str, str]

    @property
    def project(self):
        return self.design.get_project(self.settings.project_key)

    @property
    def deployer(self):
        return self.design.get_projectdeployer()


def make_client(url: str, api_key: str, settings: Settings, certificate: Path | None) -> DSSClient:
    return DSSClient(url, api_key=api_key, no_check_certificate=settings.insecure_tls,
                     client_certificate=str(certificate) if certificate else None)


def run(settings: Settings, reporter: Reporter, summary: RunSummary, certificate: Path | None,
        environ: Mapping[str, str]) -> None:
    """Do the whole run; raise a :class:`DeployError` on failure, with ``summary`` filled as far as it got."""
    ctx = Run(settings, reporter, summary, LocalRepo(settings.repo_dir, settings.git_remote, settings.git_token),
              make_client(settings.design_url, settings.design_api_key, settings, certificate),
              make_client(settings.automation_url, settings.automation_api_key, settings, certificate),
              certificate, environ)
    if settings.insecure_tls:
        reporter.warn("TLS certificate verification is OFF (--insecure-tls): API keys go to unverified peers",
                      "Insecure TLS")
    connect(ctx)
    tree = identify(ctx)
    if settings.mode == "test":
        bundle_id = prepare_tested_bundle(ctx, tree)
    elif settings.mode == "release":
        bundle_id = prepare_release_bundle(ctx, tree)
    else:
        bundle_id = require_published(ctx, settings.bundle_id)
    deployment, previous = deploy(ctx, bundle_id)
    test(ctx, deployment, bundle_id, previous)
    summary.outcome = "deployed and tested"


def connect(ctx: Run) -> None:
    """Fail early, and clearly, when a node is unreachable or refuses its key."""
    ctx.reporter.step("connect")
    for name, client, url, env in (("design", ctx.design, ctx.settings.design_url, "DSS_DESIGN_API_KEY"),
                                   ("automation", ctx.automation, ctx.settings.automation_url,
                                    "DSS_AUTOMATION_API_KEY")):
        with dss_call(f"Authenticating to the {name} node {url} with {env}"):
            identity = client.get_auth_info().get("authIdentifier", "?")
        ctx.reporter.ok(f"{name} node {url}: authenticated as {identity}")


# --- content identity -------------------------------------------------------------------------------------------
def identify(ctx: Run) -> str:
    """The commit under test's content tree; the checkout (whose tests.py runs) must hold that content."""
    s, repo = ctx.settings, ctx.repo
    ctx.reporter.step(f"commit {s.commit_sha}")
    available, why = repo.ensure_commit(s.commit_sha)
    if not available:
        raise UsageError(f"Invalid --commit-sha {s.commit_sha!r}: not a commit of the checkout nor of remote "
                         f"{s.git_remote} ({why or 'not found'})")
    tree = repo.content_tree(s.commit_sha)
    head = repo.head()
    if head != s.commit_sha and repo.content_tree(head) != tree:
        raise UsageError(f"--repo-dir is checked out at {head}, not at the commit under test {s.commit_sha}: its "
                         f"tests.py is not the one to run. Check out {s.commit_sha}.")
    ctx.summary.content_tree = tree
    ctx.reporter.ok(f"content tree {tree} (the commit's tree without .github/)")
    return tree


# --- bundles -------------------------------------------------------------------------------------------------------
def prepare_tested_bundle(ctx: Run, tree: str) -> str:
    """Test mode: DSS must hold the commit; export and publish the content's bundle unless already done."""
    bundle_id = bundles.bundle_id_for(tree)
    ctx.summary.bundle_id = bundle_id
    state = check_sync(ctx, tree)
    ctx.reporter.step(f"bundle {bundle_id}")
    ctx.summary.bundle_source = export_once(ctx, bundle_id, tree, state)
    publish_once(ctx, bundle_id)
    return bundle_id


def prepare_release_bundle(ctx: Run, tree: str) -> str:
    """Release mode: the bundle the pull request published for this content; exporting it now is opt-in."""
    s, reporter = ctx.settings, ctx.reporter
    bundle_id = bundles.bundle_id_for(tree)
    ctx.summary.bundle_id = bundle_id
    reporter.step(f"bundle {bundle_id}")
    package = bundles.published_bundle(ctx.deployer, s.project_key, bundle_id)
    if package is not None:
        commit = bundles.tagged_commit(ctx.project, bundle_id)
        if commit is not None:
            how = bundles.verify_content(ctx.repo, commit, tree, f"Published bundle {bundle_id}")
        else:
            reporter.info(bundles.no_tag_note(s.project_key, bundle_id) + ": relying on the check its export made")
            how = "exported only after DSS HEAD was checked against this content"
        reporter.ok(f"published by the pull request run that tested this content ({how}): deploying it as is")
        ctx.summary.bundle_source = "tested on staging, reused"
        return bundle_id
    if not s.allow_untested_export:
        raise BundleRejected(f"No bundle {bundle_id} is published for the content of {s.commit_sha} (content tree "
                             f"{tree}): no pull request run deployed and tested this content on staging. Release "
                             f"only content that went through a pull request, or re-run with "
                             f"--allow-untested-export to export it from DSS now, untested.")
    warning = (f"Bundle {bundle_id} was never tested on staging: exporting it from DSS now because "
               f"--allow-untested-export was given")
    reporter.warn(warning, "UNTESTED bundle")
    ctx.summary.notes.append(warning)
    state = check_sync(ctx, tree)
    source = export_once(ctx, bundle_id, tree, state)
    publish_once(ctx, bundle_id)
    ctx.summary.bundle_source = f"{source} at release time, NOT tested on staging"
    return bundle_id


def require_published(ctx: Run, bundle_id: str) -> str:
    """Rollback / redeploy: the given bundle must be published for the project."""
    ctx.summary.bundle_id = bundle_id
    ctx.reporter.step(f"bundle {bundle_id}")
    published = [p.get("id") for p in bundles.published_bundles(ctx.deployer, ctx.settings.project_key)]
    if bundle_id not in published:
        recent = ", ".join(str(i) for i in published[-10:]) or "none"
        raise BundleRejected(f"Bundle {bundle_id} is not published for project {ctx.settings.project_key} on the "
                             f"Project Deployer (latest published: {recent})")
    ctx.reporter.ok("published on the Project Deployer")
    ctx.summary.bundle_source = f"chosen for {ctx.settings.mode}"
    return bundle_id


def check_sync(ctx: Run, tree: str) -> sync.SyncState:
    ctx.reporter.step("sync check (DSS vs git)")
    state = sync.check_sync(ctx.project, ctx.repo, ctx.settings.commit_sha, tree)
    relation = "is the commit under test" if state.same_commit else "has the same content (differs in .github/ only)"
    ctx.reporter.ok(f"DSS project {ctx.settings.project_key} has no uncommitted change; its HEAD {state.dss_head} "
                    f"{relation}")
    return state


def export_once(ctx: Run, bundle_id: str, tree: str, state: sync.SyncState) -> str:
    """Reuse the exported bundle if its content checks out, else export it and check what DSS exported.

    DSS's tag ``dss-bundle-<KEY>-<id>`` says which commit a bundle was exported from. Without it (DSS's tagging
    option off), an export is trusted only when this run made it from the checked DSS HEAD, or when a run that did
    so already published it; any other export is deleted and made again.
    """
    project, s = ctx.project, ctx.settings
    record = bundles.exported_bundle(project, bundle_id)
    if record is not None:
        commit = bundles.tagged_commit(project, bundle_id)
        if commit is not None:
            how = bundles.verify_content(ctx.repo, commit, tree, f"Exported bundle {bundle_id}")
            ctx.reporter.ok(f"already exported ({how}): reused")
            return "reused"
        ctx.reporter.info(bundles.no_tag_note(s.project_key, bundle_id))
        if bundles.published_bundle(ctx.deployer, s.project_key, bundle_id) is not None:
            ctx.reporter.ok("already exported and published by a run that checked it against this content: reused")
            return "reused"
        ctx.reporter.info("the existing export was never published, so no run vouches for it: exporting it again")
        bundles.delete_export(project, bundle_id)
    bundles.export(project, bundle_id, bundles.release_notes(s.commit_sha, tree, s.run_url))
    try:  # DSS may have changed between the sync check and the export: check what was really exported
        commit = bundles.tagged_commit(project, bundle_id)
        if commit is not None and commit != state.dss_head:
            bundles.verify_content(ctx.repo, commit, tree, f"Exported bundle {bundle_id}")
        elif commit is None:
            ctx.reporter.info(bundles.no_tag_note(s.project_key, bundle_id) + ": checking DSS did not move instead")
            sync.require_clean(project)
            if sync.dss_head(project) != state.dss_head:
                raise OutOfSync(f"DSS project {s.project_key} got a new commit while bundle {bundle_id} was "
                                f"being exported")
    except (BundleRejected, OutOfSync) as exc:
        bundles.delete_export(project, bundle_id)
        raise OutOfSync(f"DSS changed during the export; the bundle was deleted and nothing was deployed: {exc}") \
            from None
    ctx.reporter.ok(f"exported from DSS HEAD {state.dss_head}")
    return "exported"


def publish_once(ctx: Run, bundle_id: str) -> None:
    if bundles.published_bundle(ctx.deployer, ctx.settings.project_key, bundle_id) is not None:
        ctx.reporter.ok("already published on the Project Deployer: reused")
        return
    bundles.publish(ctx.project, bundle_id)
    ctx.reporter.ok("published on the Project Deployer")


# --- deployment ---------------------------------------------------------------------------------------------------
def deploy(ctx: Run, bundle_id: str):
    """Point the (project, infra) deployment at the bundle and update it; answer it and the previous bundle."""
    s, reporter, summary = ctx.settings, ctx.reporter, ctx.summary
    reporter.step(f"deploy {bundle_id} to infra {s.infra_id} ({s.stage})")
    found, deployed_key = deployer.find_deployment(ctx.deployer, s.project_key, s.infra_id, s.deployment_id)
    previous = deployer.previous_bundle(ctx.automation, found, deployed_key or s.project_key)
    summary.previous_bundle = previous.bundle_id
    reporter.info(f"previously deployed: {previous.bundle_id or 'nothing'} ({previous.source})")
    deployment = deployer.point_at(ctx.deployer, found, s.deployment_id, s.project_key, s.infra_id, bundle_id)
    summary.deployment_id = deployment.id
    reporter.ok(f"deployment {deployment.id} {'set to' if found else 'created with'} bundle {bundle_id}")
    try:
        deployer.update(deployment, bundle_id, s.timeout)
        summary.health, messages = deployer.check_health(deployment, s.stage)
    except DeployFailed as exc:
        summary.health = summary.health or deployer.health_or_none(deployment)
        if s.mode == "release" and not isinstance(exc, DeployTimeout):
            roll_back(ctx, deployment, previous, bundle_id, exc)
        raise
    for message in messages:
        reporter.info(message)
    reporter.ok(f"updated: deployment {deployment.id} is {summary.health}")
    return deployment, previous


def test(ctx: Run, deployment, bundle_id: str, previous: deployer.Previous) -> None:
    s, summary = ctx.settings, ctx.summary
    ctx.reporter.step(f"tests: {s.tests_file} on {s.stage} ({s.automation_url}, project {s.project_key})")
    result = run_tests(s, ctx.certificate, ctx.reporter, ctx.environ)
    summary.tests, summary.tests_result = result.counts, result.describe()
    counts = f" ({result.counts.describe()})" if result.counts else ""
    if result.passed:
        ctx.reporter.ok(f"tests passed{counts}; JUnit report {s.junit_file}")
        return
    failure = TestsFailed(f"tests.py {result.describe()} on {s.stage} with bundle {bundle_id}{counts}; see the "
                          f"output above and {s.junit_file}")
    if s.mode == "release":
        roll_back(ctx, deployment, previous, bundle_id, failure)
    raise failure


def roll_back(ctx: Run, deployment, previous: deployer.Previous, bundle_id: str, cause: DeployError) -> None:
    """Release failed in prod: deploy the previous bundle again and raise what happened."""
    s, summary = ctx.settings, ctx.summary
    if previous.bundle_id is None or previous.bundle_id == bundle_id:
        summary.rollback = f"not possible: no earlier bundle ({previous.source})"
        ctx.reporter.warn(f"No rollback: {summary.rollback}", "No rollback")
        return
    ctx.reporter.step(f"rollback to {previous.bundle_id}")
    try:
        deployer.point_at(ctx.deployer, deployment, s.deployment_id, s.project_key, s.infra_id, previous.bundle_id)
        deployer.update(deployment, previous.bundle_id, s.timeout)
        health, _ = deployer.check_health(deployment, s.stage)
    except DeployError as exc:
        summary.rollback = f"FAILED, back to {previous.bundle_id}: {exc}"
        summary.health = deployer.health_or_none(deployment)
        raise RollbackFailed(f"{cause} — and the rollback to {previous.bundle_id} failed too: {exc}. Production "
                             f"needs attention: run the rollback workflow with a known good bundle.") from None
    summary.health = f"{health} (after the rollback)"
    summary.rollback = f"rolled back to `{previous.bundle_id}` ({health})"
    ctx.reporter.ok(f"deployment {deployment.id} is back on {previous.bundle_id} ({health})")
    if isinstance(cause, TestsFailed):
        raise TestsFailedRolledBack(f"{cause}; production was rolled back to {previous.bundle_id}") from None
    raise type(cause)(f"{cause}; production was rolled back to {previous.bundle_id}") from None

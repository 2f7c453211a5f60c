"""The run, step by step: identify the content, get its bundle, deploy it, test it, roll back if prod breaks.

Modes:
  test      (pull request → staging) sync check, export + publish the content's bundle unless done, deploy, test.
  release   (push to prod) deploy the bundle the pull request published for this content; roll back on failure.
  rollback / redeploy  (manual) deploy the given published bundle, then test.
Deploying, testing and rolling back are in :mod:`rollout`. Every step first looks at what exists and reuses it,
so a re-run (or a run after a crash) continues.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dataikuapi import DSSClient

from . import bundles, plugin_requirements, rollout, sync
from .errors import BundleRejected, OutOfSync, UsageError, dss_call
from .gitrepo import LocalRepo
from .report import Reporter, RunSummary
from .settings import Settings
from .transport import RequestBudget, Tls, make_client


@dataclass
class Run:
    """One run's collaborators."""

    settings: Settings
    reporter: Reporter
    summary: RunSummary
    repo: LocalRepo
    design: DSSClient
    automation: DSSClient
    tls: Tls
    environ: Mapping[str, str]
    budget: RequestBudget

    @property
    def project(self):
        return self.design.get_project(self.settings.project_key)

    @property
    def deployer(self):
        return self.design.get_projectdeployer()


def run(settings: Settings, reporter: Reporter, summary: RunSummary, tls: Tls,
        environ: Mapping[str, str]) -> None:
    """Do the whole run; raise a :class:`DeployError` on failure, with ``summary`` filled as far as it got."""
    budget = RequestBudget(settings.timeout)
    ctx = Run(settings, reporter, summary, LocalRepo(settings.repo_dir, settings.git_remote, settings.git_token),
              make_client(settings.design_url, settings.design_api_key, budget, tls),
              make_client(settings.automation_url, settings.automation_api_key, budget, tls),
              tls, environ, budget)
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
    if settings.mode in ("test", "release"):
        check_plugins(ctx)
    rollout.deploy_and_test(ctx, bundle_id)


def check_plugins(ctx: Run) -> None:
    """The plugins the content under test uses must be on the automation node (not older than on design)."""
    ctx.reporter.step("plugins the project uses")
    node = f"{ctx.settings.stage} node {ctx.settings.automation_url}"
    lines = plugin_requirements.check(ctx.repo, ctx.settings.commit_sha, ctx.design, ctx.automation, node)
    for line in lines:
        ctx.reporter.ok(line)
    if not lines:
        ctx.reporter.ok("no plugin recipe or dataset")


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

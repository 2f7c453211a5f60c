"""Bundle identity, export and publication (design node and Project Deployer), each step idempotent.

The bundle id derives from the content tree: ``b-`` + its first 20 hex digits. The merge commit on the prod branch
has the same content tree as the pull request's head, so the release finds the very bundle the pull request
exported, published and tested, and deploys it without exporting anything.

DSS records the commit a bundle was exported from only as a git tag ``dss-bundle-<KEY>-<bundleId>`` on that commit
(an option of DSS, on API exports too since 12.4.2): :func:`tagged_commit` reads it through the project git API.
"""
from __future__ import annotations

from .errors import BundleRejected, dss_call
from .gitrepo import LocalRepo

BUNDLE_PREFIX = "b-"
TREE_DIGITS = 20


def bundle_id_for(content_tree: str) -> str:
    return BUNDLE_PREFIX + content_tree[:TREE_DIGITS]


def release_notes(commit: str, content_tree: str, run_url: str | None) -> str:
    notes = f"Commit {commit} (content tree {content_tree}), exported by dataiku-gitops"
    return notes + (f" in run {run_url}" if run_url else "")


def bundle_tag(project_key: str, bundle_id: str) -> str:
    return f"dss-bundle-{project_key}-{bundle_id}"


def tagged_commit(project, bundle_id: str) -> str | None:
    """The commit DSS tagged when it exported ``bundle_id``, or None when DSS has no such tag (tagging is off)."""
    name = bundle_tag(project.project_key, bundle_id)
    with dss_call(f"Listing the git tags of DSS project {project.project_key}"):
        tags = project.get_project_git().list_tags()
    tag = next((t for t in tags if t.get("shortName") == name or t.get("name") == f"refs/tags/{name}"), None)
    commit = (tag or {}).get("commit")
    return commit if isinstance(commit, str) and commit else None


def no_tag_note(project_key: str, bundle_id: str) -> str:
    return (f"DSS has no tag {bundle_tag(project_key, bundle_id)} (its option to tag bundles at export is off), so "
            f"it records no commit for bundle {bundle_id}")


def exported_bundle(project, bundle_id: str) -> dict | None:
    """The design node's record of ``bundle_id`` in ``project``, or None."""
    with dss_call(f"Listing the exported bundles of project {project.project_key}"):
        bundles = project.list_exported_bundles().get("bundles") or []
    return next((b for b in bundles if b.get("bundleId") == bundle_id), None)


def published_bundles(deployer, published_key: str) -> list[dict]:
    """The packages of published project ``published_key`` on the Project Deployer (empty when it does not exist)."""
    with dss_call("Listing the published projects of the Project Deployer"):
        statuses = deployer.list_projects(as_objects=False)
    status = next((s for s in statuses if s["projectBasicInfo"]["id"] == published_key), None)
    return list(status.get("packages") or []) if status else []


def published_bundle(deployer, published_key: str, bundle_id: str) -> dict | None:
    return next((p for p in published_bundles(deployer, published_key) if p.get("id") == bundle_id), None)


def verify_content(repo: LocalRepo, commit: str, expected_tree: str, what: str) -> str:
    """Check that the bundle DSS tagged on ``commit`` was made from ``expected_tree``; describe the check."""
    available, why = repo.ensure_commit(commit)
    if not available:
        raise BundleRejected(f"{what} was exported from DSS commit {commit}, which is not in the GitHub repository, "
                             f"so its content cannot be checked against content tree {expected_tree} "
                             f"(git fetch: {why or 'commit not found'}). Delete the bundle in DSS and re-run.")
    tree = repo.content_tree(commit)
    if tree != expected_tree:
        raise BundleRejected(f"{what} was exported from DSS commit {commit} whose content tree is {tree}, not "
                             f"{expected_tree}: the id is taken by other content. Delete the bundle in DSS and "
                             f"re-run.")
    return f"made from DSS commit {commit}, same content"


def export(project, bundle_id: str, notes: str) -> dict:
    """Export ``bundle_id`` from the project's current state; answer its record."""
    with dss_call(f"Exporting bundle {bundle_id} of project {project.project_key}"):
        project.export_bundle(bundle_id, release_notes=notes)
    record = exported_bundle(project, bundle_id)
    if record is None:
        raise BundleRejected(f"DSS accepted the export of bundle {bundle_id} but does not list it")
    return record


def delete_export(project, bundle_id: str) -> None:
    """Remove an export that cannot be trusted, and its tag, so that a re-run exports (and tags) it again."""
    with dss_call(f"Deleting exported bundle {bundle_id} of project {project.project_key}"):
        project.delete_exported_bundle(bundle_id)
    if tagged_commit(project, bundle_id) is not None:
        with dss_call(f"Deleting git tag {bundle_tag(project.project_key, bundle_id)} of project "
                      f"{project.project_key}"):
            project.get_project_git().delete_tag(bundle_tag(project.project_key, bundle_id))


def publish(project, bundle_id: str) -> None:
    with dss_call(f"Publishing bundle {bundle_id} of project {project.project_key} to the Project Deployer"):
        project.publish_bundle(bundle_id)

"""DSS changing between the sync check and the export (flaw F3's race): the export is re-checked, and a bundle
whose content cannot be vouched for is deleted so that no run ever deploys it under a trusted-looking id.

The emulator cannot interleave a change with an export on demand, so the DSS project here is a small stand-in
with the client's method names. It records the exported commit as DSS does, as a tag ``dss-bundle-<KEY>-<id>``,
or not at all (DSS's tagging option off).
"""
from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from dss_deploy import pipeline
from dss_deploy.errors import OutOfSync
from dss_deploy.report import Reporter
from dss_deploy.sync import SyncState

HEAD, NEWER = "a" * 40, "b" * 40


class StandInProject:
    """Records exports, tags and deletions; its git HEAD moves to ``head_after_export`` once a bundle is exported."""

    project_key = "CHURN"

    def __init__(self, tagged_commit: str | None, head_after_export: str):
        self.tagged_commit, self.head_after_export = tagged_commit, head_after_export
        self.bundles: list[dict] = []
        self.tags: dict[str, str] = {}
        self.deleted: list[str] = []
        self.head = HEAD

    def get_project_git(self):
        return SimpleNamespace(get_status=lambda: {"clean": True, "hasUncommittedChanges": False},
                               log=lambda count: {"entries": [{"commit": self.head}]},
                               list_tags=lambda: [{"name": f"refs/tags/{n}", "shortName": n, "commit": c}
                                                  for n, c in self.tags.items()],
                               delete_tag=self.tags.pop)

    def list_exported_bundles(self):
        return {"bundles": list(self.bundles)}

    def export_bundle(self, bundle_id, release_notes=None):
        self.bundles.append({"bundleId": bundle_id})
        if self.tagged_commit:
            self.tags[f"dss-bundle-CHURN-{bundle_id}"] = self.tagged_commit
        self.head = self.head_after_export

    def delete_exported_bundle(self, bundle_id):
        self.deleted.append(bundle_id)
        self.bundles = [b for b in self.bundles if b["bundleId"] != bundle_id]


def _ctx(project, published: tuple[str, ...] = ()):
    settings = SimpleNamespace(commit_sha=HEAD, project_key="CHURN", run_url=None)
    packages = [{"id": bundle_id} for bundle_id in published]
    deployer = SimpleNamespace(list_projects=lambda as_objects: [{"projectBasicInfo": {"id": "CHURN"},
                                                                  "packages": packages}])
    return SimpleNamespace(project=project, deployer=deployer, settings=settings, repo=None,
                           reporter=Reporter(stream=io.StringIO()))


def test_a_commit_during_an_untagged_export_deletes_the_bundle_and_fails():
    project = StandInProject(tagged_commit=None, head_after_export=NEWER)
    ctx = _ctx(project)
    with pytest.raises(OutOfSync, match="DSS changed during the export; the bundle was deleted"):
        pipeline.export_once(ctx, "b-123", "t" * 40, SyncState(HEAD, same_commit=True))
    assert project.deleted == ["b-123"] and project.bundles == []
    assert "DSS has no tag dss-bundle-CHURN-b-123" in ctx.reporter.stream.getvalue()


def test_an_export_tagged_on_the_checked_commit_is_kept():
    project = StandInProject(tagged_commit=HEAD, head_after_export=NEWER)
    assert pipeline.export_once(_ctx(project), "b-123", "t" * 40, SyncState(HEAD, same_commit=True)) == "exported"
    assert project.deleted == []


def test_an_unchanged_dss_keeps_an_untagged_export():
    project = StandInProject(tagged_commit=None, head_after_export=HEAD)
    assert pipeline.export_once(_ctx(project), "b-123", "t" * 40, SyncState(HEAD, same_commit=True)) == "exported"
    assert project.deleted == []


def test_an_untagged_export_no_run_published_is_made_again():
    project = StandInProject(tagged_commit=None, head_after_export=HEAD)
    project.bundles.append({"bundleId": "b-123"})  # left by a run that stopped before checking it
    assert pipeline.export_once(_ctx(project), "b-123", "t" * 40, SyncState(HEAD, same_commit=True)) == "exported"
    assert project.deleted == ["b-123"] and project.bundles == [{"bundleId": "b-123"}]


def test_an_untagged_export_already_published_is_reused():
    project = StandInProject(tagged_commit=None, head_after_export=HEAD)
    project.bundles.append({"bundleId": "b-123"})
    ctx = _ctx(project, published=("b-123",))
    assert pipeline.export_once(ctx, "b-123", "t" * 40, SyncState(HEAD, same_commit=True)) == "reused"
    assert project.deleted == []

"""DSS changing between the sync check and the export (flaw F3's race): the export is re-checked, and a bundle
whose content cannot be vouched for is deleted so that no run ever deploys it under a trusted-looking id.

The emulator cannot interleave a change with an export on demand, so the DSS project here is a small stand-in
with the client's method names.
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
    """Records exports and deletions; its git HEAD moves to ``head_after_export`` once a bundle is exported."""

    project_key = "CHURN"

    def __init__(self, recorded_commit: str | None, head_after_export: str):
        self.recorded_commit, self.head_after_export = recorded_commit, head_after_export
        self.bundles: list[dict] = []
        self.deleted: list[str] = []
        self.head = HEAD

    def get_project_git(self):
        return SimpleNamespace(get_status=lambda: {"clean": True, "hasUncommittedChanges": False},
                               log=lambda count: {"entries": [{"commit": self.head}]})

    def list_exported_bundles(self):
        return {"bundles": list(self.bundles)}

    def export_bundle(self, bundle_id, release_notes=None):
        record = {"bundleId": bundle_id}
        if self.recorded_commit:
            record["gitCommit"] = self.recorded_commit
        self.bundles.append(record)
        self.head = self.head_after_export

    def delete_exported_bundle(self, bundle_id):
        self.deleted.append(bundle_id)
        self.bundles = [b for b in self.bundles if b["bundleId"] != bundle_id]


def _ctx(project):
    settings = SimpleNamespace(commit_sha=HEAD, project_key="CHURN", run_url=None)
    return SimpleNamespace(project=project, settings=settings, repo=None, reporter=Reporter(stream=io.StringIO()))


def test_a_commit_during_the_export_deletes_the_bundle_and_fails():
    project = StandInProject(recorded_commit=None, head_after_export=NEWER)
    with pytest.raises(OutOfSync, match="DSS changed during the export; the bundle was deleted"):
        pipeline.export_once(_ctx(project), "b-123", "t" * 40, SyncState(HEAD, same_commit=True))
    assert project.deleted == ["b-123"] and project.bundles == []


def test_an_export_that_records_the_checked_commit_is_kept():
    project = StandInProject(recorded_commit=HEAD, head_after_export=NEWER)
    assert pipeline.export_once(_ctx(project), "b-123", "t" * 40, SyncState(HEAD, same_commit=True)) == "exported"
    assert project.deleted == []


def test_an_unchanged_dss_keeps_an_export_without_recorded_commit():
    project = StandInProject(recorded_commit=None, head_after_export=HEAD)
    assert pipeline.export_once(_ctx(project), "b-123", "t" * 40, SyncState(HEAD, same_commit=True)) == "exported"
    assert project.deleted == []

"""The program only calls DSS routes backed by a Dataiku source (``dss_emulator/COVERAGE.md``): discovery and
onboarding (the dynamic provider's create), recorded while they run against the emulator."""
from __future__ import annotations

from components.discovery import ProjectFilter, discover
from components.dss_remote import DssGitRemoteProvider
from dss_emulator.coverage import invented_among
from dss_emulator.urls import all_routes

from .test_dss_remote import _props, bare, github_with_generated_files

DSS = "/dip/publicapi"


def test_discovery_and_onboarding_call_only_routes_with_dataiku_evidence(dss, tmp_path):
    dss.control("design", "POST", "seed", {"sample": True})
    remote = bare(tmp_path, "dss-churn.git")
    github_with_generated_files(tmp_path, remote)
    with dss.recording() as served:
        inventory = discover(dss.client(), ProjectFilter(folder="ROOT"), True)
        outs = DssGitRemoteProvider().create(_props(dss, remote, project_key="CHURN")).outs
    assert inventory.projects and outs["pushed_commit"], outs

    assert {("GET", DSS + "/projects"), ("GET", DSS + "/plugins"),
            ("POST", DSS + "/projects/{pk}/git/remotes/{name}"),
            ("POST", DSS + "/projects/{pk}/git/actions/push")} <= served
    assert invented_among(served) == []
    kinds = {(spec.method, spec.path): spec.evidence.kind for spec in all_routes()}
    assert {route: kinds[route] for route in served
            if kinds[route] not in ("client", "docs", "sample", "inferred")} == {}

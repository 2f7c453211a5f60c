"""``python -m dss_deploy status`` against a fleet put in each flagged state for real (see fleet_world.py)."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from dss_deploy.fleet.cli import main

from . import fleet_world

KEYS = ("CHURN", "FINANCE_REPORTS", "SALES_FORECAST")


class _Uncaptured:
    """``World.run`` reads the script's output from capsys; a module fixture has none (pytest captures anyway)."""

    def readouterr(self):
        return SimpleNamespace(out="", err="")


@pytest.fixture(scope="module")
def fleet(dss_cluster, tmp_path_factory):
    dss_cluster.reset()
    built = fleet_world.build(dss_cluster, tmp_path_factory.mktemp("fleet"), _Uncaptured())
    yield built
    errors = dss_cluster.take_errors()
    assert not errors, "\n".join(errors)


def status(fleet, capsys, *flags: str, **env: str) -> tuple[int, str, str]:
    dss = fleet.world.dss
    environ = {"DSS_DESIGN_API_KEY": fleet.world.keys["design"], "DSS_STAGING_INFRA_ID": "staging",
               "DSS_PROD_INFRA_ID": "prod", **env}
    code = main(["--design-url", dss.url("design"), *flags], environ)
    out = capsys.readouterr()
    return code, out.out, out.err


def by_key(report: dict) -> dict[str, dict]:
    return {p["key"]: p for p in report["projects"]}


def codes(project: dict) -> set[str]:
    return {f["code"] for f in project["flags"]}


def test_each_flag_comes_from_the_state_that_causes_it(fleet, capsys):
    code, out, _ = status(fleet, capsys, "--json")
    assert code == 0
    projects = by_key(json.loads(out))
    assert set(projects) == set(KEYS)
    assert codes(projects["CHURN"]) == {"unhealthy", "staging-ahead"}
    assert codes(projects["SALES_FORECAST"]) == {"untested-in-prod", "out-of-sync", "no-repository"}
    assert codes(projects["FINANCE_REPORTS"]) == {"unhealthy", "uncommitted", "not-pushed", "no-deployment"}


def test_the_demo_story_reads_as_it_happened(fleet, capsys):
    churn = by_key(json.loads(status(fleet, capsys, "--json")[1]))["CHURN"]
    staging, prod = churn["staging"], churn["prod"]
    assert staging["bundle"] != prod["bundle"]
    assert [u["bundle"] for u in staging["updates"]] == [prod["bundle"], staging["bundle"]]
    assert [u["status"] for u in staging["updates"]] == ["SUCCESS", "SUCCESS"]  # the broken bundle deployed fine
    assert staging["tests"] == {"FAILED": 1}  # ... and its tests failed on staging
    assert prod["tests"] == {"SUCCESS": 1} and prod["health"] == "HEALTHY"
    assert (prod["bundle_commit"], staging["bundle_commit"]) == (fleet.commits["tested"], fleet.commits["broken"])
    unhealthy = [f for f in churn["flags"] if f["code"] == "unhealthy"]
    assert all(f["warning"] for f in unhealthy)
    assert any(staging["bundle"] in f["detail"] and "1 FAILED" in f["detail"] for f in unhealthy)
    assert staging["health"] == "UNHEALTHY"  # the Deployer's health follows the failed test scenario
    assert churn["repository"] == "github" and churn["repository_source"] == "DSS git remote"
    assert churn["design"] == {"branch": "master", "remote": str(fleet.world.github), "uncommitted": False,
                               "ahead": 0, "behind": 0}


def test_details_name_the_cause(fleet, capsys):
    projects = by_key(json.loads(status(fleet, capsys, "--json")[1]))
    details = {(key, f["code"]): f["detail"] for key, p in projects.items() for f in p["flags"]}
    s2 = fleet.bundles["s2"]
    assert details["SALES_FORECAST", "untested-in-prod"] == f"prod runs {s2}, never active on staging"
    assert "SALES_FORECAST-on-staging" in details["SALES_FORECAST", "out-of-sync"]
    assert "automation node refused the bundle" in details["FINANCE_REPORTS", "unhealthy"]
    assert "ERROR" in details["FINANCE_REPORTS", "unhealthy"]
    assert details["FINANCE_REPORTS", "not-pushed"].startswith("1 commit on master not pushed to ")
    assert details["FINANCE_REPORTS", "no-deployment"] == "no deployment on prod"
    sales = projects["SALES_FORECAST"]
    assert sales["staging"]["bundle"] == fleet.bundles["s1"] and sales["staging"]["configured_bundle"] == s2
    assert sales["staging"]["health"] == "OUT_OF_SYNC"


def test_json_shape(fleet, capsys):
    report = json.loads(status(fleet, capsys, "--json")[1])
    assert set(report) == {"design_url", "infras", "collected_at", "counts", "flags", "projects"}
    assert report["infras"] == {"staging": "staging", "prod": "prod"}
    assert report["counts"]["projects"] == 3 and report["counts"]["warnings"] == 3
    assert report["counts"]["by_flag"]["unhealthy"] == 2
    churn = by_key(report)["CHURN"]
    assert set(churn) == {"key", "name", "flags", "repository", "repository_url", "repository_source", "design",
                          "bundles", "staging", "prod", "errors"}
    assert set(churn["staging"]) == {"deployment", "infra", "bundle", "configured_bundle", "bundle_commit",
                                     "health", "health_messages", "tests", "last_updated", "other_deployments",
                                     "updates"}
    assert churn["staging"]["deployment"] == "CHURN-on-staging"
    assert churn["staging"]["last_updated"].endswith("+00:00")
    assert set(churn["bundles"]) == {churn["staging"]["bundle"], churn["prod"]["bundle"]}
    assert all(b["published"] for b in churn["bundles"].values())


def test_table_is_flags_first_and_fits_100_columns(fleet, capsys):
    code, out, _ = status(fleet, capsys)
    assert code == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 100
    header = next(n for n, line in enumerate(lines) if line.startswith("FLAGS"))
    assert lines[header].split() == ["FLAGS", "PROJECT", "REPO", "STAGE", "BUNDLE", "HEALTH", "AGE"]
    table = lines[header + 1:lines.index("Details:") - 1]
    keyed = [line for line in table if any(key in line for key in KEYS)]
    assert [next(k for k in KEYS if k[:8] in line) for line in keyed] == list(KEYS)  # all warned: by key
    assert keyed[0].startswith("unhealthy")
    assert any("untested-in-prod: prod runs a bundle that was never active on staging" in line for line in lines)


def test_markdown_summary_and_one_warning_annotation_per_project(fleet, capsys, tmp_path):
    summary = tmp_path / "summary.md"
    code, out, _ = status(fleet, capsys, GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary))
    assert code == 0
    warnings = [line for line in out.splitlines() if line.startswith("::warning")]
    assert [w.split("::")[1] for w in warnings] == [f"warning title=DSS project {k}" for k in KEYS]
    assert "untested-in-prod: prod runs" in next(w for w in warnings if "SALES_FORECAST" in w)
    markdown = summary.read_text()
    assert markdown.startswith("### DSS fleet: 3 projects, 3 flagged, 3 unhealthy or untested in prod")
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert rows[0] == "| Flags | Project | Repository | Staging | Prod |"
    assert [next(k for k in KEYS if f"**{k}**" in row) for row in rows[1:]] == list(KEYS)
    assert "⚠️ `unhealthy` `staging-ahead`" in rows[1]
    assert status(fleet, capsys, "--markdown")[1].strip() == markdown.strip()


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.ids += [value for name, value in attrs if name == "id"]


def test_html_page_is_self_contained_and_holds_every_project(fleet, capsys, tmp_path):
    page = tmp_path / "fleet.html"
    assert status(fleet, capsys, "--html", str(page))[0] == 0
    text = page.read_text()
    collector = _Collector()
    collector.feed(text)
    for key in KEYS:
        assert f"project-{key}" in collector.ids and f"timeline-{key}" in collector.ids
    assert {"script", "link", "img"}.isdisjoint(collector.tags) and "src=" not in text
    root = ET.fromstring(text.split("\n", 1)[1])  # well-formed too (after the doctype)
    sections = {s.get("id"): s for s in root.iter("section")}
    churn = sections["timeline-CHURN"].find("svg")
    titles = [t.text for t in churn.iter("title")]
    assert sum(1 for t in titles if t.startswith("staging update")) == 2
    assert sum(1 for t in titles if t.startswith("prod update")) == 1
    finance = sections["timeline-FINANCE_REPORTS"].find("svg")
    assert [p.find("title").text.split(": ")[-1] for p in finance.iter("path")] == ["FAILED, bundle f1"]
    assert "Bundle updates, last 30 days" in text

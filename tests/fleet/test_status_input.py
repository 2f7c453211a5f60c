"""The status command's inputs: stack outputs, the entry point, bad input, unreachable DSS, secrets."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from dss_deploy.fleet.cli import main

from ..deploy.helpers import DEPLOY_DIR

API_KEY_SPEC = {"label": "fleet", "admin": True}


@pytest.fixture
def seeded(dss):
    dss.control("design", "POST", "seed", {"sample": True})
    return dss, dss.create_api_key("design", **API_KEY_SPEC)


def run(dss, key: str, capsys, *flags: str, **env: str) -> tuple[int, str]:
    environ = {"DSS_DESIGN_API_KEY": key, "DSS_STAGING_INFRA_ID": "staging", "DSS_PROD_INFRA_ID": "prod", **env}
    code = main(["--design-url", dss.url("design"), *flags], environ)
    out = capsys.readouterr()
    return code, out.out + out.err


def test_repositories_come_from_the_stack_outputs(seeded, capsys, tmp_path):
    dss, key = seeded
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps({"projects": {"CHURN": {"repository": "dss-churn",
                                                          "url": "https://github.com/acme/dss-churn"}},
                                   "plugins": {}}))
    code, out = run(dss, key, capsys, "--json", "--stack-outputs", str(outputs))
    assert code == 0
    projects = {p["key"]: p for p in json.loads(out)["projects"]}
    assert (projects["CHURN"]["repository"], projects["CHURN"]["repository_url"]) == (
        "dss-churn", "https://github.com/acme/dss-churn")
    churn = {f["code"]: f["detail"] for f in projects["CHURN"]["flags"]}
    assert churn == {"not-pushed": "the design project has no git remote (repository dss-churn)",  # not onboarded
                     "no-deployment": "no deployment on staging nor prod"}
    for other in ("SALES_FORECAST", "FINANCE_REPORTS"):
        flags = {f["code"]: f["detail"] for f in projects[other]["flags"]}
        assert flags == {"no-repository": "not in the stack outputs",
                         "no-deployment": "no deployment on staging nor prod"}


def test_the_entry_point_runs_as_the_workflow_calls_it(seeded, tmp_path):
    dss, key = seeded
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(DEPLOY_DIR), "DSS_DESIGN_API_KEY": key,
           "DSS_DESIGN_URL": dss.url("design"), "DSS_STAGING_INFRA_ID": "staging", "DSS_PROD_INFRA_ID": "prod"}
    result = subprocess.run([sys.executable, "-m", "dss_deploy", "status", "--json"], env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert sorted(p["key"] for p in json.loads(result.stdout)["projects"]) == [
        "CHURN", "FINANCE_REPORTS", "SALES_FORECAST"]


def test_no_secret_reaches_any_output(seeded, capsys, tmp_path):
    dss, key = seeded
    token = "ghp_fleetTokenThatMustNotLeak"
    git = dss.client("design").get_project("SALES_FORECAST").get_project_git()
    git.set_remote(f"https://ci-user:{token}@github.example.com/acme/dss-sales.git")
    page, summary = tmp_path / "fleet.html", tmp_path / "summary.md"
    outputs = [run(dss, key, capsys, *flags, GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary))[1]
               for flags in ((), ("--json",), ("--markdown",), ("--html", str(page)))]
    written = "\n".join(outputs) + page.read_text() + summary.read_text()
    assert token not in written and key not in written and "ci-user" not in written
    sales = next(p for p in json.loads(outputs[1])["projects"] if p["key"] == "SALES_FORECAST")
    assert sales["repository_url"] == "https://github.example.com/acme/dss-sales.git"
    assert sales["repository"] == "dss-sales"


@pytest.mark.parametrize(("flags", "env", "message"), [
    ((), {"DSS_PROD_INFRA_ID": ""}, "--prod-infra-id is required (or set DSS_PROD_INFRA_ID)"),
    ((), {"DSS_STAGING_INFRA_ID": "qa"},
     "Invalid --staging-infra-id 'qa': the Project Deployer has no such infrastructure (it has: prod, staging)"),
    ((), {"DSS_PROD_INFRA_ID": "staging"}, "Invalid --prod-infra-id 'staging': it is also the staging infrastructure"),
    (("--days", "0"), {}, "Invalid --days '0': expected 1 to 366"),
    (("--stack-outputs", "missing.json"), {}, "Invalid --stack-outputs 'missing.json': No such file or directory"),
    ((), {"DSS_DESIGN_API_KEY": ""}, "Environment variable DSS_DESIGN_API_KEY is not set"),
])
def test_bad_input_is_one_line_naming_the_field(seeded, capsys, flags, env, message):
    dss, key = seeded
    code, out = run(dss, key, capsys, *flags, **env)
    assert code == 2
    assert len(out.strip().splitlines()) == 1 and message in out


def test_bad_stack_outputs_name_the_file_and_the_problem(seeded, capsys, tmp_path):
    dss, key = seeded
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps({"projects": {"CHURN": {"url": "https://github.com/acme/dss-churn"}}}))
    code, out = run(dss, key, capsys, "--stack-outputs", str(outputs))
    assert code == 2 and "projects.CHURN has no 'repository' name" in out


def test_unreachable_dss_exits_1_and_changes_nothing(seeded, capsys):
    dss, key = seeded
    environ = {"DSS_DESIGN_API_KEY": key, "DSS_STAGING_INFRA_ID": "staging", "DSS_PROD_INFRA_ID": "prod"}
    assert main(["--design-url", "http://127.0.0.1:9"], environ) == 1
    assert "Listing the projects of the design node failed: cannot reach DSS" in capsys.readouterr().out


def test_a_dss_that_stops_answering_fails_the_report_within_the_request_timeout(seeded, capsys):
    dss, key = seeded
    dss.control("design", "POST", "faults/routes", {"method": "GET", "path": "/project-deployer/projects$",
                                                    "count": 1, "delay": 3})
    code, out = run(dss, key, capsys, "--request-timeout", "1")
    assert code == 1
    assert ("Listing the published projects of the Project Deployer failed: DSS did not answer in time "
            "(ReadTimeout") in out


def test_one_unreadable_project_does_not_stop_the_report(seeded, capsys):
    dss, key = seeded
    dss.control("design", "POST", "faults/routes", {"method": "GET", "path": "/projects/CHURN/git/status$",
                                                    "count": 1, "status": 500, "message": "git index locked"})
    code, out = run(dss, key, capsys, "--json")
    assert code == 0
    projects = {p["key"]: p for p in json.loads(out)["projects"]}
    unreadable = [f["detail"] for f in projects["CHURN"]["flags"] if f["code"] == "unreadable"]
    assert len(unreadable) == 1 and unreadable[0].startswith("git status: ") and "git index locked" in unreadable[0]
    assert not any(f["code"] == "unreadable" for p in ("SALES_FORECAST", "FINANCE_REPORTS")
                   for f in projects[p]["flags"])


def test_a_key_scoped_to_some_projects_reports_those(seeded, capsys):
    dss, _ = seeded
    scoped = dss.create_api_key("design", label="fleet-churn", projects={"CHURN": "read"})
    code, out = run(dss, scoped, capsys, "--json")
    assert code == 0, out
    assert [p["key"] for p in json.loads(out)["projects"]] == ["CHURN"]

"""The offline plan command: the program under mocks against the emulator, printed per project."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pulumi
import pytest

from gitops_plan.plan import main
from tests.reliability.program_helpers import plan_cli, secret_environment

from .conftest import SECRETS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def plan_env(dss, monkeypatch):
    """Secrets the way Pulumi passes per-key config (environment), and a clean config afterwards."""
    monkeypatch.setenv("PULUMI_CONFIG_DATAIKU_GITOPS_DESIGNAPIKEY", dss.admin_key("design"))
    for key, value in SECRETS.items():
        monkeypatch.setenv(f"PULUMI_CONFIG_DATAIKU_GITOPS_{key.upper()}", value)
    dss.control("design", "POST", "seed", {"sample": True})
    yield ["--stack", "dev", "--design-url", dss.url("design")]
    pulumi.runtime.set_all_config({})


def _secrets_in(text: str, dss) -> list[str]:
    return [s for s in [*SECRETS.values(), dss.admin_key("design")] if s in text]


def test_plan_prints_each_projects_resources(plan_env, dss, capsys):
    assert main(plan_env) == 0
    out = capsys.readouterr().out
    assert out.startswith("Plan: 3 project and 1 plugin repositories, 53 resources; DSS "
                          f"{dss.url('design')} answered 2 discovery requests")
    assert ("\nproject CHURN (12 resources)\n"
            "  Repository                  dss-churn (private, archive on destroy: True)") in out
    assert "  ActionsEnvironmentSecret    production secret DSS_DESIGN_API_KEY = [secret]" in out
    assert "  RepositoryFile              tests.py on prod (created if absent, never overwritten)" in out
    assert ("  DssGitRemote                DSS CHURN: remote git@github.com:dss-gitops-demo/dss-churn.git, push dev "
            "(a new one rebased onto prod)") in out
    assert "  ActionsOrganizationVariable organization variable DSS_STAGING_INFRA_ID = staging" in out  # ownerType
    assert "\nplugin dss-custom-connectors (10 resources)\n" in out
    assert _secrets_in(out, dss) == []


def test_previous_plan_shows_what_would_be_removed(plan_env, dss, capsys, tmp_path):
    first = tmp_path / "plan.json"
    assert main([*plan_env, "--output", str(first)]) == 0
    assert _secrets_in(first.read_text(), dss) == []
    dss.client().get_project("CHURN").delete()
    capsys.readouterr()
    assert main([*plan_env, "--previous", str(first), "--set", "visibility=internal", "--set", "removalGraceRuns=0",
                 "--set", "removalGraceDays=0"]) == 0
    out = capsys.readouterr().out
    changes = out[out.index("Changes against the previous plan"):]
    assert changes.startswith("Changes against the previous plan: 0 to create, 3 to update, 13 to remove")
    assert "  - Repository                  dss-churn (private, archive on destroy: True) (archived, not deleted)" \
        in changes
    assert "  ~ Repository                  dss-sales-forecast (internal, archive on destroy: True) " \
           "(changed: visibility)" in changes


def test_a_run_the_guard_refuses_exits_1(plan_env, dss, capsys, tmp_path):
    first = tmp_path / "plan.json"
    assert main([*plan_env, "--output", str(first), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["outputs"]["projects"]["CHURN"]["repository"] == "dss-churn"
    for key in ("CHURN", "SALES_FORECAST", "FINANCE_REPORTS"):
        dss.client().get_project(key).delete()
    assert main([*plan_env, "--previous", str(first)]) == 1
    assert capsys.readouterr().err.startswith("refused: Refusing to run: DSS discovery kept no project while the "
                                              "last run managed 3 project repositories")


@pytest.mark.parametrize(("args", "message"), [
    (["--set", "requiredApprovals=-1"], "error: requiredApprovals: must be between 0 and 6 (got '-1')\n"),
    (["--set", "prodDesignApiKey=abc"], "error: --set: prodDesignApiKey is a secret, pass it as "
                                        "PULUMI_CONFIG_DATAIKU_GITOPS_PRODDESIGNAPIKEY in the environment "
                                        "(got [secret])\n"),
    (["--set", "oops"], "error: --set: expected KEY=VALUE (got 'oops')\n"),
    (["--stack", "nope"], "error: --stack: no Pulumi.nope.yaml next to Pulumi.yaml (got 'nope')\n"),
])
def test_bad_configuration_exits_2_with_one_line(plan_env, capsys, args, message):
    assert main([*plan_env, *args]) == 2
    assert capsys.readouterr().err == message


def test_missing_secret_is_named(plan_env, monkeypatch, capsys):
    monkeypatch.delenv("PULUMI_CONFIG_DATAIKU_GITOPS_PRODAUTOMATIONAPIKEY")
    assert main(plan_env) == 2
    assert capsys.readouterr().err == "error: prodAutomationApiKey: is required (got nothing)\n"


def test_the_plan_ends_with_the_request_budget_of_the_demo_stack_within_the_goals(plan_env, capsys, tmp_path):
    plan_file = tmp_path / "plan.json"
    assert main([*plan_env, "--output", str(plan_file)]) == 0
    *_, last = capsys.readouterr().out.rstrip("\n").split("\n")
    match = re.fullmatch(r"GitHub requests per project: create (\d+) \((\d+) writes\), reconcile (\d+), "
                         r"refresh (\d+)", last)
    assert match, last
    create, writes, reconcile, refresh = map(int, match.groups())
    assert create <= 45 and writes <= 16 and reconcile == 0 and refresh <= 15, last
    figures = json.loads(plan_file.read_text())["githubRequests"]
    assert (figures["create"], figures["createWrites"], figures["reconcile"], figures["refresh"]) == (
        create, writes, reconcile, refresh)


def test_new_projects_beyond_the_run_bound_are_listed_as_waiting(plan_env, capsys, tmp_path):
    assert main([*plan_env, "--set", "maxNewRepositoriesPerRun=2", "--json"]) == 0
    outputs = json.loads(capsys.readouterr().out)["outputs"]
    assert sorted(outputs["projects"]) == ["CHURN", "FINANCE_REPORTS"]
    assert outputs["waiting"] == {"projects": ["SALES_FORECAST"], "plugins": ["dss-custom-connectors"]}
    assert main([*plan_env, "--set", "maxNewRepositoriesPerRun=2"]) == 0
    out = capsys.readouterr().out
    assert "\nwaiting for a later run (maxNewRepositoriesPerRun): 1 new projects: SALES_FORECAST\n" in out
    assert "\nwaiting for a later run (maxNewRepositoriesPerRun): 1 new plugins: dss-custom-connectors\n" in out


def test_components_plan_is_the_same_command_and_ends_with_the_budget_line(dss):
    """``python -m components.plan`` (the name issue 7 and operators use) runs the harness of gitops_plan."""
    dss.control("design", "POST", "seed", {"sample": True})
    env = secret_environment(dss.admin_key("design"))
    direct = plan_cli("--design-url", dss.url("design"), env=env)
    aliased = subprocess.run([sys.executable, "-m", "components.plan", "--stack", "dev", "--design-url",
                              dss.url("design")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                             check=False)
    assert aliased.returncode == 0, aliased.stderr
    last = aliased.stdout.rstrip("\n").split("\n")[-1]
    assert re.fullmatch(r"GitHub requests per project: create \d+ \(\d+ writes\), reconcile \d+, refresh \d+", last)
    assert last == direct.stdout.rstrip("\n").split("\n")[-1]

"""The composite action: linted offline, its inputs match what the generated workflows pass, inputs reach the
script only through the environment, and its deploy step (the real bash) drives a run against the emulator."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from dss_deploy.arguments import CA_BUNDLE_ENV, CERTIFICATE_ENV
from dss_deploy.cli import ExitStatus, build_parser

from .helpers import DEPLOY_DIR, make_world, workflow_context

ACTION = yaml.safe_load((DEPLOY_DIR / "action.yml").read_text())
BIN = Path(sys.executable).parent
STEPS = {step.get("id", step["name"]): step for step in ACTION["runs"]["steps"]}
SECRET_INPUTS = {"design-api-key", "automation-api-key", "client-certificate", "github-token"}


def _tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / name), *args], capture_output=True, text=True, timeout=120)


def test_linters_pass():
    schema = _tool("check-jsonschema", "--builtin-schema", "vendor.github-actions", str(DEPLOY_DIR / "action.yml"))
    assert schema.returncode == 0, schema.stdout + schema.stderr
    zizmor = _tool("zizmor", "--offline", "--min-severity=low", "--format=json", str(DEPLOY_DIR / "action.yml"))
    assert zizmor.returncode == 0 and json.loads(zizmor.stdout) == [], zizmor.stdout + zizmor.stderr


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_run_scripts_pass_shellcheck():
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            result = subprocess.run(["shellcheck", "--shell=bash", "-"], input=step["run"], capture_output=True,
                                    text=True, timeout=60)
            assert result.returncode == 0, f"{step['name']}:\n{result.stdout}"


def test_inputs_reach_scripts_only_through_the_environment():
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step["name"]
    deploy_env = STEPS["deploy"]["env"]
    used = {m for value in deploy_env.values() for m in re.findall(r"inputs\.([a-z-]+)", str(value))}
    assert used == set(ACTION["inputs"])  # every input is wired to the script
    for name in SECRET_INPUTS:
        assert [k for k, v in deploy_env.items() if f"inputs.{name}" in v] and all(
            f"inputs.{name}" not in str(step.get("with", "")) for step in ACTION["runs"]["steps"])
    # The script reads exactly the variables the step sets (flags fall back to them).
    fallbacks = {action.env for action in build_parser({})._actions if hasattr(action, "env")}
    read_by_script = fallbacks | {"DSS_DESIGN_API_KEY", "DSS_AUTOMATION_API_KEY", CERTIFICATE_ENV, CA_BUNDLE_ENV,
                                  "GITHUB_TOKEN", "PYTHONPATH", "INSECURE_TLS", "ALLOW_UNTESTED_EXPORT"}
    assert set(deploy_env) <= read_by_script


def test_the_generated_workflows_pass_only_declared_inputs_and_all_required_ones():
    from components.workflow_files import project_workflow_files

    required = {name for name, spec in ACTION["inputs"].items() if spec.get("required")}
    calls = 0
    for path, content in project_workflow_files(workflow_context("CHURN")).items():
        for job in yaml.safe_load(content)["jobs"].values():
            for step in job.get("steps", []):
                if step.get("uses", "").startswith("acme/dataiku-gitops/deploy@"):
                    calls += 1
                    assert set(step["with"]) <= set(ACTION["inputs"]), path
                    assert required <= set(step["with"]), path
    assert calls == 3


def _step_env(inputs: dict[str, str], runner_temp: Path) -> dict[str, str]:
    """The deploy step's environment as the runner builds it from the action's inputs."""
    values = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    values.update(inputs)
    context = {f"inputs.{name}": value for name, value in values.items()}
    context["github.action_path"] = str(DEPLOY_DIR)

    def substitute(text: str) -> str:
        return re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", lambda m: context[m.group(1)], text)

    env = {name: substitute(str(value)) for name, value in STEPS["deploy"]["env"].items()}
    env.update(PATH=os.environ["PATH"], HOME=os.environ.get("HOME", "/tmp"), RUNNER_TEMP=str(runner_temp))
    return env


def _run_step(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", STEPS["deploy"]["run"]],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=110)


def _runner_temp(tmp_path: Path) -> Path:
    """A RUNNER_TEMP whose dss-deploy-venv is this interpreter (the install step is not run offline)."""
    venv_bin = tmp_path / "runner-temp" / "dss-deploy-venv" / "bin"
    venv_bin.mkdir(parents=True)
    wrapper = venv_bin / "python"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    wrapper.chmod(0o755)
    return venv_bin.parents[1]


def test_the_deploy_step_runs_the_script_with_the_inputs(dss, tmp_path):
    world = make_world(dss, tmp_path)
    head = world.dss_head()
    world.check_out(head)
    inputs = {"mode": "test", "stage": "staging", "project-key": "CHURN", "commit-sha": head,
              "design-url": dss.url("design"), "design-api-key": world.keys["design"],
              "automation-url": dss.url("staging"), "automation-api-key": world.keys["staging"],
              "infra-id": "staging", "insecure-tls": "true", "junit-file": str(tmp_path / "junit.xml")}
    result = _run_step(_step_env(inputs, _runner_temp(tmp_path)), world.checkout)
    assert result.returncode == ExitStatus.OK, result.stdout + result.stderr
    assert "TLS certificate verification is OFF" in result.stdout
    assert world.deployments() == {"CHURN-on-staging": world.exported_ids()[0]}
    assert (tmp_path / "junit.xml").is_file()
    assert world.keys["design"] not in result.stdout + result.stderr


def test_the_deploy_step_refuses_a_flag_input_that_is_not_a_boolean(tmp_path):
    result = _run_step(_step_env({"allow-untested-export": "yes"}, _runner_temp(tmp_path)), tmp_path)
    assert result.returncode == 2
    assert "input allow-untested-export must be true or false, got yes" in result.stdout

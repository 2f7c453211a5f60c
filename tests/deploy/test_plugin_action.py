"""The plugin composite action: linted offline, its inputs reach the script only through the environment, and the
generated plugin workflow passes exactly inputs it declares (all the required ones)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml
from dss_deploy.arguments import CA_BUNDLE_ENV, CERTIFICATE_ENV
from dss_deploy.plugin_cli import STAGING_KEY_ENV, build_parser

from components.workflow_files import PLUGIN_WORKFLOW, plugin_workflow_files

from .helpers import DEPLOY_DIR, workflow_context

ACTION_FILE = DEPLOY_DIR / "plugin" / "action.yml"
ACTION = yaml.safe_load(ACTION_FILE.read_text())
STEPS = {step.get("id", step["name"]): step for step in ACTION["runs"]["steps"]}
BIN = Path(sys.executable).parent


def _tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / name), *args], capture_output=True, text=True, timeout=120)


def test_linters_pass():
    schema = _tool("check-jsonschema", "--builtin-schema", "vendor.github-actions", str(ACTION_FILE))
    assert schema.returncode == 0, schema.stdout + schema.stderr
    zizmor = _tool("zizmor", "--offline", "--min-severity=low", "--format=json", str(ACTION_FILE))
    assert zizmor.returncode == 0 and json.loads(zizmor.stdout) == [], zizmor.stdout + zizmor.stderr


def test_inputs_reach_the_script_only_through_the_environment():
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step["name"]
    env = STEPS["deploy"]["env"]
    used = {m for value in env.values() for m in re.findall(r"inputs\.([a-z-]+)", str(value))}
    assert used == set(ACTION["inputs"])
    fallbacks = {action.env for action in build_parser({})._actions if hasattr(action, "env")}
    assert set(env) <= fallbacks | {"DSS_AUTOMATION_API_KEY", STAGING_KEY_ENV, CERTIFICATE_ENV, CA_BUNDLE_ENV,
                                    "ACTION_PATH"}


def test_the_plugin_workflow_passes_declared_inputs_and_every_required_one():
    ctx = workflow_context("geo-tools")
    doc = yaml.safe_load(plugin_workflow_files(ctx)[PLUGIN_WORKFLOW])
    required = {name for name, spec in ACTION["inputs"].items() if spec.get("required")}
    calls = [step["with"] for job in doc["jobs"].values() for step in job["steps"]
             if step.get("uses", "").startswith(f"{ctx.deploy_action}/plugin@")]
    assert len(calls) == 2
    for given in calls:
        assert required <= set(given) <= set(ACTION["inputs"])

"""Render the files the platform writes into each generated repository: one workflow per repository (its jobs
keep their own triggers, environments, permissions and concurrency groups) and the starter tests.py.

Templates live in `templates/` and use Jinja2 with `<< >>` / `<% %>` / `<# #>` delimiters, so GitHub's own
`${{ ... }}` expressions pass through untouched. Every context value is validated before rendering: values are
written verbatim into YAML and Python, so anything outside a conservative character set is refused.
"""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import jinja2
import yaml

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

PR_STATUS_CHECK = "dss-staging-tests"
"""Status-check context of the project PR workflow (its job's `name:`); required on the prod branch."""
PLUGIN_STATUS_CHECK = "dss-plugin-check"
"""Status-check context of the plugin PR workflow (its job's `name:`); required on the prod branch."""

PROJECT_WORKFLOW = ".github/workflows/dss.yml"
PLUGIN_WORKFLOW = ".github/workflows/dss-plugin.yml"
PLATFORM_COMMIT_MARKER = "dataiku-gitops:"
"""Every commit the program makes starts with this; the release job skips such pushes (a starter tests.py is not a
release), and pushes touching only .github/ start no run at all."""

ACTION_PINS_FILE = TEMPLATES_DIR / "action-pins.yml"


@functools.cache
def action_pins() -> dict[str, str]:
    """``owner/action`` → ``owner/action@<full sha> # <tag>`` from templates/action-pins.yml, the one place the
    GitHub actions are pinned (this repository's workflows and deploy/action.yml are tested against it)."""
    pins = yaml.safe_load(ACTION_PINS_FILE.read_text())
    return {name: f"{name}@{pin['sha']} # {pin['version']}" for name, pin in pins.items()}

_SHA = re.compile(r"[0-9a-f]{40}")
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
_OWNER = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}")
_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]{1,100}")
_ACTION = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9_.-]{1,100}(/[A-Za-z0-9_.-]+)*")
_BRANCH = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,199}")


@dataclass(frozen=True)
class WorkflowContext:
    """What the templates need to know about one generated repository (validated on construction)."""

    dss_key: str
    repository: str
    owner: str
    deploy_action: str
    deploy_action_ref: str
    dev_branch: str = "dev"
    prod_branch: str = "prod"

    def __post_init__(self) -> None:
        _check("dss_key", self.dss_key, _KEY, "a DSS project key or plugin id (letters, digits, '_' or '-')")
        _check("repository", self.repository, _REPOSITORY, "a GitHub repository name")
        if self.repository in {".", ".."}:
            raise ValueError(f"WorkflowContext.repository must be a GitHub repository name, got {self.repository!r}")
        _check("owner", self.owner, _OWNER, "a GitHub user or organization name")
        _check("deploy_action", self.deploy_action, _ACTION, "'<owner>/<repository>/<path>' of the deploy action")
        _check("deploy_action_ref", self.deploy_action_ref, _SHA, "a full 40-character lowercase hex commit SHA")
        for field in ("dev_branch", "prod_branch"):
            value = getattr(self, field)
            _check(field, value, _BRANCH, "a branch name (letters, digits, '.', '_', '-', '/')")
            if ".." in value or value.endswith((".", "/", ".lock")) or "//" in value:
                raise ValueError(f"WorkflowContext.{field} is not a valid git branch name, got {value!r}")
        if self.dev_branch == self.prod_branch:
            raise ValueError(f"WorkflowContext.dev_branch and prod_branch must differ, both are {self.prod_branch!r}")


def _check(field: str, value: object, pattern: re.Pattern[str], meaning: str) -> None:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise ValueError(f"WorkflowContext.{field} must be {meaning}, got {value!r}")


_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    undefined=jinja2.StrictUndefined,
    autoescape=False,  # noqa: S701 - renders YAML and Python, not HTML; inputs are validated above
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
    variable_start_string="<<",
    variable_end_string=">>",
    block_start_string="<%",
    block_end_string="%>",
    comment_start_string="<#",
    comment_end_string="#>",
)


def _render(template: str, ctx: WorkflowContext) -> str:
    return _ENV.get_template(template).render(
        **asdict(ctx),
        pr_status_check=PR_STATUS_CHECK,
        plugin_status_check=PLUGIN_STATUS_CHECK,
        platform_commit_marker=PLATFORM_COMMIT_MARKER,
        pins=action_pins(),
    )


def project_workflow_files(ctx: WorkflowContext) -> dict[str, str]:
    """The workflow of a DSS project repository (PR check, release, manual rollback / redeploy), path → content."""
    return {PROJECT_WORKFLOW: _render("dss.yml.j2", ctx)}


def plugin_workflow_files(ctx: WorkflowContext) -> dict[str, str]:
    """The workflow of a DSS plugin repository (PR check, release on the prod branch), path → content."""
    return {PLUGIN_WORKFLOW: _render("dss-plugin.yml.j2", ctx)}


def starter_tests_py(ctx: WorkflowContext) -> str:
    """A starter tests.py for a project repository (created only if absent, never overwritten)."""
    return _render("tests.py.j2", ctx)

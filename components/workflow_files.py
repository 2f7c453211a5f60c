"""Render the files the platform writes into each generated repository (see briefs/workflow-contract.md).

Templates live in `templates/` and use Jinja2 with `<< >>` / `<% %>` / `<# #>` delimiters, so GitHub's own
`${{ ... }}` expressions pass through untouched. Every context value is validated before rendering: values are
written verbatim into YAML and Python, so anything outside a conservative character set is refused.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

import jinja2

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

PR_STATUS_CHECK = "dss-staging-tests"
"""Status-check context of the project PR workflow (its job's `name:`); required on the prod branch."""
PLUGIN_STATUS_CHECK = "dss-plugin-check"
"""Status-check context of the plugin PR workflow (its job's `name:`); required on the prod branch."""

CHECKOUT_ACTION = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"
"""actions/checkout pinned by full commit SHA; CHECKOUT_VERSION is the tag that SHA is believed to be."""
CHECKOUT_VERSION = "v4.2.2"

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
        checkout_action=CHECKOUT_ACTION,
        checkout_version=CHECKOUT_VERSION,
    )


def project_workflow_files(ctx: WorkflowContext) -> dict[str, str]:
    """The workflows of a DSS project repository, path → content, in write order."""
    return {
        ".github/workflows/dss-pr.yml": _render("dss-pr.yml.j2", ctx),
        ".github/workflows/dss-release.yml": _render("dss-release.yml.j2", ctx),
        ".github/workflows/dss-rollback.yml": _render("dss-rollback.yml.j2", ctx),
    }


def plugin_workflow_files(ctx: WorkflowContext) -> dict[str, str]:
    """The workflows of a DSS plugin repository (release on the prod branch, and the PR check), path → content."""
    return {
        ".github/workflows/plugin-pr.yml": _render("plugin-pr.yml.j2", ctx),
        ".github/workflows/plugin-release.yml": _render("plugin-release.yml.j2", ctx),
    }


def starter_tests_py(ctx: WorkflowContext) -> str:
    """A starter tests.py for a project repository (created only if absent, never overwritten)."""
    return _render("tests.py.j2", ctx)

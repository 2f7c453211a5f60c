"""Offline plan: run the Pulumi program under mocks against a DSS node and print the GitHub state it declares.

No Pulumi CLI and no GitHub: discovery really queries DSS, everything GitHub-side is recorded, not created. With
``--previous`` (a plan file written by ``--output``) it also shows which resources would be created and removed,
and the deletion guard judges the run against that previous plan as it would against the stack's last outputs.

Configuration comes from Pulumi.yaml defaults, then ``Pulumi.<stack>.yaml`` (encrypted ``secure:`` values cannot be
read offline and are skipped), then ``--design-url`` / ``--set KEY=VALUE``. Secrets come from Pulumi's own
environment variables, e.g. ``PULUMI_CONFIG_DATAIKU_GITOPS_DESIGNAPIKEY`` for ``designApiKey`` (or ``PULUMI_CONFIG``
as JSON), never from the command line. Secret values are never printed nor written to the plan file.

Exit status: 0 planned, 1 the program refused to run (discovery failed, names collide, deletion guard), 2 bad
configuration or usage.
"""
from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pulumi
import yaml

from components import deletion_guard, removal
from components import settings as settings_module
from components.github_requests import plan_budget, short_type
from components.program import design_client, run_program
from components.run_bound import WAITING_OUTPUT
from components.settings import ConfigError

from .mocks import MockRun, run_mocked
from .observe import record_requests

ROOT = Path(__file__).resolve().parent.parent
SECRET = "[secret]"
COMPONENTS = {"dataiku-gitops:index:ProjectRepository": "project", "dataiku-gitops:index:PluginRepository": "plugin"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gitops_plan", description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack", default="dev", help="stack whose Pulumi.<stack>.yaml is read (default: dev)")
    parser.add_argument("--design-url", help="DSS design node to discover (overrides designUrl)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a non-secret config key (repeatable); secrets: PULUMI_CONFIG_<PROJECT>_<KEY>")
    parser.add_argument("--previous", type=Path, help="a plan file from an earlier --output: show what changes")
    parser.add_argument("--output", type=Path, help="write this plan (JSON, secrets masked) to a file")
    parser.add_argument("--json", action="store_true", help="print the plan as JSON instead of text")
    return parser


def stack_config(stack: str, root: Path = ROOT) -> dict[str, str]:
    """Plain values of Pulumi.<stack>.yaml, keyed ``<project>:<key>``, as strings the way the engine passes them."""
    path = root / f"Pulumi.{stack}.yaml"
    if not path.exists():
        raise ConfigError(f"--stack: no {path.name} next to Pulumi.yaml (got {stack!r})")
    values = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
    return {key: _as_config_string(value) for key, value in values.items()
            if not (isinstance(value, dict) and "secure" in value)}


def _as_config_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value)


def load(args: argparse.Namespace) -> settings_module.Settings:
    project = settings_module.project_name()
    config = stack_config(args.stack)
    overrides = list(args.set) + ([f"designUrl={args.design_url}"] if args.design_url else [])
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"--set: expected KEY=VALUE (got {item!r})")
        if settings_module.config_schema().get(key) and settings_module.config_schema()[key].secret:
            raise ConfigError(f"--set: {key} is a secret, pass it as PULUMI_CONFIG_{_env_name(project, key)} "
                              "in the environment (got [secret])")
        config[f"{project}:{key}"] = value
    pulumi.runtime.set_all_config(config)
    return settings_module.load_settings(pulumi.Config(project))


def _env_name(project: str, key: str) -> str:
    return pulumi.runtime.config.get_config_env_key(f"{project}:{key}").removeprefix("PULUMI_CONFIG_")


def plan(settings: settings_module.Settings, previous: dict | None = None) -> tuple[MockRun, list[str]]:
    """Run the program under mocks; return what it declared and the DSS requests discovery made."""
    with design_client(settings) as client:
        sent = record_requests(client)
        run = run_mocked(functools.partial(run_program, settings, client), owner=settings.owner,
                         previous_outputs=(previous or {}).get("outputs"))
    return run, sent


def to_document(run: MockRun, settings: settings_module.Settings, requests: Sequence[str]) -> dict:
    """The plan as JSON-able data; secret inputs are masked, the dynamic provider's pickle is dropped.
    ``githubRequests``: the request budget per project (see :mod:`components.github_requests`)."""
    resources = [{"type": r.type, "name": r.name, "urn": r.urn, "parent": r.parent,
                  "inputs": {k: SECRET if k in r.secret_inputs else v for k, v in r.inputs.items()
                             if k != "__provider"},
                  **({"adopt": r.import_id} if r.import_id else {})}
                 for r in run.resources]
    return {
        "designUrl": settings.design_url,
        "dssRequests": list(requests),
        "outputs": run.outputs,
        "githubRequests": plan_budget(resources).as_json(),
        "resources": resources,
    }


_ORDER = ("Repository", "BranchDefault", "RepositoryFile", "Branch", "BranchProtection", "TeamRepository",
          "ActionsVariable", "RepositoryEnvironment", "ActionsEnvironmentSecret", "ActionsEnvironmentVariable",
          "DssGitRemote")


def _display_order(resource: dict) -> tuple:
    kind = short_type(resource["type"])
    environment = resource["inputs"].get("environment") or ""
    rank = _ORDER.index(kind) if kind in _ORDER else len(_ORDER)
    grouped = rank >= _ORDER.index("RepositoryEnvironment") and kind != "DssGitRemote"
    tiebreak = "" if kind == "RepositoryFile" else resource["name"]  # files keep their write order
    return (rank if not grouped else _ORDER.index("RepositoryEnvironment"), environment, rank, tiebreak)


def _first(items: Any) -> dict:
    return (items or [{}])[0]


def describe(resource: dict) -> str:
    """One line saying what a declared resource is."""
    i = resource["inputs"]
    kind = short_type(resource["type"])
    if kind == "Repository" and resource.get("adopt"):
        subject = (f"adopt {resource['adopt']}: the existing repository, imported as it is (the next run applies "
                   "the settings, unarchives it and declares the rest)")
    elif kind == "Repository":
        subject = f"{i.get('name')} ({i.get('visibility')}, archive on destroy: {i.get('archiveOnDestroy')})"
    elif kind == "BranchDefault":
        subject = f"default branch {i.get('branch')} (auto_init's main renamed)"
    elif kind == "Branch":
        subject = f"branch {i.get('branch')} from {i.get('sourceBranch')}"
    elif kind == "BranchProtection":
        checks = _first(i.get("requiredStatusChecks")).get("contexts")
        approvals = int(_first(i.get("requiredPullRequestReviews")).get("requiredApprovingReviewCount", 0))
        subject = f"protect {i.get('pattern')}: required check {checks}, {approvals} approvals"
    elif kind == "RepositoryFile":
        subject = f"{i.get('file')} on {i.get('branch')}" + (
            "" if i.get("overwriteOnCreate") else " (created if absent, never overwritten)")
    elif kind == "RepositoryEnvironment":
        subject = f"environment {i.get('environment')}" + (
            " (protected branches only)" if i.get("deploymentBranchPolicy") else "")
    elif kind == "ActionsEnvironmentSecret":
        subject = f"{i.get('environment')} secret {i.get('secretName')} = {SECRET}"
    elif kind in ("ActionsEnvironmentVariable", "ActionsVariable", "ActionsOrganizationVariable"):
        scope = {"ActionsEnvironmentVariable": f"{i.get('environment')} variable",
                 "ActionsVariable": "variable", "ActionsOrganizationVariable": "organization variable"}[kind]
        subject = f"{scope} {i.get('variableName')} = {i.get('value')}"
    elif kind == "TeamRepository":
        subject = f"team {i.get('teamId')}: {i.get('permission')}"
    elif kind == "DssGitRemote":
        subject = (f"DSS {i.get('project_key')}: remote {i.get('remote_url')}, push {i.get('branch')} "
                   f"(a new one rebased onto {i.get('prod_branch')})")
    elif kind == "StackReference":
        subject = f"outputs of the last run of {i.get('name')} (deletion guard)"
    elif kind == "github":
        subject = f"GitHub provider, owner {i.get('owner')}"
    else:
        subject = resource["name"]
    return f"{kind:<27} {subject}"


def render_text(document: dict, previous: dict | None) -> str:
    resources = document["resources"]
    components = [r for r in resources if r["type"] in COMPONENTS]
    by_parent: dict[str, list[dict]] = {}
    for r in resources:
        by_parent.setdefault(r["parent"], []).append(r)

    def below(urn: str) -> list[dict]:
        found = []
        for child in by_parent.get(urn, []):
            found.append(child)
            found.extend(below(child["urn"]))
        return sorted(found, key=_display_order)

    kinds = [COMPONENTS[c["type"]] for c in components]
    lines = [f"Plan: {kinds.count('project')} project and {kinds.count('plugin')} plugin repositories, "
             f"{sum(1 for r in resources if r['type'] not in COMPONENTS)} resources; DSS {document['designUrl']} "
             f"answered {len(document['dssRequests'])} discovery requests ({', '.join(document['dssRequests'])})"]
    in_components = {r["urn"] for c in components for r in below(c["urn"])} | {c["urn"] for c in components}
    shared = [r for r in resources if r["urn"] not in in_components]
    lines.append(f"\nstack-wide ({len(shared)} resources)")
    lines += [f"  {describe(r)}" for r in shared]
    for component in components:
        children = below(component["urn"])
        key = component["name"].split("-", 2)[-1]
        lines.append(f"\n{COMPONENTS[component['type']]} {key} ({len(children)} resources)")
        lines += [f"  {describe(r)}" for r in children]
    lines += _pending_section(document)
    waiting = document["outputs"].get(WAITING_OUTPUT) or {}
    for kind in ("projects", "plugins"):
        if waiting.get(kind):
            lines.append(f"\nwaiting for a later run (maxNewRepositoriesPerRun): {len(waiting[kind])} new {kind}: "
                         f"{', '.join(waiting[kind])}")
    if previous is not None:
        lines.append("\n" + render_changes(previous, document))
    lines.append("\n" + budget_line(document["githubRequests"]))
    return "\n".join(lines)


def budget_line(figures: dict[str, int]) -> str:
    """``GitHub requests per project: create N (W writes), reconcile R, refresh F`` from ``githubRequests``."""
    return (f"GitHub requests per project: create {figures['create']} ({figures['createWrites']} writes), "
            f"reconcile {figures['reconcile']}, refresh {figures['refresh']}")


def _pending_section(document: dict) -> list[str]:
    """The repositories kept while pending removal (see components/removal.py), one line each."""
    pending = removal.pending_lines(document["outputs"].get(deletion_guard.PENDING_OUTPUT))
    return [f"\npending removal ({len(pending)})", *[f"  {line}" for line in pending]] if pending else []


def render_changes(previous: dict, document: dict) -> str:
    """Resources created, updated (changed inputs) and removed since the previous plan, matched by URN."""
    before = {r["urn"]: r for r in previous.get("resources", [])}
    now = {r["urn"]: r for r in document["resources"]}
    created = [now[u] for u in now if u not in before]
    removed = [before[u] for u in before if u not in now]
    updated = [(now[u], sorted(k for k in set(now[u]["inputs"]) | set(before[u]["inputs"])
                               if now[u]["inputs"].get(k) != before[u]["inputs"].get(k)))
               for u in now if u in before]
    updated = [(r, keys) for r, keys in updated if keys]
    lines = [f"Changes against the previous plan: {len(created)} to create, {len(updated)} to update, "
             f"{len(removed)} to remove"]
    lines += [f"  + {describe(r)}" for r in created]
    lines += [f"  ~ {describe(r)} (changed: {', '.join(keys)})" for r, keys in updated]
    lines += [f"  - {describe(r)}" + (" (archived, not deleted)" if r["type"].endswith("repository:Repository")
                                      and r["inputs"].get("archiveOnDestroy") else "") for r in removed]
    return "\n".join(lines)


def _read_plan(path: Path) -> dict:
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"--previous: cannot read a plan from it: {exc} (got {str(path)!r})") from None
    if not isinstance(document, dict) or not isinstance(document.get("resources"), list):
        raise ConfigError(f"--previous: not a plan file written by --output (got {str(path)!r})")
    return document


def _write_plan(path: Path, document: dict) -> bool:
    """Write the plan file; on failure print one line and return False."""
    try:
        path.write_text(json.dumps(document, indent=1, sort_keys=True))
    except OSError as exc:
        print(f"error: --output: cannot write the plan: {exc.strerror or exc} (got {str(path)!r})", file=sys.stderr)
        return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load(args)
        previous = _read_plan(args.previous) if args.previous else None
        run, requests = plan(settings, previous)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except pulumi.RunError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    document = to_document(run, settings, requests)
    if args.output and not _write_plan(args.output, document):
        return 2
    print(json.dumps(document, indent=1, sort_keys=True) if args.json else render_text(document, previous))
    return 0

"""``python -m dss_deploy status``: read the fleet, print the table (or ``--json`` / ``--markdown``), write the
``--html`` page and the job summary, annotate unhealthy and untested-in-prod projects. Exit 0 whatever the flags
(they are findings, not failures), 1 when DSS cannot be read, 2 on bad input.

Same conventions as the deploy script: every flag falls back to an environment variable, the API key comes only
from ``DSS_DESIGN_API_KEY`` and an mTLS certificate only from ``DSS_CLIENT_CERTIFICATE``; nothing printed or
written ever holds them.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..arguments import (
    ID_RE,
    EnvironmentDefault,
    ca_bundle,
    client_certificate,
    http_url,
    matching,
    parse_arguments,
    required,
    secret,
    whole_number,
    writable_file,
)
from ..errors import DeployError, UsageError
from ..report import Reporter
from ..transport import RequestBudget, make_client, tls_files
from . import render_html, render_json, render_markdown, render_table
from .collect import collect
from .view import rows

MAX_DAYS, MAX_REQUEST_SECONDS = 366, 3600
MAX_WORKERS = 10  # requests keeps 10 connections per host: more threads would only queue


@dataclass(frozen=True)
class StatusSettings:
    design_url: str
    infras: dict[str, str]
    stack_outputs: Path | None
    output: str  # table | json | markdown
    html: Path | None
    summary_file: Path | None
    days: int
    workers: int
    request_timeout: int
    insecure_tls: bool
    design_api_key: str = field(repr=False)
    ca_bundle_pem: str | None = field(default=None, repr=False)
    client_certificate_pem: str | None = field(default=None, repr=False)

    @property
    def secrets(self) -> list[str]:
        return [s for s in (self.design_api_key, self.client_certificate_pem) if s]


def build_parser(environ: Mapping[str, str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dss_deploy status",
        description="The fleet at a glance: for every design project, its repository, the bundle on staging and "
                    "on prod with their health and last update, and flags (unhealthy, untested-in-prod, "
                    "out-of-sync, staging-ahead, uncommitted, not-pushed, no-repository, no-deployment). The API "
                    "key comes from DSS_DESIGN_API_KEY only.",
        epilog="Exit statuses: 0 report made (whatever the flags), 1 DSS could not be read, 2 usage.")

    def flag(name: str, env: str, help: str, default: str | None = None) -> None:
        parser.add_argument(name, action=EnvironmentDefault, env=env, environ=environ, default=default, help=help)

    flag("--design-url", "DSS_DESIGN_URL", "URL of the design node (it runs the Project Deployer)")
    flag("--staging-infra-id", "DSS_STAGING_INFRA_ID", "Project Deployer infrastructure of staging")
    flag("--prod-infra-id", "DSS_PROD_INFRA_ID", "Project Deployer infrastructure of prod")
    flag("--stack-outputs", "DSS_STACK_OUTPUTS", "JSON of `pulumi stack output --json` (project -> repository); "
         "without it the repository is the design project's git remote")
    flag("--html", "DSS_STATUS_HTML", "write the page (table and 30-day timelines) to this file")
    flag("--summary-file", "GITHUB_STEP_SUMMARY", "markdown job summary to append the report to")
    flag("--days", "DSS_STATUS_DAYS", "days shown on the --html timelines", default="30")
    flag("--workers", "DSS_STATUS_WORKERS", "projects read in parallel", default="8")
    flag("--request-timeout", "DSS_STATUS_REQUEST_TIMEOUT", "seconds one DSS request may take", default="60")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", dest="output", action="store_const", const="json", help="print JSON")
    output.add_argument("--markdown", dest="output", action="store_const", const="markdown",
                        help="print markdown (a GitHub job summary)")
    parser.add_argument("--insecure-tls", action="store_true", help="do not verify TLS certificates")
    return parser


def settings_from(args: argparse.Namespace, environ: Mapping[str, str]) -> StatusSettings:
    """Validate the parsed flags; raise :class:`UsageError` naming the bad field and value."""
    infras = {stage: matching(f"--{stage}-infra-id",
                              required(args, f"{stage}_infra_id", f"DSS_{stage.upper()}_INFRA_ID"), ID_RE,
                              "a Project Deployer infrastructure id (letters, digits, '_', '-', '.')")
              for stage in ("staging", "prod")}
    if infras["staging"] == infras["prod"]:
        raise UsageError(f"Invalid --prod-infra-id {infras['prod']!r}: it is also the staging infrastructure")
    return StatusSettings(
        design_url=http_url("--design-url", required(args, "design_url", "DSS_DESIGN_URL")),
        infras=infras,
        stack_outputs=Path(args.stack_outputs) if args.stack_outputs else None,
        output=args.output or "table",
        html=writable_file("--html", Path(args.html)) if args.html else None,
        summary_file=Path(args.summary_file) if args.summary_file else None,
        days=whole_number("--days", args.days, MAX_DAYS),
        workers=whole_number("--workers", args.workers, MAX_WORKERS),
        request_timeout=whole_number("--request-timeout", args.request_timeout, MAX_REQUEST_SECONDS),
        insecure_tls=bool(args.insecure_tls),
        design_api_key=secret(environ, "DSS_DESIGN_API_KEY", "design-api-key"),
        ca_bundle_pem=ca_bundle(environ),
        client_certificate_pem=client_certificate(environ),
    )


def read_stack_outputs(path: Path) -> dict[str, tuple[str, str | None]]:
    """Project key -> (repository name, URL) from ``pulumi stack output --json`` (its ``projects`` output)."""
    try:
        outputs = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"Invalid --stack-outputs {str(path)!r}: {exc.strerror}") from None
    except ValueError as exc:
        raise UsageError(f"Invalid --stack-outputs {str(path)!r}: not JSON ({exc})") from None
    projects = outputs.get("projects") if isinstance(outputs, dict) else None
    if not isinstance(projects, dict):
        raise UsageError(f"Invalid --stack-outputs {str(path)!r}: expected an object with a 'projects' output "
                         f"(project key -> {{repository, url}}), as `pulumi stack output --json` prints")
    found = {}
    for key, entry in projects.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("repository"), str):
            raise UsageError(f"Invalid --stack-outputs {str(path)!r}: projects.{key} has no 'repository' name")
        url = entry.get("url")
        found[key] = (entry["repository"], url if isinstance(url, str) else None)
    return found


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run the status command; answer the exit status."""
    environ = os.environ if environ is None else environ
    args = parse_arguments(build_parser(environ), argv)
    if isinstance(args, int):
        return args
    # Progress, errors and annotations go to stderr when stdout carries JSON or markdown.
    reporter = Reporter(annotate=environ.get("GITHUB_ACTIONS") == "true",
                        stream=sys.stdout if args.output is None else sys.stderr)
    try:
        settings = settings_from(args, environ)
        reporter.add_secrets(settings.secrets)
        repositories = read_stack_outputs(settings.stack_outputs) if settings.stack_outputs else None
        with tls_files(settings, environ) as tls:
            client = make_client(settings.design_url, settings.design_api_key, RequestBudget(settings.request_timeout),
                                 tls)
            fleet = collect(client, settings.infras, repositories, workers=settings.workers)
    except UsageError as exc:
        reporter.fail(str(exc), exc.title)
        return 2
    except DeployError as exc:
        reporter.fail(str(exc), "Fleet status failed")
        return 1
    except Exception:  # a bug: keep the traceback, redacted like everything else
        reporter.fail(f"internal error, please report it:\n{traceback.format_exc()}", "Internal error")
        return 1
    text = {"json": render_json.render, "markdown": render_markdown.render, "table": render_table.render}
    print(reporter.redact(text[settings.output](fleet)), flush=True)
    try:
        if settings.html:
            settings.html.write_text(reporter.redact(render_html.render(fleet, settings.days)), encoding="utf-8")
        if settings.summary_file:
            with settings.summary_file.open("a", encoding="utf-8") as handle:
                handle.write(reporter.redact(render_markdown.render(fleet)) + "\n")
    except OSError as exc:
        reporter.fail(f"Cannot write {exc.filename}: {exc.strerror}", "Fleet status failed")
        return 1
    if reporter.annotate:  # one warning annotation per unhealthy or untested-in-prod project
        for row in rows(fleet):
            if row.warnings:
                reporter.warn("; ".join(f"{f.code}: {f.detail}" for f in row.warnings),
                              f"DSS project {row.project.key}")
    return 0

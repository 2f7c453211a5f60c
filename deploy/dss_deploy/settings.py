"""The settings of a run, built from the command line and the environment, validated before anything runs.

``RunSettings`` holds what the project mode and the plugin mode share (the commit under test, the automation node,
the reports, the timeouts, the keys); ``Settings`` adds the project mode's. Secrets come ONLY from the environment
(see :mod:`.arguments`): ``DSS_DESIGN_API_KEY``, ``DSS_AUTOMATION_API_KEY``, ``DSS_CLIENT_CERTIFICATE`` (PEM content
of the mTLS client certificate and its key) and ``GITHUB_TOKEN`` (optional, to fetch commits from a private
repository).
"""
from __future__ import annotations

import argparse
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .arguments import (
    GIT_TOKEN_ENV,
    ID_RE,
    REMOTE_RE,
    SHA_RE,
    STAGES,
    EnvironmentDefault,
    ca_bundle,
    choice,
    client_certificate,
    http_url,
    matching,
    optional,
    required,
    run_url,
    seconds,
    secret,
    writable_file,
)
from .errors import UsageError

MODES = ("test", "release", "rollback", "redeploy")
PROJECT_KEY_RE = re.compile(r"^[A-Za-z0-9_]{1,100}$")
SECRET_ENV = {"design_api_key": "DSS_DESIGN_API_KEY", "automation_api_key": "DSS_AUTOMATION_API_KEY"}


def register_arguments(parser: argparse.ArgumentParser, environ: Mapping[str, str]) -> None:
    """The flags and their environment fallbacks; validation happens in :meth:`Settings.from_args`."""
    def flag(name: str, env: str, help: str, default: str | None = None) -> None:
        parser.add_argument(name, action=EnvironmentDefault, env=env, environ=environ, default=default, help=help)

    flag("--mode", "DSS_MODE", "test (pull request, staging), release (push to prod), rollback or redeploy")
    flag("--stage", "DSS_STAGE", "staging or prod")
    flag("--project-key", "DSS_PROJECT_KEY", "DSS project key on the design node")
    flag("--commit-sha", "DSS_COMMIT_SHA", "full SHA of the commit under test (checked out in --repo-dir)")
    flag("--design-url", "DSS_DESIGN_URL", "URL of the design node (it runs the Project Deployer)")
    flag("--automation-url", "DSS_AUTOMATION_URL", "URL of the stage's automation node (tests.py runs against it)")
    flag("--infra-id", "DSS_INFRA_ID", "Project Deployer infrastructure of the stage")
    flag("--bundle-id", "DSS_BUNDLE_ID", "bundle to deploy (rollback and redeploy modes only)")
    flag("--repo-dir", "DSS_REPO_DIR", "git checkout of the repository", default=".")
    flag("--tests-file", "DSS_TESTS_FILE", "pytest file, relative to --repo-dir", default="tests.py")
    flag("--junit-file", "DSS_JUNIT_FILE", "where pytest writes its JUnit XML report", default="dss-test-results.xml")
    flag("--timeout", "DSS_DEPLOY_TIMEOUT", "seconds to wait for one deployment update", default="1800")
    flag("--tests-timeout", "DSS_TESTS_TIMEOUT", "seconds before tests.py is stopped", default="3600")
    flag("--git-remote", "DSS_GIT_REMOTE", "remote of --repo-dir that DSS pushes to", default="origin")
    flag("--summary-file", "GITHUB_STEP_SUMMARY", "markdown summary file to append to")
    flag("--output-file", "GITHUB_OUTPUT", "step outputs file to append to")
    parser.add_argument("--insecure-tls", action="store_true",
                        help="do not verify TLS certificates (never in production; trust a private CA with "
                             "DSS_CA_BUNDLE instead)")
    parser.add_argument("--allow-untested-export", action="store_true",
                        help="release mode: when no bundle was published for the released content (it was not "
                             "tested on staging), export one from DSS instead of failing")


@dataclass(frozen=True, kw_only=True)
class RunSettings:
    """What a project run and a plugin run share. Secret fields never appear in ``repr``."""

    mode: str
    stage: str
    commit_sha: str
    automation_url: str
    repo_dir: Path
    junit_file: Path
    timeout: int
    tests_timeout: int
    git_remote: str
    insecure_tls: bool
    summary_file: Path | None
    output_file: Path | None
    run_url: str | None
    automation_api_key: str = field(repr=False)
    ca_bundle_pem: str | None = field(default=None, repr=False)
    client_certificate_pem: str | None = field(default=None, repr=False)
    git_token: str | None = field(default=None, repr=False)

    @property
    def secrets(self) -> list[str]:
        """Values the reporter must never print."""
        values = [self.automation_api_key, self.git_token, self.client_certificate_pem, *self.extra_secrets()]
        return [v for v in values if v]

    def extra_secrets(self) -> list[str | None]:
        """The secrets a mode adds to the shared ones."""
        return []

    @staticmethod
    def shared_fields(args: argparse.Namespace, environ: Mapping[str, str], modes: tuple[str, ...]) -> dict:
        """The validated shared fields, as keyword arguments; raise :class:`UsageError` naming the bad field."""
        repo_dir = Path(required(args, "repo_dir", "DSS_REPO_DIR")).resolve()
        if not repo_dir.is_dir():
            raise UsageError(f"Invalid --repo-dir {str(repo_dir)!r}: not a directory")
        summary, output = optional(args.summary_file), optional(args.output_file)
        return dict(
            mode=choice(args, "mode", modes, "DSS_MODE"),
            stage=choice(args, "stage", STAGES, "DSS_STAGE"),
            commit_sha=matching("--commit-sha", required(args, "commit_sha", "DSS_COMMIT_SHA"), SHA_RE,
                                "a full 40-character lowercase hex commit SHA"),
            automation_url=http_url("--automation-url", required(args, "automation_url", "DSS_AUTOMATION_URL")),
            repo_dir=repo_dir,
            junit_file=writable_file("--junit-file", Path(required(args, "junit_file", "DSS_JUNIT_FILE"))),
            timeout=seconds("--timeout", args.timeout),
            tests_timeout=seconds("--tests-timeout", args.tests_timeout),
            git_remote=matching("--git-remote", required(args, "git_remote", "DSS_GIT_REMOTE"), REMOTE_RE,
                                "a git remote name"),
            insecure_tls=bool(args.insecure_tls),
            summary_file=Path(summary) if summary else None,
            output_file=Path(output) if output else None,
            run_url=run_url(environ),
            automation_api_key=secret(environ, SECRET_ENV["automation_api_key"], "automation-api-key"),
            ca_bundle_pem=ca_bundle(environ),
            client_certificate_pem=client_certificate(environ),
            git_token=optional(environ.get(GIT_TOKEN_ENV)),
        )


@dataclass(frozen=True, kw_only=True)
class Settings(RunSettings):
    """Everything a project run needs."""

    project_key: str
    design_url: str
    infra_id: str
    bundle_id: str | None
    tests_file: Path
    allow_untested_export: bool
    design_api_key: str = field(repr=False)

    @property
    def deployment_id(self) -> str:
        """The one deployment of this project on this infra (used when none exists yet)."""
        return f"{self.project_key}-on-{self.infra_id}"

    @property
    def tests_identity(self) -> dict[str, str]:
        """What the tests are told they test, besides the node's URL and key."""
        return {"DATAIKU_PROJECT_KEY": self.project_key}

    def extra_secrets(self) -> list[str | None]:
        return [self.design_api_key]

    @classmethod
    def from_args(cls, args: argparse.Namespace, environ: Mapping[str, str]) -> Settings:
        """Validate the parsed flags and the environment; raise :class:`UsageError` naming the bad field."""
        shared = cls.shared_fields(args, environ, MODES)
        mode, repo_dir = shared["mode"], shared["repo_dir"]
        bundle_id = optional(args.bundle_id)
        if mode in ("rollback", "redeploy"):
            if bundle_id is None:
                raise UsageError(f"--bundle-id is required in {mode} mode (or set DSS_BUNDLE_ID)")
            matching("--bundle-id", bundle_id, ID_RE, "a DSS bundle id (letters, digits, '_', '-', '.')")
        elif bundle_id is not None:
            raise UsageError(f"--bundle-id {bundle_id!r} is only for rollback and redeploy modes; in {mode} mode "
                             f"the bundle id derives from the commit's content")
        tests_file = Path(required(args, "tests_file", "DSS_TESTS_FILE"))
        if tests_file.is_absolute() or ".." in tests_file.parts:
            raise UsageError(f"Invalid --tests-file {str(tests_file)!r}: give a path inside --repo-dir")
        if not (repo_dir / tests_file).is_file():
            raise UsageError(f"Invalid --tests-file {str(tests_file)!r}: no such file in {repo_dir}; the deploy "
                             f"runs it after every deployment (restore the repository's tests.py)")
        return cls(
            **shared,
            project_key=matching("--project-key", required(args, "project_key", "DSS_PROJECT_KEY"), PROJECT_KEY_RE,
                                 "a DSS project key (letters, digits and '_')"),
            design_url=http_url("--design-url", required(args, "design_url", "DSS_DESIGN_URL")),
            infra_id=matching("--infra-id", required(args, "infra_id", "DSS_INFRA_ID"), ID_RE,
                              "a Project Deployer infrastructure id (letters, digits, '_', '-', '.')"),
            bundle_id=bundle_id,
            tests_file=tests_file,
            allow_untested_export=bool(args.allow_untested_export),
            design_api_key=secret(environ, SECRET_ENV["design_api_key"], "design-api-key"),
        )

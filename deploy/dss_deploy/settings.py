"""One frozen ``Settings`` built from the command line and the environment, validated before anything runs.

Every flag may fall back to an environment variable (named in its help), which is how the composite action passes
its inputs. Secrets come ONLY from the environment, never from argv (argv shows up in ``ps`` and in logs):
``DSS_DESIGN_API_KEY``, ``DSS_AUTOMATION_API_KEY``, ``DSS_CLIENT_CERTIFICATE`` (PEM content of the mTLS client
certificate and its key) and ``GITHUB_TOKEN`` (optional, to fetch commits from a private repository).
"""
from __future__ import annotations

import argparse
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .errors import UsageError

MODES = ("test", "release", "rollback", "redeploy")
STAGES = ("staging", "prod")
SHA_RE = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
PROJECT_KEY_RE = re.compile(r"^[A-Za-z0-9_]{1,100}$")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")  # infra and bundle ids
REMOTE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
MAX_TIMEOUT = 24 * 3600

SECRET_ENV = {"design_api_key": "DSS_DESIGN_API_KEY", "automation_api_key": "DSS_AUTOMATION_API_KEY"}
CERTIFICATE_ENV = "DSS_CLIENT_CERTIFICATE"
GIT_TOKEN_ENV = "GITHUB_TOKEN"


class EnvironmentDefault(argparse.Action):
    """A flag whose default comes from an environment variable (twine's pattern); an empty variable is unset."""

    def __init__(self, env: str, environ: Mapping[str, str], default=None, help: str = "", **kwargs):
        value = environ.get(env, "").strip()
        super().__init__(default=value or default, help=f"{help} (env: {env})", **kwargs)
        self.env = env

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values)


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
                             "REQUESTS_CA_BUNDLE instead)")
    parser.add_argument("--allow-untested-export", action="store_true",
                        help="release mode: when no bundle was published for the released content (it was not "
                             "tested on staging), export one from DSS instead of failing")


@dataclass(frozen=True)
class Settings:
    """Everything a run needs. Secret fields never appear in ``repr``."""

    mode: str
    stage: str
    project_key: str
    commit_sha: str
    design_url: str
    automation_url: str
    infra_id: str
    bundle_id: str | None
    repo_dir: Path
    tests_file: Path
    junit_file: Path
    timeout: int
    tests_timeout: int
    git_remote: str
    insecure_tls: bool
    allow_untested_export: bool
    summary_file: Path | None
    output_file: Path | None
    run_url: str | None
    design_api_key: str = field(repr=False)
    automation_api_key: str = field(repr=False)
    client_certificate_pem: str | None = field(default=None, repr=False)
    git_token: str | None = field(default=None, repr=False)

    @property
    def deployment_id(self) -> str:
        """The one deployment of this project on this infra (used when none exists yet)."""
        return f"{self.project_key}-on-{self.infra_id}"

    @property
    def tests_identity(self) -> dict[str, str]:
        """What the tests are told they test, besides the node's URL and key."""
        return {"DATAIKU_PROJECT_KEY": self.project_key}

    @property
    def secrets(self) -> list[str]:
        """Values the reporter must never print."""
        values = [self.design_api_key, self.automation_api_key, self.git_token, self.client_certificate_pem]
        return [v for v in values if v]

    @classmethod
    def from_args(cls, args: argparse.Namespace, environ: Mapping[str, str]) -> Settings:
        """Validate the parsed flags and the environment; raise :class:`UsageError` naming the bad field."""
        mode = _choice(args, "mode", MODES, "DSS_MODE")
        stage = _choice(args, "stage", STAGES, "DSS_STAGE")
        bundle_id = _optional(args.bundle_id)
        if mode in ("rollback", "redeploy"):
            if bundle_id is None:
                raise UsageError(f"--bundle-id is required in {mode} mode (or set DSS_BUNDLE_ID)")
            _match("--bundle-id", bundle_id, ID_RE, "a DSS bundle id (letters, digits, '_', '-', '.')")
        elif bundle_id is not None:
            raise UsageError(f"--bundle-id {bundle_id!r} is only for rollback and redeploy modes; in {mode} mode "
                             f"the bundle id derives from the commit's content")
        repo_dir = Path(_required(args, "repo_dir", "DSS_REPO_DIR")).resolve()
        if not repo_dir.is_dir():
            raise UsageError(f"Invalid --repo-dir {str(repo_dir)!r}: not a directory")
        tests_file = Path(_required(args, "tests_file", "DSS_TESTS_FILE"))
        if tests_file.is_absolute() or ".." in tests_file.parts:
            raise UsageError(f"Invalid --tests-file {str(tests_file)!r}: give a path inside --repo-dir")
        if not (repo_dir / tests_file).is_file():
            raise UsageError(f"Invalid --tests-file {str(tests_file)!r}: no such file in {repo_dir}; the deploy "
                             f"runs it after every deployment (restore the repository's tests.py)")
        summary, output = _optional(args.summary_file), _optional(args.output_file)
        return cls(
            mode=mode,
            stage=stage,
            project_key=_match("--project-key", _required(args, "project_key", "DSS_PROJECT_KEY"), PROJECT_KEY_RE,
                               "a DSS project key (letters, digits and '_')"),
            commit_sha=_match("--commit-sha", _required(args, "commit_sha", "DSS_COMMIT_SHA"), SHA_RE,
                              "a full 40-character lowercase hex commit SHA"),
            design_url=_url("--design-url", _required(args, "design_url", "DSS_DESIGN_URL")),
            automation_url=_url("--automation-url", _required(args, "automation_url", "DSS_AUTOMATION_URL")),
            infra_id=_match("--infra-id", _required(args, "infra_id", "DSS_INFRA_ID"), ID_RE,
                            "a Project Deployer infrastructure id (letters, digits, '_', '-', '.')"),
            bundle_id=bundle_id,
            repo_dir=repo_dir,
            tests_file=tests_file,
            junit_file=_writable_file("--junit-file", Path(_required(args, "junit_file", "DSS_JUNIT_FILE"))),
            timeout=_seconds("--timeout", args.timeout),
            tests_timeout=_seconds("--tests-timeout", args.tests_timeout),
            git_remote=_match("--git-remote", _required(args, "git_remote", "DSS_GIT_REMOTE"), REMOTE_RE,
                              "a git remote name"),
            insecure_tls=bool(args.insecure_tls),
            allow_untested_export=bool(args.allow_untested_export),
            summary_file=Path(summary) if summary else None,
            output_file=Path(output) if output else None,
            run_url=run_url(environ),
            design_api_key=_secret(environ, SECRET_ENV["design_api_key"], "design-api-key"),
            automation_api_key=_secret(environ, SECRET_ENV["automation_api_key"], "automation-api-key"),
            client_certificate_pem=_certificate(environ),
            git_token=_optional(environ.get(GIT_TOKEN_ENV)),
        )


def run_url(environ: Mapping[str, str]) -> str | None:
    """The GitHub Actions run (attempt) this process belongs to, from the runner's ``GITHUB_*`` variables."""
    server, repository, run_id = (environ.get(n, "").strip() for n in
                                  ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID"))
    if not (server and repository and run_id):
        return None
    attempt = environ.get("GITHUB_RUN_ATTEMPT", "").strip()
    return f"{server}/{repository}/actions/runs/{run_id}" + (f"/attempts/{attempt}" if attempt else "")


@contextmanager
def certificate_file(settings: Settings, environ: Mapping[str, str]) -> Iterator[Path | None]:
    """The client certificate PEM written to a 0600 temporary file (requests wants a path), removed afterwards."""
    if not settings.client_certificate_pem:
        yield None
        return
    fd, name = tempfile.mkstemp(prefix="dss-client-cert-", suffix=".pem", dir=environ.get("RUNNER_TEMP") or None)
    path = Path(name)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(settings.client_certificate_pem)
        yield path
    finally:
        path.unlink(missing_ok=True)


# --- field checks ---------------------------------------------------------------------------------------------
def _optional(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _required(args: argparse.Namespace, dest: str, env: str) -> str:
    value = _optional(getattr(args, dest))
    if value is None:
        raise UsageError(f"--{dest.replace('_', '-')} is required (or set {env})")
    return value


def _choice(args: argparse.Namespace, dest: str, choices: tuple[str, ...], env: str) -> str:
    value = _required(args, dest, env)
    if value not in choices:
        raise UsageError(f"Invalid --{dest} {value!r}: choose one of {', '.join(choices)}")
    return value


def _match(flag: str, value: str, pattern: re.Pattern[str], meaning: str) -> str:
    if not pattern.match(value):
        raise UsageError(f"Invalid {flag} {value!r}: expected {meaning}")
    return value


def _url(flag: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.username or parts.password:
        raise UsageError(f"Invalid {flag}: the URL carries credentials; pass API keys through the environment only")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"Invalid {flag} {value!r}: expected an http(s) URL such as https://dss.example.com:11200")
    return value.rstrip("/")


def _writable_file(flag: str, path: Path) -> Path:
    """``path`` resolved, when it can be created or replaced: checked before anything is deployed."""
    path = path.resolve()
    if path.is_dir():
        raise UsageError(f"Invalid {flag} {str(path)!r}: it is a directory; give a file path")
    parent = next(p for p in path.parents if p.exists())
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"Invalid {flag} {str(path)!r}: {parent} is not a writable directory, so the report "
                         f"cannot be written there")
    return path


def _seconds(flag: str, value: str) -> int:
    try:
        seconds = int(str(value).strip())
    except ValueError:
        raise UsageError(f"Invalid {flag} {value!r}: expected a whole number of seconds") from None
    if not 1 <= seconds <= MAX_TIMEOUT:
        raise UsageError(f"Invalid {flag} {value!r}: expected 1 to {MAX_TIMEOUT} seconds")
    return seconds


def _secret(environ: Mapping[str, str], env: str, action_input: str) -> str:
    value = environ.get(env, "").strip()
    if not value:
        raise UsageError(f"Environment variable {env} is not set (the action's {action_input} input); API keys "
                         f"are read from the environment only")
    if any(c.isspace() for c in value):
        raise UsageError(f"Environment variable {env} contains whitespace: it does not look like an API key")
    return value


def _certificate(environ: Mapping[str, str]) -> str | None:
    pem = environ.get(CERTIFICATE_ENV, "").strip()
    if not pem:
        return None
    if "-----BEGIN " not in pem or "CERTIFICATE-----" not in pem:
        raise UsageError(f"Environment variable {CERTIFICATE_ENV} is not a PEM certificate (expected the content "
                         f"of a PEM file with '-----BEGIN CERTIFICATE-----' and the private key, not a path)")
    return pem + "\n"


def parse_arguments(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace | int:
    """The parsed flags, or the exit status once argparse printed a usage error (2) or the help (0)."""
    try:
        return parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)

"""Flags and environment, shared by the three commands (deploy, ``plugin`` and ``status``).

Every flag may fall back to an environment variable (named in its help), which is how the composite actions pass
their inputs. Secrets come ONLY from the environment, never from argv (argv shows up in ``ps`` and in logs). Each
check raises :class:`UsageError` naming the flag (or variable) and the value.
"""
from __future__ import annotations

import argparse
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from .errors import UsageError

STAGES = ("staging", "prod")
SHA_RE = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")  # infra and bundle ids
REMOTE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
MAX_TIMEOUT = 24 * 3600
CERTIFICATE_ENV = "DSS_CLIENT_CERTIFICATE"
CA_BUNDLE_ENV = "DSS_CA_BUNDLE"
GIT_TOKEN_ENV = "GITHUB_TOKEN"


class EnvironmentDefault(argparse.Action):
    """A flag whose default comes from an environment variable (twine's pattern); an empty variable is unset."""

    def __init__(self, env: str, environ: Mapping[str, str], default=None, help: str = "", **kwargs):
        value = environ.get(env, "").strip()
        super().__init__(default=value or default, help=f"{help} (env: {env})", **kwargs)
        self.env = env

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values)


def parse_arguments(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace | int:
    """The parsed flags, or the exit status once argparse printed a usage error (2) or the help (0)."""
    try:
        return parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


def optional(value: str | None) -> str | None:
    """``value`` stripped, or None when it is missing or blank."""
    return value.strip() or None if isinstance(value, str) else None


def required(args: argparse.Namespace, dest: str, env: str) -> str:
    """The flag's value; a missing one names the flag and its environment variable."""
    value = optional(getattr(args, dest))
    if value is None:
        raise UsageError(f"--{dest.replace('_', '-')} is required (or set {env})")
    return value


def choice(args: argparse.Namespace, dest: str, choices: tuple[str, ...], env: str) -> str:
    """The flag's value, one of ``choices``."""
    value = required(args, dest, env)
    if value not in choices:
        raise UsageError(f"Invalid --{dest} {value!r}: choose one of {', '.join(choices)}")
    return value


def matching(flag: str, value: str, pattern: re.Pattern[str], meaning: str) -> str:
    """``value`` when it matches ``pattern``; else an error saying what ``meaning`` was expected."""
    if not pattern.match(value):
        raise UsageError(f"Invalid {flag} {value!r}: expected {meaning}")
    return value


def http_url(flag: str, value: str) -> str:
    """An http(s) URL without credentials in it, without its trailing slash."""
    parts = urlsplit(value)
    if parts.username or parts.password:
        raise UsageError(f"Invalid {flag}: the URL carries credentials; pass API keys through the environment only")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"Invalid {flag} {value!r}: expected an http(s) URL such as https://dss.example.com:11200")
    return value.rstrip("/")


def writable_file(flag: str, path: Path) -> Path:
    """``path`` resolved, when it can be created or replaced: checked before anything is deployed."""
    path = path.resolve()
    if path.is_dir():
        raise UsageError(f"Invalid {flag} {str(path)!r}: it is a directory; give a file path")
    parent = next(p for p in path.parents if p.exists())
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"Invalid {flag} {str(path)!r}: {parent} is not a writable directory, so the report "
                         f"cannot be written there")
    return path


def whole_number(flag: str, value: str, maximum: int, unit: str = "") -> int:
    """A whole number from 1 to ``maximum``."""
    try:
        number = int(str(value).strip())
    except ValueError:
        raise UsageError(f"Invalid {flag} {value!r}: expected a whole number{unit and ' of ' + unit}") from None
    if not 1 <= number <= maximum:
        raise UsageError(f"Invalid {flag} {value!r}: expected 1 to {maximum}{unit and ' ' + unit}")
    return number


def seconds(flag: str, value: str) -> int:
    """A timeout: 1 second to a day."""
    return whole_number(flag, value, MAX_TIMEOUT, "seconds")


def secret(environ: Mapping[str, str], env: str, action_input: str) -> str:
    """An API key from the environment variable ``env`` (the action's ``action_input`` input)."""
    value = environ.get(env, "").strip()
    if not value:
        raise UsageError(f"Environment variable {env} is not set (the action's {action_input} input); API keys "
                         f"are read from the environment only")
    if any(c.isspace() for c in value):
        raise UsageError(f"Environment variable {env} contains whitespace: it does not look like an API key")
    return value


def client_certificate(environ: Mapping[str, str]) -> str | None:
    """The mTLS client certificate and key (PEM content) from ``DSS_CLIENT_CERTIFICATE``, if set."""
    pem = environ.get(CERTIFICATE_ENV, "").strip()
    if not pem:
        return None
    if "-----BEGIN " not in pem or "CERTIFICATE-----" not in pem:
        raise UsageError(f"Environment variable {CERTIFICATE_ENV} is not a PEM certificate (expected the content "
                         f"of a PEM file with '-----BEGIN CERTIFICATE-----' and the private key, not a path)")
    return pem + "\n"


def ca_bundle(environ: Mapping[str, str]) -> str | None:
    """The certificate authorities to trust for DSS's TLS certificate (PEM content) from ``DSS_CA_BUNDLE``, if set:
    what a private CA needs (``requests`` trusts only certifi's CAs, not the runner's system store)."""
    pem = environ.get(CA_BUNDLE_ENV, "").strip()
    if not pem:
        return None
    if "-----BEGIN CERTIFICATE-----" not in pem or "-----END CERTIFICATE-----" not in pem:
        raise UsageError(f"Environment variable {CA_BUNDLE_ENV} is not PEM certificates (expected the content of a "
                         f"PEM file with '-----BEGIN CERTIFICATE-----' blocks, not a path)")
    if "PRIVATE KEY" in pem:
        raise UsageError(f"Environment variable {CA_BUNDLE_ENV} holds a private key: give only the CA certificates "
                         f"(the client certificate and its key go to {CERTIFICATE_ENV}, a secret)")
    return pem + "\n"


def run_url(environ: Mapping[str, str]) -> str | None:
    """The GitHub Actions run (attempt) this process belongs to, from the runner's ``GITHUB_*`` variables."""
    server, repository, run_id = (environ.get(n, "").strip() for n in
                                  ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID"))
    if not (server and repository and run_id):
        return None
    attempt = environ.get("GITHUB_RUN_ATTEMPT", "").strip()
    return f"{server}/{repository}/actions/runs/{run_id}" + (f"/attempts/{attempt}" if attempt else "")

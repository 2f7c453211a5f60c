"""Where the engine's configuration comes from, checked before any value is read.

Pulumi's Python SDK reads a key from the config the engine passed, else from the environment variable
``PULUMI_CONFIG_<PROJECT>_<KEY>``, else from the JSON object in ``PULUMI_CONFIG``. A misspelt key in any of these
would silently leave the real key at its default, so every key of this project's namespace must be one Pulumi.yaml
declares; a close match is suggested (difflib). Values are never echoed: a misspelt key may hold a secret.
"""
from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping

import pulumi
from pulumi.runtime import config as runtime_config

HIDDEN = "[hidden]"


class ConfigError(pulumi.RunError):
    """Invalid configuration; the message is one line naming the key and the (non-secret) value."""


def env_name(project: str, key: str) -> str:
    """The environment variable Pulumi's SDK reads ``<project>:<key>`` from."""
    return runtime_config.get_config_env_key(f"{project}:{key}")


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate ``word`` is most likely a misspelling of, if any is close enough."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def config_env() -> dict:
    """The ``PULUMI_CONFIG`` JSON object (empty when unset); raise :class:`ConfigError` when malformed."""
    try:
        values = runtime_config.get_config_env()
    except ValueError as exc:
        raise ConfigError(f"PULUMI_CONFIG: is not valid JSON ({exc.args[0].split(':')[0]}) (got {HIDDEN})") \
            from None
    if not isinstance(values, dict):
        raise ConfigError(f"PULUMI_CONFIG: must be a JSON object of \"<project>:<key>\" values "
                                f"(got a JSON {type(values).__name__})")
    return values


def configured_keys(project: str) -> set[str]:
    """Keys of ``project``'s namespace set in the engine's config or in ``PULUMI_CONFIG`` (without the prefix)."""
    prefix = f"{project}:"
    keys = set(runtime_config.CONFIG.get()) | set(config_env())
    return {key[len(prefix):] for key in keys if key.startswith(prefix)}


def check_environment(project: str, declared: Iterable[str], environ: Mapping[str, str] | None = None) -> None:
    """Refuse a ``PULUMI_CONFIG_<PROJECT>_*`` variable that is no declared key's variable."""
    environ = os.environ if environ is None else environ
    known = {env_name(project, key): key for key in declared}
    prefix = env_name(project, "")
    for variable in sorted(environ):
        if variable.startswith(prefix) and variable not in known:
            suffix = closest(variable.removeprefix(prefix), [name.removeprefix(prefix) for name in known])
            hint = f", did you mean {prefix}{suffix} ({known[prefix + suffix]})? See" if suffix else ", see"
            raise ConfigError(f"{variable}: not the variable of any configuration key of {project}{hint} "
                              f"Pulumi.yaml for the keys (got {HIDDEN})")

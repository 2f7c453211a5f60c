"""DSS project key / plugin id → GitHub repository name (from a template), and the git remote URL DSS pushes to.

Templates use ``str.format`` placeholders: ``{key}`` (the key as DSS has it), ``{key_lower}`` and ``{key_slug}``
(lower case, runs of anything but letters, digits and dots turned into one ``-``: ``SALES_FORECAST`` →
``sales-forecast``); characters GitHub refuses in a rendered name become ``-``. GitHub compares repository names without
case, so two keys whose names differ only by case collide too; a collision is an error, never a silent merge.
"""
from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass

import pulumi

from . import git_url

PLACEHOLDERS = ("key", "key_lower", "key_slug")
REMOTE_PLACEHOLDERS = ("owner", "repository")
MAX_NAME = 100  # GitHub's limit on repository names
_REPO_CHARS = re.compile(r"[A-Za-z0-9_.-]")
_NOT_REPO_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")
_NOT_SLUG_CHARS = re.compile(r"[^a-z0-9.]+")


class NamingError(pulumi.RunError):
    """Discovered keys cannot all get a distinct, valid repository name."""


def _fields(template: str) -> list[str]:
    """Placeholder names of ``template``; ValueError on broken braces, conversions or format specs."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"is not a valid template: {exc}") from None
    fields = []
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if spec or conversion:
            raise ValueError(f"placeholder {{{field}}} must not carry a conversion or a format spec")
        fields.append(field)
    return fields


def slug(key: str) -> str:
    """Lower case; runs of anything but letters, digits and dots (``_`` included) become one ``-``."""
    return _NOT_SLUG_CHARS.sub("-", key.lower()).strip("-")


def _render(template: str, key: str) -> str:
    name = template.format(key=key, key_lower=key.lower(), key_slug=slug(key))
    return _NOT_REPO_CHARS.sub("-", name)


def _name_problem(name: str) -> str | None:
    if not name or name in (".", ".."):
        return "is not a repository name"
    if len(name) > MAX_NAME:
        return f"is longer than {MAX_NAME} characters"
    if name.lower().endswith(".git"):
        return "ends with .git"
    return None


def check_template(template: str) -> None:
    """Raise ValueError(reason) unless ``template`` can name repositories."""
    fields = _fields(template)
    unknown = sorted(set(fields) - set(PLACEHOLDERS))
    if unknown:
        raise ValueError(f"unknown placeholder {{{unknown[0]}}}; use {{key}}, {{key_lower}} or {{key_slug}}")
    if not fields:
        raise ValueError("must contain {key}, {key_lower} or {key_slug}, else every project gets the same name")
    literal = "".join(text for text, *_ in string.Formatter().parse(template))
    bad = sorted({c for c in literal if not _REPO_CHARS.fullmatch(c)})
    if bad:
        raise ValueError(f"may only contain letters, digits, '.', '_', '-' around placeholders, not {bad[0]!r}")
    problem = _name_problem(_render(template, "SAMPLE_KEY"))
    if problem:
        raise ValueError(f"gives a name that {problem}")


def check_remote_template(template: str) -> None:
    """Raise ValueError(reason) unless ``template`` renders an allowed, credential-free git URL per repository
    (see :mod:`components.git_url`)."""
    fields = _fields(template)
    unknown = sorted(set(fields) - set(REMOTE_PLACEHOLDERS))
    if unknown:
        raise ValueError(f"unknown placeholder {{{unknown[0]}}}; use {{owner}} and {{repository}}")
    if "repository" not in fields:
        raise ValueError("must contain {repository}")
    git_url.check(remote_url(template, "sample-owner", "sample-repository"))


def remote_url(template: str, owner: str, repository: str) -> str:
    """The git remote URL of ``repository``."""
    return template.format(owner=owner, repository=repository)


@dataclass(frozen=True)
class RepositoryNames:
    """Repository name per project key and per plugin id."""

    projects: dict[str, str]
    plugins: dict[str, str]


def repository_names(project_keys: Iterable[str], plugin_ids: Iterable[str], project_template: str,
                     plugin_template: str) -> RepositoryNames:
    """Name every repository; raise :class:`NamingError` on an invalid name or on two keys sharing one name."""
    taken: dict[str, tuple[str, str, str, str]] = {}  # lower-case name -> (kind, key, config key, template)
    result: dict[str, dict[str, str]] = {"project": {}, "plugin": {}}
    sources = [("project", k, "repositoryNameTemplate", project_template) for k in project_keys]
    sources += [("plugin", p, "pluginRepositoryNameTemplate", plugin_template) for p in plugin_ids]
    for kind, key, config_key, template in sources:
        name = _render(template, key)
        problem = _name_problem(name)
        if problem:
            raise NamingError(f"{config_key}: {kind} {key} gets repository name {name!r}, which {problem} "
                              f"(got {template!r})")
        other = taken.get(name.lower())
        if other:
            other_kind, other_key, other_config_key, other_template = other
            keys = config_key if other_config_key == config_key else f"{other_config_key} / {config_key}"
            shown = repr(template) if other_template == template else f"{other_template!r} / {template!r}"
            raise NamingError(f"{keys}: {other_kind} {other_key} and {kind} {key} both map to repository "
                              f"{name!r} (GitHub names ignore case) (got {shown})")
        taken[name.lower()] = (kind, key, config_key, template)
        result[kind][key] = name
    return RepositoryNames(projects=result["project"], plugins=result["plugin"])

"""Discover the DSS projects and dev plugins to manage, in at most 3 requests whatever their number.

One ``GET /projects/`` (items carry key, name, tags), one ``GET /project-folders/{id}`` when a folder filter is set,
one ``GET /plugins/`` when plugin repositories are on. Never one request per project: only a project the last run
managed and DSS no longer lists is asked about, once (:func:`project_presence`, for the removal decision). Any DSS
error, a timeout, or an answer of the wrong shape, raises :class:`DiscoveryError`: discovery never returns an empty
or partial list on failure (a failed program makes Pulumi delete nothing).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, TypeVar
from urllib.parse import quote

import pulumi
import requests
from dataikuapi import DSSClient
from dataikuapi.utils import DataikuException

from . import dss_http

T = TypeVar("T")


class DiscoveryError(pulumi.RunError):
    """DSS could not be listed; nothing is declared, so nothing is removed."""


@dataclass(frozen=True)
class DssProject:
    key: str
    name: str
    short_desc: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class DssPlugin:
    id: str
    version: str
    label: str


@dataclass(frozen=True)
class ProjectFilter:
    """Which projects are managed: key globs, required tags, one project folder (its direct projects)."""

    include: tuple[str, ...] = ("*",)
    exclude: tuple[str, ...] = ()
    required_tags: tuple[str, ...] = ()
    folder: str = ""

    def accepts(self, project: DssProject, folder_keys: frozenset[str] | None) -> bool:
        return (any(fnmatchcase(project.key, g) for g in self.include)
                and not any(fnmatchcase(project.key, g) for g in self.exclude)
                and set(self.required_tags) <= set(project.tags)
                and (folder_keys is None or project.key in folder_keys))


@dataclass(frozen=True)
class Inventory:
    """What DSS holds that the program manages, sorted by key."""

    projects: tuple[DssProject, ...]
    plugins: tuple[DssPlugin, ...]
    listed_projects: frozenset[str] = frozenset()
    """Every project key DSS listed, before the filters."""
    listed_plugins: frozenset[str] = frozenset()
    """Every dev plugin id DSS listed."""


def discover(client: DSSClient, project_filter: ProjectFilter, include_plugins: bool) -> Inventory:
    """List, filter and sort the projects (and dev plugins); raise :class:`DiscoveryError` on any failure."""
    items = _call("GET /projects/", client.list_projects, client)
    projects = _parse("GET /projects/", items, _project)
    folder_keys = None
    if project_filter.folder:
        folder = _call(f"GET /project-folders/{project_filter.folder}",
                       lambda: client.get_project_folder(project_filter.folder).list_project_keys(), client)
        folder_keys = frozenset(_strings(f"GET /project-folders/{project_filter.folder}", folder, "projectKeys"))
    plugins: list[DssPlugin] = []
    if include_plugins:
        plugin_items = _call("GET /plugins/", client.list_plugins, client)
        plugins = [p for p in _parse("GET /plugins/", plugin_items, _plugin) if p is not None]
    kept = [p for p in projects if project_filter.accepts(p, folder_keys)]
    return Inventory(projects=tuple(sorted(kept, key=lambda p: p.key)),
                     plugins=tuple(sorted(plugins, key=lambda p: p.id)),
                     listed_projects=frozenset(p.key for p in projects),
                     listed_plugins=frozenset(p.id for p in plugins))


ABSENT, FORBIDDEN, READABLE = "absent", "forbidden", "readable"  # what project_presence answers


def project_presence(client: DSSClient, project_key: str) -> str:
    """What DSS answers for a project it did not list: ``"absent"`` (404), ``"forbidden"`` (403) or ``"readable"``
    (200), from ``GET /projects/{key}``; any other answer raises :class:`DiscoveryError`.

    The statuses are inferred (DSS documents none): an unexpected one stops the run rather than remove anything.
    """
    what = f"GET /projects/{project_key}"
    url = f"{client.host}/dip/publicapi/projects/{quote(project_key, safe='')}"
    response = _call(what, lambda: client._session.get(url), client)
    presence = {404: ABSENT, 403: FORBIDDEN, 200: READABLE}.get(response.status_code)
    if presence is None:
        raise DiscoveryError(f"DSS discovery failed: {what} answered HTTP {response.status_code}; nothing was "
                             "changed")
    return presence


def _call(what: str, fn: Callable[[], T], client: DSSClient) -> T:
    try:
        return fn()
    except DataikuException as exc:
        raise DiscoveryError(f"DSS discovery failed: {what} answered {exc}; nothing was changed") from None
    except requests.Timeout:
        raise DiscoveryError(f"DSS discovery failed: {what} got no answer from {client.host} within "
                             f"{dss_http.timeout_of(client)} s (dssTimeoutSeconds); nothing was changed") from None
    except requests.RequestException as exc:
        raise DiscoveryError(f"DSS discovery failed: {what} could not reach DSS ({type(exc).__name__}: "
                             f"{_first_line(exc)}); nothing was changed") from None
    except ValueError as exc:  # a body that is not JSON
        raise DiscoveryError(f"DSS discovery failed: {what} did not answer JSON ({exc}); nothing was changed") \
            from None


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else ""


def _parse(what: str, items: Any, parse_item: Callable[[dict], T]) -> list[T]:
    if not isinstance(items, list):
        raise DiscoveryError(f"DSS discovery failed: {what} answered {type(items).__name__}, not a list; "
                             "nothing was changed")
    parsed = []
    for index, item in enumerate(items):
        try:
            parsed.append(parse_item(item))
        except (KeyError, TypeError, ValueError) as exc:
            raise DiscoveryError(f"DSS discovery failed: {what} item {index} is malformed ({exc}); "
                                 "nothing was changed") from None
    return parsed


def _strings(what: str, values: Any, field: str) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise DiscoveryError(f"DSS discovery failed: {what} has no list of strings in {field}; nothing was changed")
    return values


def _text(item: dict, field: str, default: str | None = None) -> str:
    value = item.get(field, default)
    if not isinstance(value, str) or (default is None and not value):
        raise ValueError(f"{field} must be a non-empty string, got {value!r}")
    return value


def _tags(values: Iterable[Any]) -> tuple[str, ...]:
    tags = tuple(values)
    if not all(isinstance(t, str) for t in tags):
        raise ValueError(f"tags must be strings, got {tags!r}")
    return tags


def _project(item: dict) -> DssProject:
    key = _text(item, "projectKey")
    return DssProject(key=key, name=_text(item, "name", key) or key, short_desc=_text(item, "shortDesc", ""),
                      tags=_tags(item.get("tags") or ()))


def _plugin(item: dict) -> DssPlugin | None:
    """A dev plugin, or None for an installed (non-dev) one."""
    plugin_id = _text(item, "id")
    if not item.get("isDev"):
        return None
    meta = item.get("meta") or {}
    return DssPlugin(id=plugin_id, version=str(item.get("version") or ""), label=str(meta.get("label") or plugin_id))

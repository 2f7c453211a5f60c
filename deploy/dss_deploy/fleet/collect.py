"""Read the fleet from the design node and its Project Deployer, with as few requests as the API allows.

Whatever the number of projects (flat): the project list, the infra list and the published projects (their
packages and deployments, per infra) — 3 requests. Per project, because DSS has no bulk form: the design
project's git status and its tags (2). Per deployment on the staging / prod infras: status (``get_status``: 2),
testing status of the deployed bundle (1) and update history (1); plus its settings (1) only when the published
project's deployment list does not carry ``bundleId``. Per-project reads run on a thread pool.

Evidence: the published-project status lists ``deployments`` with ``id`` and ``infraId`` and ``packages`` with
``id`` and ``publishedOn`` (dataikuapi ``DSSProjectDeployerProjectStatus``, EV-B11); the git status carries
``hasUncommittedChanges`` and ``trackingCount`` (``DSSProjectGit.get_status``); update list items carry
``startTimestamp`` and ``status`` (``list_updates``). Read when present, **not documented**: ``bundleId`` on a
deployment list item (falls back to the settings) and on an update record (without it, "ever active on staging"
narrows to the current staging bundle, see flags.py); the ``dss-bundle-<KEY>-<id>`` tag name (EV-B05, inferred).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import requests
from dataikuapi import DSSClient
from dataikuapi.utils import DataikuException

from ..bundles import bundle_tag
from ..errors import UsageError, dss_call, is_not_found
from .facts import Deployment, DesignGit, Fleet, Project, Update, to_datetime

T = TypeVar("T")


class Reads:
    """Per-project reads that must not stop the report: a failure is recorded, the value is ``None``."""

    def __init__(self):
        self.errors: list[str] = []

    def __call__(self, what: str, read: Callable[[], T], missing_ok: bool = False) -> T | None:
        try:
            return read()
        except DataikuException as exc:
            if not (missing_ok and is_not_found(exc)):  # e.g. a DSS without the route (testing status: 14.1+)
                self.errors.append(f"{what}: {exc}")
        except requests.RequestException as exc:
            self.errors.append(f"{what}: cannot reach DSS ({type(exc).__name__})")
        return None


def collect(client: DSSClient, infras: Mapping[str, str],
            repositories: Mapping[str, tuple[str, str | None]] | None = None, workers: int = 8,
            now: datetime | None = None) -> Fleet:
    """Read every design project; ``repositories`` (stack outputs: key -> (name, url)) when given."""
    deployer = client.get_projectdeployer()
    with dss_call("Listing the projects of the design node"):
        projects = sorted(client.list_projects(), key=lambda p: p["projectKey"])
    with dss_call("Listing the Project Deployer's infrastructures"):
        known = sorted(i["infraBasicInfo"]["id"] for i in deployer.list_infras(as_objects=False))
    for stage, infra_id in infras.items():
        if infra_id not in known:
            raise UsageError(f"Invalid --{stage}-infra-id {infra_id!r}: the Project Deployer has no such "
                             f"infrastructure (it has: {', '.join(known) or 'none'})")
    with dss_call("Listing the published projects of the Project Deployer"):
        published = _by_design_key(deployer.list_projects(as_objects=False))

    def read(item: dict) -> Project:
        key = item["projectKey"]
        return _project(client, key, item.get("name") or key, published.get(key, ([], [])), infras,
                        repositories)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        read_projects = tuple(pool.map(read, projects))
    return Fleet(client.host, dict(infras), now or datetime.now(UTC), read_projects)


def _by_design_key(statuses: list[dict]) -> dict[str, tuple[list[dict], list[dict]]]:
    """Design project key -> (packages, deployments) over its published projects."""
    found: dict[str, tuple[list[dict], list[dict]]] = {}
    for status in statuses:
        packages = list(status.get("packages") or [])
        origins = {(p.get("designNodeInfo") or {}).get("projectKey") for p in packages} - {None}
        key = origins.pop() if len(origins) == 1 else status["projectBasicInfo"]["id"]
        entry = found.setdefault(key, ([], []))
        entry[0].extend(packages)
        entry[1].extend(status.get("deployments") or [])
    return found


def _project(client: DSSClient, key: str, name: str, published: tuple[list[dict], list[dict]],
             infras: Mapping[str, str], repositories: Mapping[str, tuple[str, str | None]] | None) -> Project:
    reads = Reads()
    git = client.get_project(key).get_project_git()
    status = reads("git status", git.get_status)
    tags = reads("git tags", git.list_tags) or []
    design = _design_git(status) if status is not None else None
    if repositories is not None:
        source = "stack outputs"
        repository, url = repositories.get(key, (None, None))
    else:
        source, url = "DSS git remote", design.remote_url if design else None
        repository = _repository_name(url) if url else None
    packages, deployments = published
    deployer = client.get_projectdeployer()
    stages = {stage: _deployment(deployer, key, infra_id, deployments, reads) for stage, infra_id in infras.items()}
    return Project(key=key, name=name, repository=repository, repository_url=url, repository_source=source,
                   git=design, bundle_commits=_bundle_commits(key, tags),
                   published={p["id"]: to_datetime(p.get("publishedOn")) for p in packages if p.get("id")},
                   staging=stages.get("staging"), prod=stages.get("prod"), errors=tuple(reads.errors))


def _design_git(status: dict) -> DesignGit:
    remotes = status.get("remotes") or []
    remote = next((r for r in remotes if r.get("name") == "origin"), remotes[0] if remotes else None)
    tracking = status.get("trackingCount") or {}
    return DesignGit(branch=status.get("currentBranch"), remote_url=_safe_url(remote.get("url")) if remote else None,
                     uncommitted=bool(status.get("hasUncommittedChanges")) or status.get("clean") is False,
                     ahead=int(tracking.get("ahead") or 0), behind=int(tracking.get("behind") or 0))


def _safe_url(url: str | None) -> str | None:
    """A remote URL without any user or token in it (``https://user:token@host/...`` -> ``https://host/...``)."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme and parts.hostname and (parts.username or parts.password):
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return url


def _repository_name(url: str) -> str:
    last = url.rstrip("/").replace(":", "/").rsplit("/", 1)[-1]
    return last[:-4] if last.endswith(".git") else last


def _bundle_commits(key: str, tags: list[dict]) -> dict[str, str]:
    prefix = bundle_tag(key, "")
    commits = {}
    for tag in tags:
        name = (tag.get("shortName") or tag.get("name") or "").removeprefix("refs/tags/")
        if name.startswith(prefix) and tag.get("commit"):
            commits[name[len(prefix):]] = tag["commit"]
    return commits


def _deployment(deployer, key: str, infra_id: str, items: list[dict], reads: Reads) -> Deployment | None:
    """The project's deployment on ``infra_id`` (``<KEY>-on-<infra>`` if several, as the deploy script picks)."""
    found = {d["id"]: d for d in items if d.get("infraId") == infra_id and d.get("id")}
    if not found:
        return None
    default = f"{key}-on-{infra_id}"
    chosen = default if default in found else min(found)
    handle = deployer.get_deployment(chosen)
    bundle_id = found[chosen].get("bundleId") or getattr(
        reads(f"settings of deployment {chosen}", handle.get_settings), "bundle_id", None)
    status = reads(f"status of deployment {chosen}", handle.get_status)
    tests = reads(f"testing status of deployment {chosen}", lambda: handle.get_testing_status(bundle_id),
                  missing_ok=True) if bundle_id else None
    history = reads(f"update history of deployment {chosen}", handle.list_updates) or []
    updates = tuple(sorted((Update(to_datetime(u.get_raw().get("startTimestamp")), str(u.get_raw().get("status")),
                                   u.get_raw().get("bundleId")) for u in history),
                           key=lambda u: u.started or datetime.min.replace(tzinfo=UTC)))
    messages = ()
    if status is not None:
        raw = (status.get_heavy().get("healthMessages") or {}).get("messages") or []
        messages = tuple(f"{m.get('severity')}: {m.get('message')}" for m in raw)
    return Deployment(id=chosen, infra_id=infra_id, bundle_id=bundle_id,
                      health=status.get_heavy().get("health") if status is not None else None,
                      health_messages=messages,
                      tests=dict(tests.get_raw().get("nbScenariosPerOutcome") or {}) if tests is not None else None,
                      updates=updates, others=tuple(sorted(set(found) - {chosen})))

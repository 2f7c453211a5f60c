"""Client side of seeding: ``python -m dss_emulator seed`` and the demo drive a running emulator with it."""
from __future__ import annotations

from collections.abc import Iterator

import requests
from dataikuapi import DSSClient
from dataikuapi.utils import DataikuException

SYNTHETIC_CHUNK = 250  # projects per control request: a progress line every few seconds, no HTTP timeout
TIMEOUT = 300


class SeedError(Exception):
    """Seeding failed: the instance is unreachable, the key is refused, or the request was rejected."""


def _control(url: str, api_key: str, body: dict) -> dict:
    try:
        resp = requests.post(f"{url.rstrip('/')}/__emulator__/seed", json=body, auth=(api_key, ""), timeout=TIMEOUT)
    except requests.RequestException as exc:
        raise SeedError(f"cannot reach {url}: {exc}") from None
    if resp.status_code >= 400:
        try:
            message = resp.json().get("detailedMessage") or resp.json().get("message")
        except ValueError:
            message = resp.text[:200]
        raise SeedError(f"seed request refused by {url} (HTTP {resp.status_code}): {message}")
    return resp.json()


def seed_instance(url: str, api_key: str, sample: bool = False, synthetic: int | None = None) -> Iterator[str]:
    """Seed the instance at ``url`` (``api_key`` must be an admin key), yielding one progress line per step.

    ``sample``: the demo projects and plugin (:mod:`dss_emulator.samples`). ``synthetic``: that many small
    projects ``SYNTH_00001`` …, created server side in chunks of :data:`SYNTHETIC_CHUNK`.
    """
    if not sample and not synthetic:
        raise SeedError("nothing to seed: ask for sample=True or synthetic=N")
    if synthetic is not None and (isinstance(synthetic, bool) or not isinstance(synthetic, int) or synthetic < 1):
        raise SeedError(f"synthetic must be a positive number of projects, got {synthetic!r}")
    try:
        info = DSSClient(url, api_key).get_instance_info()
        node = f"{info.node_name} ({info.node_type.lower()})"
    except DataikuException as exc:
        raise SeedError(f"{url} refused the API key: {exc}") from None
    except requests.RequestException as exc:
        raise SeedError(f"cannot reach {url}: {exc}") from None
    yield f"seeding {node} at {url}"
    if sample:
        result = _control(url, api_key, {"sample": True})
        for project in result["projects"]:
            state = "created" if project["created"] else "already there"
            yield f"  project {project['summary']} — {state}"
        for plugin in result["plugins"]:
            kind = "development plugin" if plugin["dev"] else "plugin"
            yield f"  {kind} {plugin['id']} — {'created' if plugin['created'] else 'already there'}"
    if synthetic:
        done = created = 0
        while done < synthetic:
            chunk = min(SYNTHETIC_CHUNK, synthetic - done)
            result = _control(url, api_key, {"synthetic": chunk, "offset": done})
            done += chunk
            created += result["created"]
            yield f"  synthetic projects: {done}/{synthetic} (up to {result['last']}, {created} created)"

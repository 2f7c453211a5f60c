"""Project Deployer infras: a stage and the automation node (URL + admin key) deployments go to.

Infras come from the serve configuration (``automation_node`` = an instance of the same process, resolved with
``peer_lookup``, or ``url`` + ``api_key``) and may be created or edited through the API. The admin API
key is never answered in clear: settings show :data:`MASKED_KEY`, and saving that value keeps the stored key.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path

from ..bundles.automation import connection_remapping
from ..config import InfraConfig
from ..core.exceptions import InvalidValue
from ..core.storage import read_json, write_json
from .exceptions import (
    IdFixed,
    InfraAlreadyExists,
    InfraNotFound,
    InfraWithoutNode,
    InvalidAdminApiKey,
    InvalidInfraId,
    NodeNotServed,
)

PeerLookup = Callable[[str], tuple[str, str]]  # instance name -> (url, admin key), for nodes of the same process

GOVERN_POLICIES = ("NO_CHECK", "WARN", "PREVENT")
DEFAULT_STAGES = ("Development", "Test", "Production")
INFRA_ID_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")
MASKED_KEY = "**masked by the DSS emulator**"


def check_container_settings(container: object) -> None:
    """``bundleContainerSettings`` of an infra or a deployment: an object with a valid ``remapping`` (400 if not)."""
    if not isinstance(container, dict):
        raise InvalidValue("bundleContainerSettings", container, "expected an object")
    connection_remapping(container.get("remapping"))


def _from_config(config: InfraConfig) -> dict:
    return {"id": config.id, "stage": config.stage, "governCheckPolicy": "NO_CHECK",
            "automationNode": config.automation_node, "automationNodeUrl": config.url,
            "automationNodeExternalUrl": None, "adminApiKey": config.api_key, "trustAllSSLCertificates": False,
            "permissions": [], "autoconfigureFromNodesDirectory": False, "nodeId": config.automation_node}


class Infras:
    """The deployer's infras, persisted in ``<node>/deployer/infras.json``.

    Collaborators: the ``configured`` infras (serve configuration) and ``peer_lookup``, which resolves the automation
    nodes served by the same process (``None`` when there are none)."""

    def __init__(self, root: Path, configured: tuple[InfraConfig, ...], peer_lookup: PeerLookup | None):
        self.peer_lookup = peer_lookup
        self._path = root / "deployer" / "infras.json"
        self._lock = threading.RLock()
        stored = read_json(self._path, {})
        for config in configured:  # infras edited through the API keep their edits
            stored.setdefault(config.id, _from_config(config))
        write_json(self._path, stored)
        self._infras: dict[str, dict] = stored

    def ids(self) -> list[str]:
        with self._lock:
            return sorted(self._infras)

    def _get(self, infra_id: str) -> dict:
        infra = self._infras.get(infra_id)
        if infra is None:
            raise InfraNotFound(infra_id)
        return infra

    def target(self, infra_id: str) -> tuple[str, str]:
        """URL and API key of the infra's automation node."""
        infra = self._get(infra_id)
        node = infra.get("automationNode")
        if node:
            if self.peer_lookup is None:
                raise NodeNotServed(infra_id, node)
            try:
                return self.peer_lookup(node)
            except KeyError:
                raise NodeNotServed(infra_id, node) from None
        if not infra.get("automationNodeUrl") or not infra.get("adminApiKey"):
            raise InfraWithoutNode(infra_id)
        return infra["automationNodeUrl"], infra["adminApiKey"]

    def _url(self, infra: dict) -> str | None:
        node = infra.get("automationNode")
        if node and self.peer_lookup is not None:
            try:
                return self.peer_lookup(node)[0]
            except KeyError:
                return None
        return infra.get("automationNodeUrl")

    def basic_info(self, infra_id: str) -> dict:
        infra = self._get(infra_id)
        return {"id": infra["id"], "stage": infra["stage"], "governCheckPolicy": infra["governCheckPolicy"],
                "automationNodeUrl": self._url(infra), "automationNodeExternalUrl": infra["automationNodeExternalUrl"]}

    def settings(self, infra_id: str) -> dict:
        """The settings with the admin API key masked (``adminApiKeyIsMasked`` says so)."""
        with self._lock:
            infra = dict(self._get(infra_id))
            has_key = bool(infra.pop("automationNode") or infra.get("adminApiKey"))
            infra["automationNodeUrl"] = self._url(self._infras[infra_id])
            infra["adminApiKey"] = MASKED_KEY if has_key else None
            infra["adminApiKeyIsMasked"] = has_key
            return infra

    def save_settings(self, infra_id: str, body: dict) -> None:
        """Save edited settings; a changed ``automationNodeUrl`` makes the infra target that URL explicitly."""
        with self._lock:
            infra = self._get(infra_id)
            if body.get("id", infra_id) != infra_id:
                raise IdFixed("infra", infra_id, body.get("id"))
            updated = dict(infra)
            for field in ("stage", "governCheckPolicy", "automationNodeExternalUrl", "trustAllSSLCertificates",
                          "permissions", "autoconfigureFromNodesDirectory", "nodeId", "bundleContainerSettings"):
                if field in body:
                    updated[field] = body[field]
            self._check(updated)
            url = body.get("automationNodeUrl")
            if url and url != self._url(infra):
                if infra.get("automationNode"):
                    updated["adminApiKey"] = self.target(infra_id)[1]
                updated.update(automationNode=None, automationNodeUrl=url)
            key = body.get("adminApiKey")
            if key not in (None, MASKED_KEY):
                if not isinstance(key, str) or not key:
                    raise InvalidAdminApiKey()
                if updated.get("automationNode"):
                    updated.update(automationNode=None, automationNodeUrl=self._url(infra))
                updated["adminApiKey"] = key
            self._infras[infra_id] = updated
            write_json(self._path, self._infras)

    def remapping(self, infra_id: str) -> dict:
        """The infra-level connection remapping (EV-C02; field name as in deployment settings: inferred)."""
        with self._lock:
            return ((self._get(infra_id).get("bundleContainerSettings") or {}).get("remapping") or {})

    def add_remapping(self, source: str, target: str) -> None:
        """Remap connection ``source`` to ``target`` on every infra that does not remap ``source`` yet (seeding)."""
        with self._lock:
            for infra in self._infras.values():
                remapping = infra.setdefault("bundleContainerSettings", {}).setdefault("remapping", {})
                entries = remapping.setdefault("connections", [])
                if not any(e.get("source") == source for e in entries):
                    entries.append({"source": source, "target": target})
            write_json(self._path, self._infras)

    @staticmethod
    def _check(infra: dict) -> None:
        if not isinstance(infra.get("stage"), str) or not infra["stage"]:
            raise InvalidValue("stage", infra.get("stage"), "stage must be a non-empty string")
        if infra.get("governCheckPolicy") not in GOVERN_POLICIES:
            raise InvalidValue("governCheckPolicy", infra.get("governCheckPolicy"),
                               f"expected one of {', '.join(GOVERN_POLICIES)}")
        if infra.get("bundleContainerSettings") is not None:
            check_container_settings(infra["bundleContainerSettings"])

    def create(self, infra_id: object, stage: object, govern_policy: object) -> None:
        """A new infra without an automation node (set its URL and key through its settings)."""
        if not isinstance(infra_id, str) or not INFRA_ID_RE.match(infra_id):
            raise InvalidInfraId(infra_id)
        infra = {"id": infra_id, "stage": stage, "governCheckPolicy": govern_policy or "NO_CHECK",
                 "automationNode": None, "automationNodeUrl": None, "automationNodeExternalUrl": None,
                 "adminApiKey": None, "trustAllSSLCertificates": False, "permissions": [],
                 "autoconfigureFromNodesDirectory": False, "nodeId": None}
        self._check(infra)
        with self._lock:
            if infra_id in self._infras:
                raise InfraAlreadyExists(infra_id)
            self._infras[infra_id] = infra
            write_json(self._path, self._infras)

    def delete(self, infra_id: str) -> None:
        with self._lock:
            self._get(infra_id)
            del self._infras[infra_id]
            write_json(self._path, self._infras)

    def stages(self) -> list[dict]:
        with self._lock:
            names = list(DEFAULT_STAGES) + [i["stage"] for i in self._infras.values()]
        return [{"id": name, "desc": ""} for name in dict.fromkeys(names)]

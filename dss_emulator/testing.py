"""Helpers for code that drives a running emulator: clients, control calls, seeding."""
from __future__ import annotations

import requests
from dataikuapi import DSSClient

from .server import EmulatorServer


class EmulatorHandle:
    """A running emulator as tests and the demo see it: URLs, keys, clients and the control API."""

    def __init__(self, server: EmulatorServer, verify: bool | str = True):
        self.server = server
        self.verify = verify
        """What the handle's own requests verify an HTTPS instance against (``requests``' ``verify``)."""

    def url(self, name: str = "design") -> str:
        return self.server.url(name)

    def admin_key(self, name: str = "design") -> str:
        return self.server.instances[name].config.admin_key

    def client(self, name: str = "design", api_key: str | None = None) -> DSSClient:
        """A real ``dataikuapi`` client for instance ``name`` (admin key unless ``api_key`` is given)."""
        client = DSSClient(self.url(name), api_key or self.admin_key(name))
        client._session.verify = self.verify  # DSSClient takes no CA bundle; its session is requests'
        return client

    def control(self, name: str, method: str, path: str, body: dict | None = None) -> dict:
        """Call the control API (``/__emulator__/...``) of instance ``name`` and return its JSON answer."""
        resp = requests.request(method, f"{self.url(name)}/__emulator__/{path.lstrip('/')}", json=body,
                                auth=(self.admin_key(name), ""), timeout=60, verify=self.verify)
        resp.raise_for_status()
        return resp.json()

    def create_api_key(self, name: str = "design", **spec) -> str:
        return self.control(name, "POST", "api-keys", spec)["key"]

    def recording(self):
        """Context manager collecting the ``(method, route path)`` pairs served inside it (see ``coverage``)."""
        return self.server.recording()

    def reset(self) -> None:
        for inst in self.server.instances.values():
            inst.reset()

    def take_errors(self) -> list[str]:
        errors = []
        for inst in self.server.instances.values():
            errors.extend(f"[{inst.name}] {e}" for e in inst.errors)
            inst.errors.clear()
        return errors

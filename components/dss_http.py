"""The DSS client the program uses (discovery and onboarding): every request has connect and read timeouts.

``dataikuapi`` sends its requests through a ``requests`` session without a timeout, so a node that accepts the
connection and never answers would hold the run forever. A transport adapter gives every request of the session
the configured limit (config ``dssTimeoutSeconds``) unless a call sets its own.
"""
from __future__ import annotations

from typing import Any

import requests
from dataikuapi import DSSClient
from requests.adapters import HTTPAdapter

CONNECT_TIMEOUT_CAP = 10.0  # seconds: a node that takes longer to accept a connection is unreachable


class _TimeoutAdapter(HTTPAdapter):
    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = (min(CONNECT_TIMEOUT_CAP, self.seconds), self.seconds)
        return super().send(request, **kwargs)


def with_timeouts(client: DSSClient, timeout_seconds: float) -> DSSClient:
    """``client``, whose requests now give up after ``timeout_seconds`` without an answer (connecting: at most
    ``CONNECT_TIMEOUT_CAP``)."""
    adapter = _TimeoutAdapter(timeout_seconds)
    client._session.mount("http://", adapter)
    client._session.mount("https://", adapter)
    return client


def timeout_of(client: DSSClient) -> float | None:
    """The per-request limit :func:`with_timeouts` gave ``client`` (None for a client made otherwise)."""
    adapter = client._session.get_adapter(client.host)
    return adapter.seconds if isinstance(adapter, _TimeoutAdapter) else None

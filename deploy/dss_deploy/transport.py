"""DSS clients whose every HTTP request has a connect and a read timeout, bounded by the current deadline.

``dataikuapi`` sends its requests without a timeout, so a node that accepts connections and never answers would
hold a run forever. Each client's ``requests`` session gets an adapter that gives every request
``(connect, read)`` timeouts: at most :data:`CONNECT_SECONDS` to connect and ``--timeout`` to answer, and never
past the deadline of the wait in progress (an update, a rollback). A request with no time left fails at once.
The same adapter verifies DSS's certificate against ``DSS_CA_BUNDLE`` when given (:class:`Tls`, :func:`tls_files`).
"""
from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from dataikuapi import DSSClient
from requests.adapters import HTTPAdapter

CONNECT_SECONDS = 10.0


class RequestBudget:
    """How long one request may take now: ``request_seconds``, cut at the innermost active deadline."""

    def __init__(self, request_seconds: float):
        self.request_seconds = float(request_seconds)
        self._deadlines: list[float] = []

    def remaining(self) -> float:
        """Seconds a request started now may take."""
        left = self.request_seconds
        if self._deadlines:
            left = min(left, self._deadlines[-1] - time.monotonic())
        return left

    def timeouts(self) -> tuple[float, float]:
        left = self.remaining()
        if left <= 0:
            raise requests.Timeout("no time left before the deadline of the current step")
        return min(CONNECT_SECONDS, left), left

    @contextmanager
    def until(self, deadline: float) -> Iterator[None]:
        """Within the block, no request outlives ``deadline`` (a ``time.monotonic()`` value)."""
        self._deadlines.append(min([deadline] + self._deadlines[-1:]))
        try:
            yield
        finally:
            self._deadlines.pop()


@dataclass(frozen=True)
class Tls:
    """How requests to DSS are secured: verification off (``insecure``), the CA file to trust instead of certifi's,
    the client certificate file (mTLS)."""

    insecure: bool = False
    ca_bundle: Path | None = None
    certificate: Path | None = None


@contextmanager
def tls_files(settings, environ: Mapping[str, str]) -> Iterator[Tls]:
    """``settings``' TLS material (``insecure_tls``, ``ca_bundle_pem``, ``client_certificate_pem``) as a
    :class:`Tls`, the PEM contents written to 0600 temporary files (requests wants paths), removed afterwards."""
    with ExitStack() as files:
        def pem_file(content: str | None, prefix: str) -> Path | None:
            if not content:
                return None
            fd, name = tempfile.mkstemp(prefix=prefix, suffix=".pem", dir=environ.get("RUNNER_TEMP") or None)
            path = Path(name)
            files.callback(path.unlink, missing_ok=True)
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(content)
            return path

        yield Tls(settings.insecure_tls, pem_file(settings.ca_bundle_pem, "dss-ca-bundle-"),
                  pem_file(settings.client_certificate_pem, "dss-client-cert-"))


class TimeoutAdapter(HTTPAdapter):
    """Transport adapter that replaces the (missing) timeout of each request by the budget's and, given a CA file,
    verifies against it (whatever ``REQUESTS_CA_BUNDLE`` says: an explicit ``DSS_CA_BUNDLE`` wins)."""

    def __init__(self, budget: RequestBudget, ca_bundle: Path | None = None):
        super().__init__()
        self.budget = budget
        self.ca_bundle = ca_bundle

    def send(self, request, timeout=None, **kwargs):
        if self.ca_bundle is not None:
            kwargs["verify"] = str(self.ca_bundle)
        return super().send(request, timeout=self.budget.timeouts(), **kwargs)


def make_client(url: str, api_key: str, budget: RequestBudget, tls: Tls) -> DSSClient:
    """A ``DSSClient`` whose requests all follow ``budget`` and ``tls``."""
    client = DSSClient(url, api_key=api_key, no_check_certificate=tls.insecure,
                       client_certificate=str(tls.certificate) if tls.certificate else None)
    adapter = TimeoutAdapter(budget, None if tls.insecure else tls.ca_bundle)
    # DSSClient keeps its requests session in ``_session`` and exposes no timeout setting.
    client._session.mount("http://", adapter)
    client._session.mount("https://", adapter)
    return client

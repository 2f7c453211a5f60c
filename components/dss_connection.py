"""The program's DSS client over TLS: API key, optional mTLS client certificate and CA bundle.

requests takes both as file paths, the configuration holds PEM contents: each is written to a private temporary file
(mode 0600 from its creation) that lives while the client is in use and is removed afterwards, also on error.
Certificate verification always stays on; a CA bundle only changes whom it trusts.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from dataikuapi import DSSClient

from . import dss_http


@contextmanager
def private_pem_file(content: str, prefix: str) -> Iterator[Path]:
    """``content`` in a new file readable by this user only; removed when the block ends."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".pem")  # mkstemp creates it 0600
    path = Path(name)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(content if content.endswith("\n") else content + "\n")
        yield path
    finally:
        path.unlink(missing_ok=True)


@contextmanager
def dss_client(url: str, api_key: str, client_certificate: str | None = None,
               ca_bundle: str | None = None, timeout_seconds: float | None = None) -> Iterator[DSSClient]:
    """A client of the DSS node at ``url``; ``client_certificate`` is the PEM of the certificate and its key,
    ``ca_bundle`` the PEM of the CAs to trust instead of the system's; with ``timeout_seconds`` every request
    gives up after that long without an answer (:mod:`components.dss_http`)."""
    with ExitStack() as files:
        certificate = files.enter_context(private_pem_file(client_certificate, "dss-client-cert-")) \
            if client_certificate else None
        client = DSSClient(url, api_key, client_certificate=str(certificate) if certificate else None)
        if ca_bundle:
            client._session.verify = str(files.enter_context(private_pem_file(ca_bundle, "dss-ca-bundle-")))
        if timeout_seconds is not None:
            dss_http.with_timeouts(client, timeout_seconds)
        yield client

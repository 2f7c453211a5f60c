"""What the offline plan, the tests and the bench observe of a run: the DSS requests sent, the secrets configured."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from dataikuapi import DSSClient
from pydantic import SecretStr

from components.settings import Settings


def record_requests(client: DSSClient) -> list[str]:
    """Start recording the requests ``client`` sends, as ``"METHOD /path"``; returns the (growing) list."""
    sent: list[str] = []

    def hook(response: requests.Response, *_args: Any, **_kwargs: Any) -> None:
        sent.append(f"{response.request.method} {urlsplit(response.request.url).path}")

    client._session.hooks["response"].append(hook)
    return sent


def secret_values(settings: Settings) -> list[str]:
    """Every configured secret value (tests use it to prove none leaks)."""
    values = [getattr(settings, f) for f in type(settings).model_fields
              if isinstance(getattr(settings, f), SecretStr)]
    return [v.get_secret_value() for v in values]

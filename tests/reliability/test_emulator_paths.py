"""Hostile path parameters (traversal, encoded separators, NUL, odd characters, very long names) on every route
answer a DSS-shaped 4xx, never a 500 and never a file from outside the object they name."""
import base64
import http.client
import json
import re
from urllib.parse import urlsplit

import pytest

from dss_emulator.urls import all_routes

HOSTILE = ["..", "../../keys.json", "..%2F..%2Fkeys.json", "%2e%2e", "a%00b", "CHURN%2F..%2FOTHER",
           "%C3%84%C3%96-%C3%A9", "-rf", ".git", "x" * 300, "%252e%252e", "con"]
NORMAL = {"pk": "CHURN", "name": "customers_raw", "sid": "TEST_SMOKE", "key": "CHURN", "infra_id": "staging",
          "plugin_id": "dss-custom-connectors", "path": "plugin.json", "folder_id": "ROOT", "job_id": "x",
          "dep_id": "CHURN-on-staging", "bid": "v1", "trigger_id": "t", "run_id": "r", "ts": "1"}


def _cases():
    for spec in all_routes():
        if spec.path.startswith("/__emulator__"):
            continue
        params = re.findall(r"\{(\w+)(?::\w+)?\}", spec.path)
        for param in params:
            for value in HOSTILE:
                path = re.sub(r"\{(\w+)(:\w+)?\}", lambda m, p=param, v=value: v if m.group(1) == p else
                              NORMAL.get(m.group(1), "x"), spec.path)
                yield spec.method, path


@pytest.fixture
def seeded(dss):
    dss.control("design", "POST", "seed", {"sample": True})
    dss.client().create_project("OTHER", "Other", "admin")
    return dss


def _send(url: str, key: str, method: str, path: str) -> tuple[int, str]:
    """One request whose path goes out exactly as written (no client-side ``..`` resolution, unlike requests)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    auth = base64.b64encode(f"{key}:".encode()).decode()
    conn.request(method, path, body=b"{}", headers={"Authorization": f"Basic {auth}"})
    resp = conn.getresponse()
    text = resp.read().decode(errors="replace")
    conn.close()
    return resp.status, text


def test_hostile_path_parameters_never_escape_or_crash(seeded):
    dss = seeded
    admin_keys = {dss.admin_key(name) for name in ("design", "staging", "prod")}
    failures = []
    for method, path in _cases():
        status, text = _send(dss.url(), dss.admin_key(), method, path)
        if status >= 500 and status != 501:
            failures.append(f"{method} {path}: {status} {text[:100]}")
        elif any(key in text for key in admin_keys) or '"admin": true' in text:
            failures.append(f"{method} {path}: answered the keys file")
        elif status >= 400 and set(json.loads(text)) != {"errorType", "message", "detailedMessage"}:
            failures.append(f"{method} {path}: {status} not in DSS's error shape")
    assert failures == []
    assert sorted(dss.client().list_project_keys()) == ["CHURN", "FINANCE_REPORTS", "OTHER", "SALES_FORECAST"]
    assert [p["id"] for p in dss.client().list_plugins()] == ["dss-custom-connectors"]

"""Request bodies: the caller's rights are checked before a body is read, bodies are streamed and capped (413 in
DSS's error shape, at once when Content-Length says so), and malformed or absurd bodies answer DSS-shaped 400s."""
import http.client
import io
import json
from urllib.parse import urlsplit

import pytest
import requests
from dataikuapi.utils import DataikuException

from dss_emulator.config import parse_config
from dss_emulator.server import EmulatorServer
from dss_emulator.testing import EmulatorHandle

ADMIN = "small-admin-key"
DSS_ERROR_KEYS = {"errorType", "message", "detailedMessage"}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A design node accepting bodies of at most 1 MiB, with project CHURN and a key without rights on it."""
    config = parse_config({"data_dir": str(tmp_path_factory.mktemp("small-bodies")), "instances": [
        {"name": "design", "port": 0, "admin_key": ADMIN, "max_request_body_mib": 1}]})
    with EmulatorServer(config) as server:
        handle = EmulatorHandle(server)
        handle.client().create_project("CHURN", "Churn", "admin")
        handle.client().get_project("CHURN").create_upload_dataset("raw")
        yield {"url": handle.url(), "nobody": handle.create_api_key(label="nobody"), "handle": handle}
        assert handle.take_errors() == []


def _declared_only(url: str, path: str, key: str | None, length: int) -> http.client.HTTPResponse:
    """Send headers announcing a ``length``-byte body and only 64 KiB of it; answer the response."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    conn.putrequest("PUT", path)
    if key:
        conn.putheader("Authorization", "Bearer " + key)
    conn.putheader("Content-Length", str(length))
    conn.endheaders()
    conn.send(b"{" + b" " * 65535)
    return conn.getresponse()


@pytest.mark.parametrize("who, status", [(None, 401), ("nobody", 403), ("admin", 413)])
def test_a_400_mb_body_is_answered_without_being_read(small, who, status):
    key = {"nobody": small["nobody"], "admin": ADMIN, None: None}[who]
    resp = _declared_only(small["url"], "/dip/publicapi/projects/CHURN/variables", key, 400 << 20)
    assert resp.status == status
    answer = json.loads(resp.read())
    assert set(answer) == DSS_ERROR_KEYS
    if status == 413:
        assert answer["message"] == "Request body too large: more than 1 MiB"


def _chunks(total: int):
    sent = 0
    while sent < total:
        sent += 1 << 16
        yield b" " * (1 << 16)


def test_a_streamed_body_over_the_cap_is_refused(small):
    url = small["url"] + "/dip/publicapi/projects/CHURN/variables"
    resp = requests.put(url, data=_chunks(2 << 20), auth=(ADMIN, ""), timeout=60)  # chunked: no Content-Length
    assert resp.status_code == 413 and set(resp.json()) == DSS_ERROR_KEYS
    denied = requests.put(url, data=_chunks(2 << 20), auth=(small["nobody"], ""), timeout=60)
    assert denied.status_code == 403  # the rights are checked first: nothing of the body was needed


def test_an_upload_over_the_cap_is_refused_and_one_under_it_accepted(small):
    dataset = small["handle"].client().get_project("CHURN").get_dataset("raw")
    with pytest.raises(DataikuException, match="Request body too large"):
        dataset.uploaded_add_file(io.BytesIO(b"a,b\n" + b"1,2\n" * (300 << 10)), "big.csv")
    dataset.uploaded_add_file(io.BytesIO(b"a,b\n1,2\n"), "small.csv")
    assert [f["size"] for f in dataset.uploaded_list_files()] == [8]


@pytest.mark.parametrize("body, message", [
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"a":' * 101 + b"1" + b"}" * 101, "nested too deeply"),
    (b'{"standard": {', "Malformed JSON body"),
    (b"\xff\xfe", "Malformed JSON body"),
])
def test_malformed_or_absurd_json_is_a_dss_shaped_400(small, body, message):
    resp = requests.put(small["url"] + "/dip/publicapi/projects/CHURN/variables", data=body, auth=(ADMIN, ""),
                        timeout=60)
    assert resp.status_code == 400 and set(resp.json()) == DSS_ERROR_KEYS
    assert message in resp.json()["message"]


def test_a_malformed_multipart_body_is_a_400(small):
    resp = requests.post(small["url"] + "/dip/publicapi/projects/CHURN/datasets/raw/uploaded/files",
                         data=b"--x\r\nnot a part", headers={"Content-Type": "multipart/form-data; boundary=x"},
                         auth=(ADMIN, ""), timeout=60)
    assert resp.status_code == 400 and set(resp.json()) == DSS_ERROR_KEYS


def _refused(**kwargs) -> bool:
    """True when the node refused the request: a 4xx, or (uvicorn's answer to an oversized request line or header
    block, like DSS's Jetty with 414 / 431) a 400 followed by closing the connection."""
    try:
        resp = requests.get(timeout=60, **kwargs)
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
        return True
    return 400 <= resp.status_code < 500


def test_a_huge_query_string_or_header_is_refused_and_the_node_keeps_serving(small):
    url = small["url"] + "/dip/publicapi/projects"
    assert _refused(url=url, params={"tags": "x" * (1 << 20)}, auth=(ADMIN, ""))
    assert _refused(url=url, headers={"X-Junk": "y" * (1 << 20)}, auth=(ADMIN, ""))
    many_tags = [("tags", f"t{i}") for i in range(1000)]  # under the line limit: served
    assert requests.get(url, params=many_tags, auth=(ADMIN, ""), timeout=60).json() == []
    assert [p["projectKey"] for p in small["handle"].client().list_projects()] == ["CHURN"]


def test_an_invalid_content_length_is_a_400(small):
    parts = urlsplit(small["url"])
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    conn.putrequest("PUT", "/dip/publicapi/projects/CHURN/variables")
    conn.putheader("Authorization", "Bearer " + ADMIN)
    conn.putheader("Content-Length", "-5")
    conn.endheaders()
    assert conn.getresponse().status == 400

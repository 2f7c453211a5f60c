"""Bad input answers a DSS-shaped error naming what is wrong: keys, scopes, keys of projects, JSON, routes."""
import pytest
import requests
from dataikuapi.utils import DataikuException


def _status(dss, method, path, key=None, **kwargs):
    """HTTP status and error body of a raw call (dataikuapi hides the status code)."""
    resp = requests.request(method, f"{dss.url('design')}/dip/publicapi{path}", timeout=30,
                            auth=(key or dss.admin_key("design"), ""), **kwargs)
    return resp.status_code, resp.json()


def test_bad_api_key_is_401(dss):
    with pytest.raises(DataikuException, match="UnauthorizedException: The API key is not known"):
        dss.client(api_key="not-a-key").get_project("P").list_datasets()
    assert _status(dss, "GET", "/projects", key="not-a-key")[0] == 401


def test_scoped_key_cannot_write_nor_read_another_project(dss):
    admin = dss.client()
    admin.create_project("CHURN", "Churn", "admin").create_upload_dataset("raw")
    admin.create_project("OTHER", "Other", "admin")
    key = dss.create_api_key("design", label="ci", projects={"CHURN": "read"})
    scoped = dss.client(api_key=key)
    assert [d.name for d in scoped.get_project("CHURN").list_datasets()] == ["raw"]
    assert scoped.list_project_keys() == ["CHURN"]
    with pytest.raises(DataikuException, match="does not have write access to project CHURN"):
        scoped.get_project("CHURN").create_upload_dataset("new")
    with pytest.raises(DataikuException, match="does not have read access to project OTHER"):
        scoped.get_project("OTHER").list_datasets()
    assert _status(dss, "PUT", "/projects/CHURN/datasets/raw/schema", key=key, data=b'{"columns": []}')[0] == 403


def test_unknown_project_is_404_not_found(dss):
    with pytest.raises(DataikuException, match="NotFoundException: Project NOPE does not exist"):
        dss.client().get_project("NOPE").list_recipes()
    assert _status(dss, "GET", "/projects/NOPE/scenarios")[0] == 404


def test_duplicate_and_invalid_project_keys(dss):
    client = dss.client()
    client.create_project("CHURN", "Churn", "admin")
    with pytest.raises(DataikuException, match="A project with key CHURN already exists"):
        client.create_project("CHURN", "Again", "admin")
    with pytest.raises(DataikuException, match="projectKey must start with an uppercase letter.*got 'bad-key'"):
        client.create_project("bad-key", "Bad", "admin")
    status, body = _status(dss, "POST", "/projects", data=b'{"projectKey": "CHURN", "name": "x"}')
    assert status == 409 and "AlreadyExists" in body["errorType"]


def test_malformed_json_is_400_naming_the_problem(dss):
    client = dss.client()
    client.create_project("P1", "P1", "admin").create_upload_dataset("raw")
    with pytest.raises(DataikuException, match="MalformedRequestException: Could not parse request body as JSON"):
        client._perform_json("PUT", "/projects/P1/datasets/raw", raw_body=b"{bad")
    status, body = _status(dss, "PUT", "/projects/P1/recipes/r", data=b"[1, 2")
    assert status == 400 and body["message"].startswith("Malformed JSON body")
    status, body = _status(dss, "PUT", "/projects/P1/datasets/raw/schema", data=b"[]")
    assert status == 400 and body["message"] == "Expected a JSON object as request body"


def test_unknown_route_is_501_naming_method_and_path(dss):
    with pytest.raises(DataikuException, match="DELETE /dip/publicapi/projects/P1/no-such-thing"):
        dss.client()._perform_json("DELETE", "/projects/P1/no-such-thing")
    status, body = _status(dss, "PATCH", "/projects/P1/datasets/raw")
    assert status == 501 and body["message"] == \
        "Not implemented by the DSS emulator: PATCH /dip/publicapi/projects/P1/datasets/raw"


def test_unknown_objects_are_404_naming_them(dss):
    project = dss.client().create_project("P1", "P1", "admin")
    for call, name in ((lambda: project.get_recipe("r9").get_settings(), "recipe r9"),
                       (lambda: project.get_scenario("S9").get_settings(), "scenario S9"),
                       (lambda: project.get_dataset("d9").get_schema(), "dataset d9"),
                       (lambda: dss.client().get_plugin("nope").get_settings(), "No plugin nope")):
        with pytest.raises(DataikuException, match=f"NotFoundException: .*{name}"):
            call()


def test_bad_seed_requests_name_the_field(dss):
    cases = [({"sample": False}, "Invalid sample: False"), ({"synthetic": 0}, "Invalid synthetic: 0"),
             ({"synthetic": "3"}, "Invalid synthetic: '3'"), ({}, "give exactly one of sample and synthetic"),
             ({"sample": True, "synthetic": 2}, "give exactly one"), ({"samples": True}, "unknown field 'samples'"),
             ({"synthetic": 2, "offset": -1}, "Invalid offset: -1")]
    for body, message in cases:
        resp = requests.post(f"{dss.url('design')}/__emulator__/seed", json=body, auth=(dss.admin_key(), ""),
                             timeout=30)
        assert resp.status_code == 400, body
        assert message in resp.json()["message"], body
    scoped = dss.create_api_key("design", label="reader")
    assert requests.post(f"{dss.url('design')}/__emulator__/seed", json={"sample": True}, auth=(scoped, ""),
                         timeout=30).status_code == 403


def test_the_documented_transport_forms_work_as_well(dss):
    """``/public/api/`` as documented (EV-T01), Basic with a blank user and the key as password (EV-T03), and a
    ``DSS-Version`` header on every answer (EV-T04)."""
    admin = dss.admin_key("design")
    dss.client().create_project("CHURN", "Churn", "admin")
    for base, auth in (("/public/api", ("", admin)), ("/dip/publicapi", (admin, "")), ("/public/api", (admin, ""))):
        resp = requests.get(f"{dss.url('design')}{base}/projects/", auth=auth, timeout=30)
        assert resp.status_code == 200 and [p["projectKey"] for p in resp.json()] == ["CHURN"], base
        assert resp.headers["DSS-Version"] == "14.2.0"
    resp = requests.get(f"{dss.url('design')}/public/api/projects/", auth=("", "not-a-key"), timeout=30)
    assert resp.status_code == 401 and resp.headers["DSS-Version"]
    resp = requests.get(f"{dss.url('design')}/public/api/projects/", headers={"Authorization": f"Bearer {admin}"},
                        timeout=30)
    assert resp.status_code == 200

"""Bad shapes answer DSS-shaped 400s naming the field, never a 500, and never reach a project file: a body, a pulled
commit or a bundle archive whose JSON does not have the declared shape changes nothing, and every project list,
read by every key, keeps answering."""
import copy
import io
import json
import re
import zipfile

import pytest
import requests
from dataikuapi.utils import DataikuException

from dss_emulator.urls import all_routes

from ..emulator.deploy_helpers import export_and_publish, make_project
from ..emulator.git_helpers import bare_remote, clone, commit_files, dss_head

WRONG = ["a string", 5, [1], None, True, {"an": "object"}]
PATH_VALUES = {"pk": "CHURN", "name": "customers_raw", "sid": "TEST_SMOKE", "key": "CHURN", "infra_id": "staging",
               "plugin_id": "dss-custom-connectors", "path": "a.txt", "folder_id": "ROOT",
               "dep_id": "CHURN-on-staging", "bid": "v1"}


def _put(dss, path: str, body) -> requests.Response:
    return requests.put(f"{dss.url()}/dip/publicapi{path}", data=json.dumps(body), auth=(dss.admin_key(), ""),
                        timeout=60)


@pytest.mark.parametrize("path, body, message", [
    ("/projects/CHURN/settings", {"settings": "a string"}, 'Invalid settings: expected an object, got "a string"'),
    ("/projects/CHURN/settings", {"settings": {"gitCommitMode": 3}}, "Invalid settings.gitCommitMode"),
    ("/projects/CHURN/metadata", {"custom": "x"}, "Invalid custom: expected an object or null"),
    ("/projects/CHURN/metadata", {"tags": 5}, "Invalid tags: expected a list of strings, got 5"),
    ("/projects/CHURN/tags", {"tags": "x"}, "Invalid tags: expected an object or null"),
    ("/projects/CHURN/datasets/customers_raw", {"customFields": "x"}, "customers_raw.json.customFields"),
    ("/projects/CHURN/datasets/customers_raw/metadata", {"tags": None}, "customers_raw.json.tags"),
    ("/projects/CHURN/scenarios/TEST_SMOKE", {"tags": 5}, "TEST_SMOKE.json.tags"),
])
def test_a_wrong_field_is_a_400_naming_it_and_changes_nothing(dss, path, body, message):
    dss.control("design", "POST", "seed", {"sample": True})
    before = dss_head(dss.client().get_project("CHURN").get_project_git())
    current = requests.get(f"{dss.url()}/dip/publicapi{path}", auth=(dss.admin_key(), ""), timeout=60).json()
    resp = _put(dss, path, dict(current, **body))
    assert resp.status_code == 400, resp.text
    assert set(resp.json()) == {"errorType", "message", "detailedMessage"} and message in resp.json()["message"]
    assert dss_head(dss.client().get_project("CHURN").get_project_git()) == before
    assert len(dss.client().list_projects()) == 3


@pytest.mark.parametrize("body", [{"projectKey": "NEW", "name": "New", "owner": "admin", "settings": "x"},
                                  {"projectKey": 5, "name": "New", "owner": "admin"},
                                  {"projectKey": "NEW", "name": ["New"], "owner": "admin"},
                                  {"projectKey": "../EVIL", "name": "Evil", "owner": "admin"},
                                  {"projectKey": ".creating-X", "name": "Hidden", "owner": "admin"},
                                  {"projectKey": "ÄB", "name": "Odd", "owner": "admin"},
                                  {"projectKey": "A" * 101, "name": "Long", "owner": "admin"}])
def test_a_project_is_not_created_from_a_bad_shape_or_key(dss, body):
    resp = requests.post(f"{dss.url()}/dip/publicapi/projects", data=json.dumps(body),
                         auth=(dss.admin_key(), ""), timeout=60)
    assert resp.status_code == 400 and "Invalid" in resp.json()["message"]
    assert dss.client().list_project_keys() == []
    root = dss.server.instances["design"].root
    assert sorted(p.name for p in (root / "projects").iterdir()) == [] and not (root / "EVIL").exists()


def _route_paths(method: str):
    for spec in all_routes():
        if spec.method == method and not spec.path.startswith("/__emulator__"):
            yield spec.path, re.sub(r"\{(\w+)(:\w+)?\}", lambda m: PATH_VALUES.get(m.group(1), "x"), spec.path)


def test_no_route_answers_500_to_a_wrong_shape(dss):
    """Every POST / PUT route, given bodies of every wrong JSON type and its current object with each top-level
    field of a wrong type, answers below 500 (the pytest plugin also fails this test on any server-side error)."""
    dss.control("design", "POST", "seed", {"sample": True})
    project = dss.client().get_project("CHURN")
    project.export_bundle("v1")
    project.publish_bundle("v1")
    dss.client().get_projectdeployer().create_deployment("CHURN-on-staging", "CHURN", "staging", "v1")
    auth = (dss.admin_key(), "")
    failures = []
    for method in ("POST", "PUT"):
        for template, path in _route_paths(method):
            current = requests.get(dss.url() + path, auth=auth, timeout=60)
            base = current.json() if current.ok and "json" in current.headers.get("content-type", "") else {}
            bodies = list(WRONG)
            for field in base if isinstance(base, dict) else ():
                bodies += [dict(copy.deepcopy(base), **{field: w}) for w in WRONG if type(w) is not type(base[field])]
            for body in bodies:
                resp = requests.request(method, dss.url() + path, data=json.dumps(body), auth=auth, timeout=60)
                if resp.status_code >= 500 and resp.status_code != 501:
                    failures.append(f"{method} {template} {json.dumps(body)[:80]}: {resp.status_code}")
    assert failures == []
    assert len(dss.client().list_projects()) == 3


def test_a_pulled_commit_with_a_bad_project_file_is_refused(dss, tmp_path):
    admin = dss.client()
    admin.create_project("CHURN", "Churn", "admin")
    git = admin.get_project("CHURN").get_project_git()
    remote = bare_remote(tmp_path)
    git.set_remote(str(remote))
    assert git.push()["success"] is True
    work = clone(remote, tmp_path / "work")
    before = dss_head(git)
    for files, message in (({"params.json": {"name": "Churn", "tags": 5}}, "Invalid params.json.tags"),
                           ({"params.json": "[1, 2]"}, "Invalid params.json: expected an object"),
                           ({"datasets/x.json": "{not json"}, "Invalid datasets/x.json: not a JSON file")):
        commit_files(work, files, "Bad shape")
        with pytest.raises(DataikuException, match=re.escape(message)):
            git.pull()
        assert dss_head(git) == before
    assert [p["projectKey"] for p in admin.list_projects()] == ["CHURN"]


def test_a_bundle_with_a_bad_project_file_is_refused(dss):
    admin = dss.client()
    export_and_publish(make_project(admin, "SHOP"), "v1")
    with admin.get_projectdeployer().get_project("SHOP").get_bundle_stream("v1") as stream:
        original = stream.content
    bad = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "export-manifest.json":
                data = json.dumps(dict(json.loads(data), bundleId="v2")).encode()
            if item.filename == "project_config/params.json":
                data = json.dumps(dict(json.loads(data), tags="not a list")).encode()
            dst.writestr(item, data)
    with pytest.raises(DataikuException, match=re.escape("Invalid params.json.tags")):
        admin.get_projectdeployer().upload_bundle(io.BytesIO(bad.getvalue()), "SHOP")
    staging = dss.client("staging")
    with pytest.raises(DataikuException, match=re.escape("Invalid params.json.tags")):
        staging.create_project_from_bundle_archive(io.BytesIO(bad.getvalue()))
    assert staging.list_project_keys() == []

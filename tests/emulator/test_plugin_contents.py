"""A plugin's files as Dataiku's editor and IDE integrations see them (EV-L05): the contents-tree items, details,
delete, folders, rename and move, through dataikuapi (its raw calls for the routes only the IDEs use) and real git."""
import io
import json
import subprocess

import pytest
import requests
from dataikuapi.utils import DataikuException

PLUGIN = "dss-custom-connectors"
ITEM_FIELDS = {"name", "path", "mimeType", "size", "children", "hasData", "readOnly", "lastModified"}


@pytest.fixture
def client(dss):
    dss.control("design", "POST", "seed", {"sample": True})
    return dss.client()


def _walk(items):
    for entry in items:
        yield entry
        yield from _walk(entry["children"])


def _paths(client):
    return {entry["path"] for entry in _walk(client.get_plugin(PLUGIN).list_files())}


def _status(client):
    return client._perform_json("GET", f"/plugins/{PLUGIN}/git/status")


def _last_commit(dss):
    tree = dss.server.instances["design"].plugins.get(PLUGIN).path
    return subprocess.run(["git", "log", "-1", "--format=%s", "--name-status"], cwd=tree, check=True,
                          capture_output=True, text=True).stdout.split()


def test_every_tree_item_carries_the_ide_fields(client):
    plugin = client.get_plugin(PLUGIN)
    items = {entry["path"]: entry for entry in _walk(plugin.list_files())}
    assert all(set(entry) == ITEM_FIELDS for entry in items.values())
    desc = items["plugin.json"]
    assert desc["size"] == len(plugin.get_file("plugin.json").read())
    assert (desc["name"], desc["mimeType"], desc["children"], desc["hasData"], desc["readOnly"]) == \
        ("plugin.json", "application/json", [], True, False)
    assert isinstance(desc["lastModified"], int) and desc["lastModified"] > 10 ** 12  # epoch ms, not s
    folder = items["python-lib/custom_connectors"]
    assert (folder["mimeType"], folder["size"], folder["hasData"]) == ("inode/directory", 0, False)
    assert [c["path"] for c in folder["children"]] == ["python-lib/custom_connectors/__init__.py",
                                                        "python-lib/custom_connectors/client.py"]
    assert items["python-lib/custom_connectors/client.py"]["mimeType"] == "text/x-python"


def test_an_installed_plugins_items_are_read_only(dss):
    dss.control("staging", "POST", "seed", {"sample": True})
    items = list(_walk(dss.client("staging").get_plugin(PLUGIN).list_files()))
    assert items and all(entry["readOnly"] for entry in items)


def test_details_of_a_file_and_of_a_folder(client):
    details = client._perform_json("GET", f"/plugins/{PLUGIN}/details/python-lib/custom_connectors/client.py")
    assert set(details) == ITEM_FIELDS and details["name"] == "client.py" and details["hasData"]
    assert details["size"] == len(client.get_plugin(PLUGIN).get_file("python-lib/custom_connectors/client.py").read())
    folder = client._perform_json("GET", f"/plugins/{PLUGIN}/details/python-lib")
    assert [c["name"] for c in folder["children"]] == ["custom_connectors"]
    with pytest.raises(DataikuException, match="plugin dss-custom-connectors has no file python-lib/nope.py"):
        client._perform_json("GET", f"/plugins/{PLUGIN}/details/python-lib/nope.py")


def test_delete_a_file_then_a_folder_each_is_a_commit(client, dss):
    plugin = client.get_plugin(PLUGIN)
    head = _status(client)["head"]
    client._perform_empty("DELETE", f"/plugins/{PLUGIN}/contents/python-lib/custom_connectors/client.py")
    assert "python-lib/custom_connectors/client.py" not in _paths(client)
    with pytest.raises(DataikuException, match="has no file python-lib/custom_connectors/client.py"):
        plugin.get_file("python-lib/custom_connectors/client.py")
    status = _status(client)
    assert status["head"] != head and status["clean"]
    assert _last_commit(dss) == ["Deleted", "python-lib/custom_connectors/client.py", "in", "plugin", PLUGIN,
                                 "D", "python-lib/custom_connectors/client.py"]
    client._perform_empty("DELETE", f"/plugins/{PLUGIN}/contents/python-connectors")
    assert not any(p.startswith("python-connectors") for p in _paths(client)) and _status(client)["clean"]


def test_delete_answers_200(client, dss):
    resp = requests.delete(f"{dss.url('design')}/dip/publicapi/plugins/{PLUGIN}/contents/pytest.ini",
                           auth=(dss.admin_key("design"), ""), timeout=30)
    assert resp.status_code == 200 and "pytest.ini" not in _paths(client)


@pytest.mark.parametrize("path, message", [
    ("plugin.json", "Invalid plugin file path: plugin.json cannot be deleted"),
    ("nope.txt", "plugin dss-custom-connectors has no file nope.txt"),
    (".git/config", "Invalid plugin file path: '.git/config'"),
    ("python-lib/%2E%2E/%2E%2E/x", "Invalid plugin file path"),  # dot segments as sent percent-encoded
])
def test_refused_deletes_change_nothing(client, path, message):
    before, head = _paths(client), _status(client)["head"]
    with pytest.raises(DataikuException, match=message):
        client._perform_empty("DELETE", f"/plugins/{PLUGIN}/contents/{path}")
    assert _paths(client) == before and _status(client)["head"] == head


def test_an_installed_plugin_cannot_be_edited(dss):
    dss.control("staging", "POST", "seed", {"sample": True})
    staging = dss.client("staging")
    for call in (lambda: staging._perform_empty("DELETE", f"/plugins/{PLUGIN}/contents/pytest.ini"),
                 lambda: staging._perform_empty("POST", f"/plugins/{PLUGIN}/folders/new"),
                 lambda: staging.get_plugin(PLUGIN).rename_file("pytest.ini", "setup.cfg")):
        with pytest.raises(DataikuException, match="is not a development plugin"):
            call()
    assert "pytest.ini" in {entry["path"] for entry in staging.get_plugin(PLUGIN).list_files()}


def test_a_new_folder_then_a_file_in_it(client):
    client._perform_empty("POST", f"/plugins/{PLUGIN}/folders/resource/templates")
    folder = client._perform_json("GET", f"/plugins/{PLUGIN}/details/resource/templates")
    assert (folder["children"], folder["hasData"]) == ([], False)
    client._perform_empty("POST", f"/plugins/{PLUGIN}/folders/resource/templates")  # already there: fine
    client.get_plugin(PLUGIN).put_file("resource/templates/page.html", io.BytesIO(b"<p/>"))
    assert "resource/templates/page.html" in _paths(client) and _status(client)["clean"]
    with pytest.raises(DataikuException, match="already has a file or folder at resource/templates/page.html"):
        client._perform_empty("POST", f"/plugins/{PLUGIN}/folders/resource/templates/page.html")
    with pytest.raises(DataikuException, match="already has a file or folder at pytest.ini"):
        client._perform_empty("POST", f"/plugins/{PLUGIN}/folders/pytest.ini/sub")


def test_rename_and_move_keep_the_content_and_commit(client, dss):
    plugin = client.get_plugin(PLUGIN)
    content = plugin.get_file("python-lib/custom_connectors/client.py").read()
    plugin.rename_file("python-lib/custom_connectors/client.py", "rest_client.py")
    assert plugin.get_file("python-lib/custom_connectors/rest_client.py").read() == content
    assert "python-lib/custom_connectors/client.py" not in _paths(client)
    assert _last_commit(dss)[-3:] == ["R100", "python-lib/custom_connectors/client.py",
                                      "python-lib/custom_connectors/rest_client.py"]
    plugin.move_file("python-lib/custom_connectors", "python-lib/connectors/v1")
    assert plugin.get_file("python-lib/connectors/v1/rest_client.py").read() == content
    assert not any(p.startswith("python-lib/custom_connectors") for p in _paths(client))
    assert _status(client)["clean"]


@pytest.mark.parametrize("call, message", [
    (lambda p: p.rename_file("pytest.ini", "plugin.json"), "already has a file or folder at plugin.json"),
    (lambda p: p.rename_file("pytest.ini", "sub/x.ini"), "Invalid newName: 'sub/x.ini'"),
    (lambda p: p.rename_file("plugin.json", "old.json"), "plugin.json cannot be moved"),
    (lambda p: p.rename_file("nope.txt", "x.txt"), "has no file nope.txt"),
    (lambda p: p.rename_file(None, "x.txt"), "Invalid oldPath: None"),
    (lambda p: p.move_file("python-lib", "python-lib/inner"), "a folder cannot move into itself"),
    (lambda p: p.move_file("pytest.ini", ".git/hooks/pre-commit"), "Invalid plugin file path"),
    (lambda p: p.move_file("pytest.ini", "tests"), "already has a file or folder at tests"),
    (lambda p: p.move_file("tests", "pytest.ini/tests"), "already has a file or folder at pytest.ini"),
])
def test_refused_renames_and_moves_change_nothing(client, call, message):
    before, head = _paths(client), _status(client)["head"]
    with pytest.raises(DataikuException, match=message):
        call(client.get_plugin(PLUGIN))
    assert _paths(client) == before and _status(client)["head"] == head
    assert json.load(client.get_plugin(PLUGIN).get_file("plugin.json"))["id"] == PLUGIN

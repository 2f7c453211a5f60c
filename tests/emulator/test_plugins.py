"""Plugins through dataikuapi, and the dev-plugin git extension through the client's raw calls and real git."""
import io
import json
import subprocess
import zipfile

import pytest
from dataikuapi.utils import DataikuException

PLUGIN = "dss-custom-connectors"


@pytest.fixture
def client(dss):
    dss.control("design", "POST", "seed", {"sample": True})
    return dss.client()


def _git(*args, cwd=None):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def _git_api(client, method, path, **kwargs):
    return client._perform_json(method, f"/plugins/{PLUGIN}/git/{path}", **kwargs)


def test_list_plugins_reads_plugin_json(client):
    [item] = client.list_plugins()
    assert (item["id"], item["version"], item["isDev"]) == (PLUGIN, "1.0.0", True)
    assert item["meta"]["label"] == "Custom connectors"
    assert item["meta"]["author"] == "Data platform team" and item["meta"]["tags"] == ["Connector", "REST"]


def test_plugin_settings_round_trip(client):
    plugin = client.get_plugin(PLUGIN)
    settings = plugin.get_settings()
    assert settings.get_raw()["presets"] == [] and settings.list_parameter_set_names() == []
    settings.set_code_env("py311")
    settings.save()
    assert plugin.get_settings().get_raw()["codeEnvName"] == "py311"
    project_settings = plugin.get_project_settings("CHURN")
    project_settings.get_raw()["presets"] = [{"name": "p1", "type": "x"}]
    project_settings.save()
    assert plugin.get_project_settings("CHURN").get_raw()["presets"][0]["name"] == "p1"
    assert plugin.get_settings().get_raw()["presets"] == []


def test_download_is_a_zip_of_the_plugin_without_git(client):
    archive = zipfile.ZipFile(io.BytesIO(client.download_plugin_stream(PLUGIN).content))
    names = archive.namelist()
    assert "plugin.json" in names and "python-lib/custom_connectors/client.py" in names
    assert not any(n.startswith(".git") for n in names)
    assert json.loads(archive.read("plugin.json"))["id"] == PLUGIN


def test_files_list_get_put_commits_in_the_plugin_repository(client):
    plugin = client.get_plugin(PLUGIN)
    top = {entry["name"]: entry for entry in plugin.list_files()}
    assert set(top) == {"plugin.json", "pytest.ini", "python-lib", "python-connectors", "code-env", "tests"}
    lib = top["python-lib"]["children"][0]
    assert lib["path"] == "python-lib/custom_connectors" and {c["name"] for c in lib["children"]} == \
        {"__init__.py", "client.py"}
    assert json.load(plugin.get_file("plugin.json"))["version"] == "1.0.0"
    head = _git_api(client, "GET", "status")["head"]
    plugin.put_file("python-lib/custom_connectors/extra.py", io.BytesIO(b"X = 1\n"))
    assert plugin.get_file("python-lib/custom_connectors/extra.py").read() == b"X = 1\n"
    status = _git_api(client, "GET", "status")
    assert status["head"] != head and status["clean"] and status["currentBranch"] == "master"


@pytest.mark.parametrize("path, content, message", [
    (".git/config", b"x", "Invalid plugin file path: '.git/config'"),
    ("plugin.json", b'{"id": "other"}', "id must stay 'dss-custom-connectors'"),
    ("plugin.json", b"{bad", "Invalid plugin.json"),
])
def test_bad_plugin_file_writes_are_refused(client, path, content, message):
    with pytest.raises(DataikuException, match=message):
        client.get_plugin(PLUGIN).put_file(path, io.BytesIO(content))


def test_missing_file_and_plugin_are_404(client):
    with pytest.raises(DataikuException, match="plugin dss-custom-connectors has no file nope.txt"):
        client.get_plugin(PLUGIN).get_file("nope.txt")
    with pytest.raises(DataikuException, match="No plugin nope is installed"):
        client.get_plugin("nope").list_files()


def test_remote_set_get_remove_and_push_to_a_bare_repository(client, tmp_path):
    bare = tmp_path / "plugin.git"
    _git("init", "-q", "--bare", str(bare))
    assert _git_api(client, "GET", "remotes/origin") == {}
    _git_api(client, "POST", "remotes/origin", body={"url": str(bare)})
    assert _git_api(client, "GET", "remotes/origin")["url"] == str(bare)
    assert _git_api(client, "GET", "status")["remotes"] == [{"name": "origin", "url": str(bare)}]
    result = _git_api(client, "POST", "actions/push")
    assert result["success"], result["output"]
    head = _git_api(client, "GET", "status")["head"]
    assert _git("rev-parse", "refs/heads/master", cwd=bare) == head
    assert _git("log", "--format=%s", "master", cwd=bare) == f"Created plugin {PLUGIN}"
    _git_api(client, "DELETE", "remotes/origin")
    assert _git_api(client, "GET", "remotes/origin") == {}
    with pytest.raises(DataikuException, match="No remote configured"):
        _git_api(client, "POST", "actions/push")


def test_a_diverged_remote_rejects_the_push(client, tmp_path):
    bare = tmp_path / "plugin.git"
    _git("init", "-q", "--bare", "-b", "master", str(bare))
    clone = tmp_path / "clone"
    _git("clone", "-q", str(bare), str(clone))
    _git("-c", "user.name=x", "-c", "user.email=x", "commit", "-q", "--allow-empty", "-m", "elsewhere", cwd=clone)
    _git("push", "-q", "origin", "HEAD:master", cwd=clone)
    _git_api(client, "POST", "remotes/origin", body={"url": str(bare)})
    result = _git_api(client, "POST", "actions/push", params={"branchName": "master"})
    assert result["success"] is False and "rejected" in result["output"]
    with pytest.raises(DataikuException, match="has no branch 'dev'"):
        _git_api(client, "POST", "actions/push", params={"branchName": "dev"})


def test_bad_remote_input_is_refused(client):
    with pytest.raises(DataikuException, match="Invalid remote url: ''"):
        _git_api(client, "POST", "remotes/origin", body={"url": ""})
    with pytest.raises(DataikuException, match="Invalid remote name: 'bad name'"):
        _git_api(client, "GET", "remotes/bad name")


def test_installed_plugins_have_no_git_and_are_read_only(dss):
    dss.control("staging", "POST", "seed", {"sample": True})
    staging = dss.client("staging")
    assert [(p["id"], p["isDev"]) for p in staging.list_plugins()] == [(PLUGIN, False)]
    assert staging.list_project_keys() == []
    with pytest.raises(DataikuException, match="is not a development plugin"):
        staging._perform_json("GET", f"/plugins/{PLUGIN}/git/status")
    with pytest.raises(DataikuException, match="is not a development plugin"):
        staging.get_plugin(PLUGIN).put_file("x.py", io.BytesIO(b""))


def test_plugin_development_needs_an_admin_key(client, dss):
    scoped = dss.client(api_key=dss.create_api_key("design", label="ci", projects={"CHURN": "write"}))
    assert [p["id"] for p in scoped.list_plugins()] == [PLUGIN]
    with pytest.raises(DataikuException, match="This call needs an admin API key"):
        scoped.get_plugin(PLUGIN).get_settings()

"""Installing and updating plugins from zips on an automation node, and their code envs, through dataikuapi."""
import io
import json
import zipfile

import pytest
from dataikuapi.utils import DataikuException

from .deploy_helpers import make_project


def plugin_zip(plugin_id="geo-tools", version="1.0.0", code_env=False, extra=None, desc=None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("plugin.json", json.dumps(desc if desc is not None else
                                                   {"id": plugin_id, "version": version, "meta": {"label": "Geo"}}))
        archive.writestr("python-lib/geo_tools/__init__.py", f"VERSION = {version!r}\n")
        if code_env:
            desc_json = json.dumps({"acceptedPythonInterpreters": ["PYTHON311"]})
            archive.writestr("code-env/python/desc/desc.json", desc_json)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture
def staging(dss):
    return dss.client("staging")


def versions(client):
    return {p["id"]: (p["version"], p["isDev"]) for p in client.list_plugins()}


def test_install_then_update_from_zip(staging):
    staging.install_plugin_from_archive(io.BytesIO(plugin_zip(version="1.0.0")))
    assert versions(staging) == {"geo-tools": ("1.0.0", False)}
    plugin = staging.get_plugin("geo-tools")
    plugin.update_from_zip(io.BytesIO(plugin_zip(version="1.1.0")))
    assert versions(staging) == {"geo-tools": ("1.1.0", False)}
    assert plugin.get_file("python-lib/geo_tools/__init__.py").read() == b"VERSION = '1.1.0'\n"


def test_install_and_update_through_futures(staging):
    staging.start_install_plugin_from_archive(io.BytesIO(plugin_zip(version="2.0.0"))).wait_for_result()
    staging.get_plugin("geo-tools").start_update_from_zip(io.BytesIO(plugin_zip(version="2.0.1"))).wait_for_result()
    assert versions(staging) == {"geo-tools": ("2.0.1", False)}


@pytest.mark.parametrize("desc, field", [({"version": "1.0.0"}, "id"), ({"id": "Bad Id", "version": "1"}, "id"),
                                          ({"id": "geo-tools"}, "version"), ({"id": "geo-tools", "version": 3},
                                                                            "version")])
def test_invalid_plugin_json_is_refused_naming_the_field(staging, desc, field):
    with pytest.raises(DataikuException, match=f"Invalid plugin.json {field}"):
        staging.install_plugin_from_archive(io.BytesIO(plugin_zip(desc=desc)))
    assert staging.list_plugins() == []


def test_not_a_zip_and_installing_twice_are_refused(staging):
    with pytest.raises(DataikuException, match="not a zip file"):
        staging.install_plugin_from_archive(io.BytesIO(b"nope"))
    staging.install_plugin_from_archive(io.BytesIO(plugin_zip()))
    with pytest.raises(DataikuException, match="already exists"):
        staging.install_plugin_from_archive(io.BytesIO(plugin_zip(version="9.9.9")))
    assert versions(staging) == {"geo-tools": ("1.0.0", False)}


def test_update_with_another_plugins_archive_changes_nothing(staging):
    staging.install_plugin_from_archive(io.BytesIO(plugin_zip()))
    with pytest.raises(DataikuException, match="Invalid plugin.json id"):
        staging.get_plugin("geo-tools").update_from_zip(io.BytesIO(plugin_zip(plugin_id="other")))
    assert versions(staging) == {"geo-tools": ("1.0.0", False)}


def test_code_env_create_then_update_follows_the_plugin_version(staging, dss):
    staging.install_plugin_from_archive(io.BytesIO(plugin_zip(code_env=True)))
    plugin = staging.get_plugin("geo-tools")
    with pytest.raises(DataikuException, match="create it first"):
        plugin.update_code_env().wait_for_result()
    env = plugin.create_code_env(python_interpreter="PYTHON311").wait_for_result()["envName"]
    settings = plugin.get_settings()
    settings.set_code_env(env)
    settings.save()
    plugin.update_from_zip(io.BytesIO(plugin_zip(version="1.2.0", code_env=True)))
    assert plugin.update_code_env().wait_for_result()["envName"] == env
    assert plugin.get_settings().get_raw()["codeEnvName"] == env
    state = json.loads((dss.server.instances["staging"].root / "plugins/code-envs/geo-tools.json").read_text())
    assert (state["pluginVersion"], state["pythonInterpreter"], state["envLang"]) == ("1.2.0", "PYTHON311", "PYTHON")


def test_code_env_of_a_plugin_without_one_is_refused(staging):
    staging.install_plugin_from_archive(io.BytesIO(plugin_zip()))
    with pytest.raises(DataikuException, match="declares no code env"):
        staging.get_plugin("geo-tools").create_code_env().wait_for_result()


def test_global_variables_round_trip(staging):
    variables = staging.get_global_variables()
    variables["team"] = {"a": 1}
    variables.save()
    assert staging.get_global_variables()["team"] == {"a": 1}


def test_a_bundle_using_a_plugin_missing_on_the_node_is_activated_with_a_warning(dss):
    """DSS's pre-activation checks only warn about missing plugins (EV-C04); the warning's code and text are
    inferred. The deploy script checks plugins itself before deploying (tests/deploy/test_plugin_requirements.py)."""
    project = make_project(dss.client())
    project.create_dataset("crm", "CustomPython_geo-tools-places", params={})
    project.export_bundle("v1")
    with project.get_exported_bundle_archive_stream("v1") as stream:
        archive = stream.content
    staging = dss.client("staging")
    staging.create_project_from_bundle_archive(io.BytesIO(archive))
    shop = staging.get_project("SHOP")
    warning = ("WARN_BUNDLE_ACTIVATE_MISSING_PLUGIN", "Bundle v1 uses plugins that are not installed on node staging: "
               "type CustomPython_geo-tools-places of dataset crm")
    def active() -> str | None:
        item = next(p for p in staging.list_projects() if p["projectKey"] == "SHOP")
        return (item.get("activeBundleState") or {}).get("bundleId")

    assert active() is None
    for report in (shop.preload_bundle("v1"), shop.activate_bundle("v1")):
        assert report["warning"] and not report["error"]
        assert [(m["code"], m["message"]) for m in report["messages"] if m["severity"] == "WARNING"] == [warning]
    assert active() == "v1"  # activated despite the warning
    staging.install_plugin_from_archive(io.BytesIO(plugin_zip()))
    assert not shop.activate_bundle("v1")["warning"]

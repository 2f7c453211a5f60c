"""State survives a restart: everything lives in the data directory (git trees, data files, keys, plugins)."""
import io

from dataikuapi import DSSClient

from dss_emulator.config import parse_config
from dss_emulator.seeding import seed_instance
from dss_emulator.server import EmulatorServer
from dss_emulator.testing import EmulatorHandle

ADMIN = "persist-admin-key"


def _server(tmp_path):
    return EmulatorServer(parse_config({"data_dir": str(tmp_path / "data"), "local_remote_roots": [str(tmp_path)],
                                        "instances": [{"name": "design", "role": "design", "port": 0,
                                                       "admin_key": ADMIN}]}))


def test_objects_keys_and_plugins_survive_a_restart(tmp_path):
    with _server(tmp_path) as server:
        url = server.url("design")
        list(seed_instance(url, ADMIN, sample=True))
        client = DSSClient(url, ADMIN)
        project = client.create_project("KEEP", "Keep", "admin")
        dataset = project.create_upload_dataset("raw")
        dataset.uploaded_add_file(io.BytesIO(b"a,b\n1,x\n2,y\n"), "raw.csv")
        recipe = project.new_recipe("python", "r1").with_input("raw").with_new_output_dataset(
            "out", "filesystem_managed").with_script("# v1\n").create()
        settings = recipe.get_settings()
        settings.set_code("# v2\n")
        settings.save()
        project.create_scenario("Nightly", "step_based")
        plugin_settings = client.get_plugin("dss-custom-connectors").get_settings()
        plugin_settings.set_code_env("py311")
        plugin_settings.save()
        client._perform_json("POST", "/plugins/dss-custom-connectors/git/remotes/origin",
                             body={"url": str(tmp_path / "remote.git")})
        scoped_key = EmulatorHandle(server).create_api_key("design", label="ci", projects={"KEEP": "read"})
        head = project.get_project_git().log()["entries"][0]["commit"]

    with _server(tmp_path) as server:
        client = DSSClient(server.url("design"), ADMIN)
        assert client.list_project_keys() == ["CHURN", "FINANCE_REPORTS", "KEEP", "SALES_FORECAST"]
        project = client.get_project("KEEP")
        assert list(project.get_dataset("raw").iter_rows()) == [[1, "x"], [2, "y"]]
        assert project.get_recipe("r1").get_settings().get_code() == "# v2\n"
        assert [s["id"] for s in project.list_scenarios()] == ["NIGHTLY"]
        assert project.get_project_git().log()["entries"][0]["commit"] == head
        assert len(list(client.get_project("CHURN").get_dataset("customers_raw").iter_rows())) == 20
        plugin = client.get_plugin("dss-custom-connectors")
        assert plugin.get_settings().get_raw()["codeEnvName"] == "py311"
        status = client._perform_json("GET", "/plugins/dss-custom-connectors/git/status")
        assert status["remotes"] == [{"name": "origin", "url": str(tmp_path / "remote.git")}]
        assert DSSClient(server.url("design"), scoped_key).list_project_keys() == ["KEEP"]

"""The plugin mode through its real path: git archive of the content tree, dataikuapi against the emulated
staging and prod nodes, the plugin's own pytest run."""
import io
import json
import zipfile

import pytest
from dataikuapi.utils import DataikuException
from dss_deploy.cli import ExitStatus

from ..emulator.git_helpers import run_git as git
from .plugin_helpers import BROKEN_LIB, PLUGIN_ID, make_plugin_world, plugin_files


@pytest.fixture
def world(dss, tmp_path):
    return make_plugin_world(dss, tmp_path)


def staging_record(dss, stage="staging"):
    return dss.client(stage).get_global_variables()["dataikuGitopsPlugins"][PLUGIN_ID]


def test_pr_installs_on_staging_then_release_installs_the_same_content_on_prod(world, dss, capsys):
    head = world.commit(plugin_files("1.0.0"), "geo tools 1.0.0")
    tree = git(world.checkout, "rev-parse", f"{head}^{{tree}}")
    assert world.run(capsys, "test", "staging", head) == ExitStatus.OK, world.output
    assert world.installed("staging") == "1.0.0" and world.installed("prod") is None
    assert "2 passed" in world.output and f"content tree {tree}" in world.output
    assert staging_record(dss)["passedTrees"] == [tree]
    # the merge commit adds .github/ only: same content tree, so the release installs what staging tested
    merge = world.commit({".github/workflows/dss-plugin.yml": "name: x\n"}, "platform workflow")
    assert world.run(capsys, "release", "prod", merge) == ExitStatus.OK, world.output
    assert world.installed("prod") == "1.0.0"
    assert staging_record(dss, "prod")["contentTree"] == tree
    assert "installed and tested" in world.summary()
    with pytest.raises(DataikuException, match="has no file"):  # the archive leaves .github/ out
        dss.client("prod").get_plugin(PLUGIN_ID).get_file(".github/workflows/dss-plugin.yml")


def test_the_archive_file_holds_exactly_what_prod_installed(world, dss, capsys, tmp_path):
    head = world.commit(plugin_files("1.0.0"), "geo tools 1.0.0")
    assert world.run(capsys, "test", "staging", head) == ExitStatus.OK, world.output
    merge = world.commit({".github/workflows/dss-plugin.yml": "name: x\n"}, "platform workflow")
    asset = tmp_path / "release" / "dss-plugin-installed.zip"
    assert world.run(capsys, "release", "prod", merge, "--archive-file", str(asset)) == ExitStatus.OK, world.output
    served = dss.client("prod").download_plugin_stream(PLUGIN_ID).content
    assert _files(asset.read_bytes()) == _files(served) and ".github/workflows/dss-plugin.yml" not in _files(served)
    assert f"archive written to {asset}" in world.output


def _files(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        return {name: zipped.read(name) for name in zipped.namelist() if not name.endswith("/")}


def test_release_refuses_content_that_never_passed_on_staging(world, capsys):
    head = world.commit(plugin_files("1.0.0"), "geo tools 1.0.0")
    assert world.run(capsys, "release", "prod", head) == ExitStatus.BUNDLE_REJECTED
    assert "never passed its tests on staging" in world.output
    assert world.installed("prod") is None


def test_a_failing_plugin_test_stops_the_pr_and_the_release(world, dss, capsys):
    good = world.commit(plugin_files("1.0.0"), "1.0.0")
    assert world.run(capsys, "test", "staging", good) == ExitStatus.OK
    assert world.run(capsys, "release", "prod", good) == ExitStatus.OK
    broken = world.commit(plugin_files("1.1.0", BROKEN_LIB), "1.1.0 breaks distance")
    assert world.run(capsys, "test", "staging", broken) == ExitStatus.TESTS_FAILED
    assert "1 failed" in world.output
    # staging is shared by every project's pull requests: it runs the last version that passed there again
    assert world.installed("staging") == "1.0.0"
    assert "runs 1.0.0 again, the last version that passed there" in world.output
    assert "reinstalled 1.0.0" in world.summary()
    assert world.run(capsys, "release", "prod", broken) == ExitStatus.BUNDLE_REJECTED
    assert world.installed("prod") == "1.0.0"


def test_a_first_failing_pull_request_leaves_its_version_on_staging_saying_so(world, capsys):
    broken = world.commit(plugin_files("1.0.0", BROKEN_LIB), "1.0.0 breaks distance")
    assert world.run(capsys, "test", "staging", broken) == ExitStatus.TESTS_FAILED
    assert world.installed("staging") == "1.0.0"
    assert "no version that passed its tests there is recorded for the plugin on staging node" in world.output


def test_prod_test_failure_reinstalls_the_previous_release(world, dss, capsys):
    good = world.commit(plugin_files("1.0.0"), "1.0.0")
    assert world.run(capsys, "test", "staging", good) == ExitStatus.OK
    assert world.run(capsys, "release", "prod", good) == ExitStatus.OK
    newer = world.commit(plugin_files("1.1.0", code_env=True), "1.1.0 with a code env")
    assert world.run(capsys, "test", "staging", newer) == ExitStatus.OK
    assert "code env plugin_geo-tools_managed (created)" in world.output
    # prod differs from staging: its tests fail there (a prod-only breakage, made by hand on the node)
    prod = dss.client("prod")
    variables = prod.get_global_variables()
    variables["breakTests"] = True
    variables.save()
    tests = plugin_files("1.1.0", code_env=True)
    tests["tests/test_prod.py"] = ("import os\nfrom dataikuapi import DSSClient\n\n\ndef test_node_not_broken():\n"
                                   "    client = DSSClient(os.environ['DATAIKU_INSTANCE_URL'], "
                                   "os.environ['DATAIKU_API_KEY'])\n"
                                   "    assert not client.get_global_variables().get('breakTests')\n")
    newest = world.commit(tests, "1.1.0 checks the node")
    assert world.run(capsys, "test", "staging", newest) == ExitStatus.OK
    assert world.run(capsys, "release", "prod", newest) == ExitStatus.TESTS_FAILED_ROLLED_BACK, world.output
    assert world.installed("prod") == "1.0.0"
    assert "the previous release 1.0.0 is installed again" in world.output
    assert staging_record(dss, "prod")["version"] == "1.0.0"


def test_a_version_already_released_is_a_no_op(world, dss, capsys):
    head = world.commit(plugin_files("1.0.0"), "1.0.0")
    assert world.run(capsys, "test", "staging", head) == ExitStatus.OK
    assert world.run(capsys, "release", "prod", head) == ExitStatus.OK
    with dss.recording() as served:
        assert world.run(capsys, "release", "prod", head) == ExitStatus.OK
    assert "nothing to do" in world.output and "already released" in world.summary()
    assert ("GET", "/dip/publicapi/plugins") in served
    assert not any("FromZip" in path for _, path in served)


@pytest.mark.parametrize("desc, message", [({"id": "other", "version": "1.0.0"}, "Invalid plugin.json id 'other'"),
                                           ({"id": PLUGIN_ID, "version": "v1"}, "Invalid plugin.json version 'v1'")])
def test_bad_plugin_json_fails_naming_the_field_and_installs_nothing(world, capsys, desc, message):
    files = plugin_files("1.0.0")
    files["plugin.json"] = json.dumps(desc)
    head = world.commit(files, "bad plugin.json")
    assert world.run(capsys, "test", "staging", head) in (ExitStatus.USAGE, ExitStatus.ERROR)
    assert message in world.output and world.installed("staging") is None


def test_keys_never_appear_in_output_or_summary(world, dss, capsys):
    head = world.commit(plugin_files("1.0.0"), "1.0.0")
    assert world.run(capsys, "test", "staging", head) == ExitStatus.OK
    key = dss.admin_key("staging")
    assert key not in world.output and key not in world.summary()

"""A project whose recipe comes from a plugin: the deploy script checks the automation node has that plugin."""
import io

from dss_deploy.cli import ExitStatus

from .helpers import make_world

PLUGIN = "dss-custom-connectors"  # the sample's dev plugin on the design node


def _use_plugin_recipe(world) -> str:
    """In DSS, a dataset of the plugin's connector is added; DSS pushes it. Answer the pushed commit."""
    world.project.create_dataset("crm_accounts", f"CustomPython_{PLUGIN}-rest-api", params={})
    return world.dss_push()


def test_a_plugin_missing_on_the_node_fails_the_run_naming_it(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    head = _use_plugin_recipe(world)
    assert world.run(capsys, "test", "staging", head) == ExitStatus.DEPLOY_FAILED
    assert (f"plugin {PLUGIN} (used by dataset crm_accounts) is missing on staging node "
            f"{dss.url('staging')}") in world.output
    assert world.deployments() == {}  # nothing deployed


def test_the_run_goes_on_once_the_node_has_the_plugin(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    head = _use_plugin_recipe(world)
    archive = world.design.download_plugin_stream(PLUGIN).content
    dss.client("staging").install_plugin_from_archive(io.BytesIO(archive))
    assert world.run(capsys, "test", "staging", head) == ExitStatus.OK, world.output
    assert f"plugin {PLUGIN} 1.0.0 on staging node {dss.url('staging')} (design node: 1.0.0)" in world.output

"""WorkflowContext refuses values that could not be written verbatim into a workflow, naming field and value."""
from __future__ import annotations

import dataclasses

import pytest

from components.workflow_files import WorkflowContext
from tests.templates.conftest import PROJECT


@pytest.mark.parametrize(("field", "value"), [
    ("dss_key", ""),
    ("dss_key", "SALES KEY"),
    ("dss_key", "KEY\nname: evil"),
    ("dss_key", "_LEADING"),
    ("repository", ""),
    ("repository", "a/b"),
    ("repository", ".."),
    ("owner", ""),
    ("owner", "acme data"),
    ("deploy_action", "deploy"),
    ("deploy_action", "acme//deploy"),
    ("deploy_action", "acme/dataiku gitops/deploy"),
    ("deploy_action", "acme/repo/deploy@v1"),
    ("deploy_action_ref", ""),
    ("deploy_action_ref", "main"),
    ("deploy_action_ref", "0123456"),
    ("deploy_action_ref", "0123456789ABCDEF0123456789ABCDEF01234567"),
    ("deploy_action_ref", "0123456789abcdef0123456789abcdef012345678"),
    ("deploy_action_ref", None),
    ("dev_branch", ""),
    ("prod_branch", "feature/*"),
    ("prod_branch", "a..b"),
    ("prod_branch", "prod.lock"),
    ("prod_branch", "-prod"),
    ("prod_branch", "prod\n"),
])
def test_bad_value_is_refused_with_field_and_value(field, value):
    with pytest.raises(ValueError) as error:
        dataclasses.replace(PROJECT, **{field: value})
    assert f"WorkflowContext.{field}" in str(error.value)
    assert repr(value) in str(error.value)


def test_dev_and_prod_branches_must_differ():
    with pytest.raises(ValueError, match="dev_branch and prod_branch must differ, both are 'prod'"):
        dataclasses.replace(PROJECT, dev_branch="prod")


def test_accepts_real_world_names():
    ctx = WorkflowContext(dss_key="geo_tools-2", repository="dss.plugin_geo-tools", owner="Acme-Data",
                          deploy_action="Acme-Data/platform", deploy_action_ref="a" * 40,
                          dev_branch="feature/dss.sync", prod_branch="release/v1_prod")
    assert ctx.deploy_action == "Acme-Data/platform"

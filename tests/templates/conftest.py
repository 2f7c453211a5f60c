"""Sample contexts and the rendered files every template test reads."""
from __future__ import annotations

from pathlib import Path

import pytest

from components.workflow_files import WorkflowContext, plugin_workflow_files, project_workflow_files

DEPLOY_REF = "0123456789abcdef0123456789abcdef01234567"

PROJECT = WorkflowContext(
    dss_key="SALES_FORECAST",
    repository="dss-sales-forecast",
    owner="acme-data",
    deploy_action="acme-data/dataiku-gitops/deploy",
    deploy_action_ref=DEPLOY_REF,
)
# Non-default branches, to catch a template that hard-codes "dev"/"prod".
PROJECT_MAIN = WorkflowContext(
    dss_key="CHURN",
    repository="dss-churn",
    owner="acme-data",
    deploy_action="acme-data/dataiku-gitops/deploy",
    deploy_action_ref="fedcba9876543210fedcba9876543210fedcba98",
    dev_branch="main",
    prod_branch="release/prod",
)
PLUGIN = WorkflowContext(
    dss_key="geo-tools",
    repository="dss-plugin-geo-tools",
    owner="acme-data",
    deploy_action="acme-data/dataiku-gitops/deploy",
    deploy_action_ref=DEPLOY_REF,
)


@pytest.fixture(scope="session")
def rendered_dir(tmp_path_factory) -> Path:
    """All generated workflows written to disk, one repository directory per sample context."""
    root = tmp_path_factory.mktemp("rendered")
    for name, files in {
        "project": project_workflow_files(PROJECT),
        "project-main": project_workflow_files(PROJECT_MAIN),
        "plugin": plugin_workflow_files(PLUGIN),
    }.items():
        for path, content in files.items():
            target = root / name / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content)
    return root

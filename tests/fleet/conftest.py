"""Fleet status tests import ``dss_deploy`` from ``deploy/`` like the deploy tests (their conftest sets the path)."""
from ..deploy.conftest import DEPLOY_DIR  # noqa: F401 (puts deploy/ on sys.path)

"""Reliability tests: the deploy-script cases import ``dss_deploy`` from ``deploy/``, as the composite action does."""
from __future__ import annotations

import sys
from pathlib import Path

DEPLOY_DIR = Path(__file__).resolve().parents[2] / "deploy"
if str(DEPLOY_DIR) not in sys.path:
    sys.path.insert(0, str(DEPLOY_DIR))

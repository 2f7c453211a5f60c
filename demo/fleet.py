"""Demo step 5: the fleet at a glance — ``python -m dss_deploy status`` over the demo's projects, as the scheduled
fleet report runs it, with the plan's outputs standing in for the stack outputs (project -> repository)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def show_fleet(plan: dict, design: tuple[str, str], workdir: Path) -> int:
    """Print the fleet table and write the HTML page under ``workdir``; answer the command's exit status."""
    outputs = workdir / "stack-outputs.json"
    outputs.write_text(json.dumps({"projects": plan["outputs"]["projects"]}, indent=2))
    page = workdir / "fleet.html"
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT / "deploy"), "DSS_DESIGN_API_KEY": design[1]}
    command = [sys.executable, "-m", "dss_deploy", "status", "--design-url", design[0], "--staging-infra-id",
               "staging", "--prod-infra-id", "prod", "--stack-outputs", str(outputs), "--html", str(page)]
    print(f"$ python -m dss_deploy status --staging-infra-id staging --prod-infra-id prod "
          f"--stack-outputs {outputs.relative_to(ROOT)} --html {page.relative_to(ROOT)}")
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    print(result.stdout + result.stderr, end="")
    return result.returncode

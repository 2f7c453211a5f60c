"""`make demo` end to end: the offline GitOps loop runs and tells the truth about what happened."""
import json
import re
import subprocess
import sys
from pathlib import Path

from dss_emulator.coverage import invented_among

ROOT = Path(__file__).resolve().parents[2]
DSS = "/dip/publicapi"


def test_demo_promotes_the_tested_bundle_and_stops_a_breaking_change():
    result = subprocess.run([sys.executable, "-m", "demo"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    out = result.stdout
    assert "DSS http://127.0.0.1:11200 answered 2 discovery requests" in out
    pr = re.search(r"PR: onboarded content\s+\w+\s+staging\s+0\s+(b-\w+)\s+-", out)
    release = re.search(r"merge → release\s+\w+\s+prod\s+0\s+(b-\w+)\s+(b-\w+)", out)
    broken = re.search(r"PR: breaking change\s+\w+\s+staging\s+6\s+(b-\w+)\s+(b-\w+)", out)
    assert pr and release and broken, out[-3000:]
    tested = pr.group(1)
    assert release.groups() == (tested, tested)  # prod runs exactly the bundle the pull request tested
    assert broken.group(1) != tested and broken.group(2) == tested  # the broken bundle never reached prod
    assert re.search(r"^GitHub requests per project: create \d+ \(\d+ writes\), reconcile \d+, refresh \d+$", out,
                     re.MULTILINE)
    # a project created while the cluster runs: onboarded, timed and printed (the figure itself is not asserted)
    timeline = re.search(r"project created in DSS .*repository declared .*DSS pushed dev .*first green pull-request "
                         r"check\s+[\d.]+ s", out, re.DOTALL)
    assert timeline, out[-3000:]
    assert re.search(r"^Onboarding latency \(project created in DSS → repository declared → DSS pushed dev → first "
                     r"green pull-request check\): [\d.]+ s offline \(goal < 60 s\)", out, re.MULTILINE)
    remapped = re.search(r"SALES_FORECAST-on-staging\s+demo-1\s+HEALTHY\s+Connection sales_dev is remapped to "
                         r"filesystem_managed", out)
    assert remapped, out[-3000:]
    for key in ("dev-admin-key-demo", "staging-admin-key-demo", "prod-admin-key-demo"):
        assert key not in out + result.stderr
    served = {tuple(route) for route in json.loads((ROOT / ".demo" / "served-routes.json").read_text())}
    assert {("GET", DSS + "/projects"),  # the program's discovery
            ("POST", DSS + "/projects/{pk}/git/actions/push"),  # onboarding
            ("POST", DSS + "/project-deployer/deployments/{dep_id}/actions/update")} <= served  # the deploy script
    assert invented_among(served) == []  # nothing the demo shows rests on a route the emulator invented
    # Then the fleet table: CHURN unhealthy (its tests failed on staging's broken bundle) and waiting for
    # its merge, prod healthy on the tested bundle; the other projects have no deployment yet.
    fleet = out[out.index("=== 5. The fleet at a glance"):]
    churn = re.search(r"\nunhealthy\s+CHURN\s+dss-\S+\s+staging\s+(b-\w+)…?\s+UNHEALTHY, 1 test FAILED\s+\w+\n"
                      r"staging-ahead\s+prod\s+(b-\w+)…?\s+HEALTHY\s+\w+\n", fleet)  # long cells are cut with …
    assert churn and broken.group(1).startswith(churn.group(1)) and tested.startswith(churn.group(2)), fleet
    assert re.search(r"\nno-deployment\s+SALES_FORECAST\s", fleet) and (ROOT / ".demo" / "fleet.html").is_file()

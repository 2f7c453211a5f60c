"""`make demo` end to end: the offline GitOps loop runs and tells the truth about what happened."""
import json
import re
import subprocess
import sys
from pathlib import Path

from dss_emulator.coverage import invented_among

ROOT = Path(__file__).resolve().parents[2]
DSS = "/dip/publicapi"


def test_demo_promotes_the_tested_bundle_and_plugin_and_stops_breaking_changes():
    result = subprocess.run([sys.executable, "-m", "demo"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    out = result.stdout
    design_url = re.search(r"\n  dev\s+design\s+(http://127\.0\.0\.1:\d+)\s", out)  # a free port, not a fixed one
    assert design_url and f"DSS {design_url.group(1)} answered 2 discovery requests" in out
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
    assert_plugin_section(out[out.index("=== 8. Plugin dss-custom-connectors: PR → staging → release → prod"):])


def assert_plugin_section(plugin: str) -> None:
    """The plugin's runs: what each node serves is ``version @ content tree`` (read back from the node)."""
    state = r"(\d+\.\d+\.\d+) @ (\w{12})"
    pr = re.search(rf"\n  PR: 1\.0\.0\s+\w+\s+staging\s+0\s+{state}\s+-\n", plugin)
    release = re.search(rf"\n  merge → release\s+\w+\s+prod\s+0\s+{state}\s+{state}\n", plugin)
    broken = re.search(rf"\n  PR: broken 1\.1\.0\s+\w+\s+staging\s+6\s+{state}\s+{state}\n", plugin)
    refused = re.search(rf"\n  release attempt: 1\.1\.0\s+\w+\s+prod\s+4\s+{state}\s+{state}\n", plugin)
    assert pr and release and broken and refused, plugin[-3000:]
    tested = pr.groups()
    archive = re.search(r"archive of content tree (\w{40}) \(.*\): plugin dss-custom-connectors 1\.0\.0", plugin)
    assert tested[0] == "1.0.0" and archive.group(1).startswith(tested[1])  # staging serves the PR's content tree
    assert release.groups() == tested + tested  # prod got exactly the content tree staging tested
    assert broken.groups() == tested + tested  # the failed run gave staging back the version that passed there
    assert "runs 1.0.0 again, the last version that passed there" in plugin
    assert refused.groups()[2:] == tested  # the untested content never reached prod
    assert "never passed its tests on staging node" in plugin

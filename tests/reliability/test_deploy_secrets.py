"""Every file the deploy script writes is redacted, including the JUnit report that pytest writes."""
from __future__ import annotations

from dss_deploy.cli import ExitStatus

from ..deploy.helpers import make_world

LEAKING_TESTS_PY = '''
import os


def test_prints_and_asserts_on_the_key():
    key = os.environ["DATAIKU_API_KEY"]
    print("the key is", key)
    assert key == "another value", f"unexpected key {key}"
'''


def test_a_failing_tests_py_that_prints_the_key_leaves_it_in_no_file(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path, tests_py=LEAKING_TESTS_PY)
    outputs = tmp_path / "github-output"
    env = world.environ("staging", GITHUB_OUTPUT=str(outputs))

    status = world.run(capsys, "test", "staging", world.dss_head(), env=env)
    assert status == ExitStatus.TESTS_FAILED, world.output
    junit = world.junit().read_text()
    assert "unexpected key ***" in junit and "assert '***...***' == 'another value'" in junit
    written = {"output": world.output, "summary": world.summary(), "junit": junit, "outputs": outputs.read_text()}
    key = world.keys["staging"]
    pieces = [key[i:i + 8] for i in range(len(key) - 7)]  # pytest shortens long values to their two ends
    assert [name for name, text in written.items() if any(piece in text for piece in pieces)] == []

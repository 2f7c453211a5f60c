"""Flags, environment fallbacks and bad input through ``main([...])``: usage errors name the field and the value."""
from __future__ import annotations

import argparse
import os
import stat

import pytest
from dss_deploy.cli import ExitStatus, main
from dss_deploy.settings import Settings, register_arguments
from dss_deploy.transport import tls_files

SHA = "0123456789abcdef0123456789abcdef01234567"
PEM = ("-----BEGIN CERTIFICATE-----\nMIIBcertificatebody0123456789abcdefABCDEF\n-----END CERTIFICATE-----\n"
       "-----BEGIN PRIVATE KEY-----\nMIIEprivatekeybody0123456789abcdefABCDEF\n-----END PRIVATE KEY-----")
CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIBcaauthoritybody0123456789abcdefABCDEF\n-----END CERTIFICATE-----"


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "tests.py").write_text("def test_ok():\n    pass\n")
    return tmp_path


def argv(repo, **overrides: str) -> list[str]:
    values = {"mode": "test", "stage": "staging", "project-key": "CHURN", "commit-sha": SHA,
              "design-url": "https://design.example.com", "automation-url": "https://staging.example.com:11200",
              "infra-id": "staging", "repo-dir": str(repo)}
    values.update(overrides)
    return [item for name, value in values.items() if value is not None for item in (f"--{name}", value)]


ENV = {"DSS_DESIGN_API_KEY": "design-secret-1234", "DSS_AUTOMATION_API_KEY": "automation-secret-5678"}


def settings_from(arguments: list[str], environ: dict[str, str]) -> Settings:
    parser = argparse.ArgumentParser()
    register_arguments(parser, environ)
    return Settings.from_args(parser.parse_args(arguments), environ)


@pytest.mark.parametrize("overrides, env_change, expected", [
    ({"stage": "qa"}, {}, "Invalid --stage 'qa': choose one of staging, prod"),
    ({"mode": "deploy"}, {}, "Invalid --mode 'deploy': choose one of test, release, rollback, redeploy"),
    ({"commit-sha": "not-a-sha"}, {}, "Invalid --commit-sha 'not-a-sha': expected a full 40-character"),
    ({"commit-sha": SHA[:12]}, {}, f"Invalid --commit-sha '{SHA[:12]}'"),
    ({"project-key": "CHURN;rm"}, {}, "Invalid --project-key 'CHURN;rm'"),
    ({"infra-id": "prod/eu"}, {}, "Invalid --infra-id 'prod/eu'"),
    ({"design-url": "ftp://design"}, {}, "Invalid --design-url 'ftp://design': expected an http(s) URL"),
    ({"timeout": "soon"}, {}, "Invalid --timeout 'soon': expected a whole number of seconds"),
    ({"timeout": "0"}, {}, "Invalid --timeout '0'"),
    ({"project-key": None}, {}, "--project-key is required (or set DSS_PROJECT_KEY)"),
    ({"mode": "rollback"}, {}, "--bundle-id is required in rollback mode (or set DSS_BUNDLE_ID)"),
    ({"mode": "redeploy", "bundle-id": "b-1 2"}, {}, "Invalid --bundle-id 'b-1 2'"),
    ({"bundle-id": "b-123"}, {}, "--bundle-id 'b-123' is only for rollback and redeploy modes"),
    ({"tests-file": "missing.py"}, {}, "Invalid --tests-file 'missing.py': no such file"),
    ({"tests-file": "../tests.py"}, {}, "Invalid --tests-file '../tests.py': give a path inside --repo-dir"),
    ({}, {"DSS_DESIGN_API_KEY": ""}, "Environment variable DSS_DESIGN_API_KEY is not set (the action's "
                                     "design-api-key input)"),
    ({}, {"DSS_AUTOMATION_API_KEY": None}, "Environment variable DSS_AUTOMATION_API_KEY is not set"),
    ({}, {"DSS_CLIENT_CERTIFICATE": "/etc/cert.pem"}, "DSS_CLIENT_CERTIFICATE is not a PEM certificate"),
])
def test_bad_input_is_a_usage_error_naming_the_field(repo, capsys, overrides, env_change, expected):
    environ = {k: v for k, v in dict(ENV, **env_change).items() if v is not None}
    assert main(argv(repo, **overrides), environ) == ExitStatus.USAGE
    out = capsys.readouterr().out
    assert expected in out, out
    assert "==> " not in out  # nothing ran


def test_secrets_in_bad_input_are_not_echoed(repo, capsys):
    url = "https://ci:hunter2-password@design.example.com"
    assert main(argv(repo, **{"design-url": url}), ENV) == ExitStatus.USAGE
    assert main(argv(repo), dict(ENV, DSS_DESIGN_API_KEY="two words-secret")) == ExitStatus.USAGE
    out = capsys.readouterr().out
    assert "the URL carries credentials" in out and "contains whitespace" in out
    assert "hunter2" not in out and "words-secret" not in out


def test_argparse_errors_and_help_answer_exit_statuses(repo, capsys):
    assert main(["--no-such-flag"], ENV) == ExitStatus.USAGE
    assert "unrecognized arguments: --no-such-flag" in capsys.readouterr().err
    assert main(["--help"], ENV) == ExitStatus.OK
    assert "(env: DSS_COMMIT_SHA)" in capsys.readouterr().out


def test_flags_fall_back_to_environment_variables_and_keys_come_only_from_it(repo):
    environ = dict(ENV, DSS_MODE="rollback", DSS_STAGE="prod", DSS_PROJECT_KEY="CHURN", DSS_COMMIT_SHA=SHA,
                   DSS_DESIGN_URL="https://design.example.com/", DSS_AUTOMATION_URL="https://prod.example.com",
                   DSS_INFRA_ID="prod", DSS_BUNDLE_ID="b-0123", DSS_REPO_DIR=str(repo),
                   GITHUB_SERVER_URL="https://github.com", GITHUB_REPOSITORY="acme/dss-churn",
                   GITHUB_RUN_ID="42", GITHUB_RUN_ATTEMPT="2", GITHUB_STEP_SUMMARY=str(repo / "summary.md"))
    settings = settings_from(["--stage", "staging"], environ)  # a flag wins over its variable
    assert (settings.mode, settings.stage, settings.bundle_id, settings.infra_id) == ("rollback", "staging",
                                                                                      "b-0123", "prod")
    assert settings.design_url == "https://design.example.com"
    assert settings.deployment_id == "CHURN-on-prod"
    assert settings.run_url == "https://github.com/acme/dss-churn/actions/runs/42/attempts/2"
    assert settings.summary_file == repo / "summary.md"
    assert settings.insecure_tls is False  # verification stays on unless --insecure-tls is given
    assert settings.design_api_key == "design-secret-1234"
    assert "secret" not in repr(settings)
    parser = argparse.ArgumentParser()
    register_arguments(parser, environ)
    assert not [a for a in parser._actions if "key" in a.dest and "project" not in a.dest]  # no --api-key flag


def test_tls_material_is_written_to_private_temporary_files_and_removed(repo, tmp_path):
    settings = settings_from(argv(repo), dict(ENV, DSS_CLIENT_CERTIFICATE=PEM + "\n", DSS_CA_BUNDLE=CA_PEM))
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    with tls_files(settings, {"RUNNER_TEMP": str(runner_temp)}) as tls:
        for path, content in ((tls.certificate, PEM + "\n"), (tls.ca_bundle, CA_PEM + "\n")):
            assert path.parent == runner_temp
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
            assert path.read_text() == content
        assert tls.insecure is False
    assert not tls.certificate.exists() and not tls.ca_bundle.exists()
    with tls_files(settings_from(argv(repo), ENV), {}) as none:
        assert none.certificate is None and none.ca_bundle is None


@pytest.mark.parametrize("value, message", [
    ("/etc/ssl/ca.pem", "Environment variable DSS_CA_BUNDLE is not PEM certificates (expected the content of a PEM "
                        "file with '-----BEGIN CERTIFICATE-----' blocks, not a path)"),
    (PEM, "Environment variable DSS_CA_BUNDLE holds a private key: give only the CA certificates (the client "
          "certificate and its key go to DSS_CLIENT_CERTIFICATE, a secret)"),
])
def test_a_bad_ca_bundle_is_refused_naming_the_variable(repo, capsys, value, message):
    assert main(argv(repo), dict(ENV, DSS_CA_BUNDLE=value)) == ExitStatus.USAGE
    assert message in capsys.readouterr().out

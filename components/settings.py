"""The program's configuration: Pulumi.yaml's typed schema → one validated, frozen :class:`Settings`.

Pulumi.yaml is the single source of keys, types, defaults and secret flags; the pydantic model below adds the rules
(those of single values live in :mod:`components.config_fields`).
Every problem is reported as ONE line ``"<configKey>: <reason> (got <value>)"`` before any resource is declared;
secret values are never echoed (shown as ``[secret]``).
"""
from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import pulumi
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic.alias_generators import to_camel

from . import config_fields as rules
from . import config_sources
from .config_fields import Branch, GitHubId, NameTemplate, Secret, TeamGrant, Text, Url
from .config_sources import ConfigError
from .sharding import Shard, parse_shard

PROJECT_FILE = Path(__file__).resolve().parent.parent / "Pulumi.yaml"
SECRET_SHOWN = "[secret]"
MAX_REVIEWERS = 6  # GitHub's limit of required reviewers on an environment


@dataclass(frozen=True)
class ConfigKey:
    """One key of Pulumi.yaml's config schema."""

    name: str
    type: str
    secret: bool
    has_default: bool
    default: Any


@functools.cache
def config_schema(path: Path = PROJECT_FILE) -> dict[str, ConfigKey]:
    """The config keys declared in Pulumi.yaml, in declaration order."""
    project = yaml.safe_load(path.read_text())
    return {name: ConfigKey(name, spec["type"], bool(spec.get("secret")), "default" in spec, spec.get("default"))
            for name, spec in project["config"].items()}


def project_name(path: Path = PROJECT_FILE) -> str:
    return yaml.safe_load(path.read_text())["name"]


@dataclass(frozen=True)
class Stage:
    """One deployment stage as a GitHub environment sees it."""

    environment: str  # GitHub environment name
    automation_url: str
    infra_id: str
    design_api_key: SecretStr
    automation_api_key: SecretStr


class Settings(BaseModel):
    """The whole validated configuration (field ``design_url`` is config key ``designUrl``, and so on)."""

    model_config = ConfigDict(frozen=True, extra="forbid", alias_generator=to_camel, populate_by_name=True,
                              hide_input_in_errors=True)

    owner: Annotated[str, AfterValidator(rules.owner)]
    owner_type: Literal["organization", "user"]
    design_url: Url
    design_api_key: Secret
    staging_automation_url: Url
    staging_infra_id: Text
    staging_design_api_key: Secret
    staging_automation_api_key: Secret
    prod_automation_url: Url
    prod_infra_id: Text
    prod_design_api_key: Secret
    prod_automation_api_key: Secret
    include_projects: tuple[Annotated[str, AfterValidator(rules.glob)], ...]
    exclude_projects: tuple[Annotated[str, AfterValidator(rules.glob)], ...]
    required_tags: tuple[Annotated[str, AfterValidator(rules.tag)], ...]
    project_folder: Annotated[str, AfterValidator(rules.folder_id)]
    repository_name_template: NameTemplate
    plugin_repository_name_template: NameTemplate
    visibility: Literal["private", "internal", "public"]
    dev_branch: Branch
    prod_branch: Branch
    required_approvals: int
    production_reviewer_users: tuple[GitHubId, ...]
    production_reviewer_teams: tuple[GitHubId, ...]
    teams: tuple[Annotated[str, AfterValidator(rules.team_spec)], ...]
    dss_push_team: int
    archive_on_destroy: bool
    adopt_existing_repositories: bool
    max_deletions_per_run: int
    max_new_repositories_per_run: int
    github_write_delay_ms: int
    github_parallel_requests: bool
    github_legacy_client: bool
    github_cache_path: str
    shard: Annotated[str, AfterValidator(rules.shard)]
    allow_shard_change: bool
    plugin_repositories: bool
    deploy_action_repository: Annotated[str, AfterValidator(rules.action_repository)]
    deploy_action_ref: Annotated[str, AfterValidator(rules.sha)]
    client_certificate: Annotated[SecretStr | None, AfterValidator(rules.client_certificate)]
    ca_bundle: Annotated[str, AfterValidator(rules.ca_bundle)]
    git_remote_url_template: Annotated[str, AfterValidator(rules.remote_template)]
    variable_scope: Literal["auto", "organization", "repository"]
    dss_timeout_seconds: int
    removal_grace_runs: int
    removal_grace_days: int
    removal_max_drop_percent: int

    @field_validator("include_projects")
    @classmethod
    def _some_include(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("must list at least one glob (\"*\" = every project)")
        return value

    @field_validator("prod_branch")
    @classmethod
    def _branches_differ(cls, value: str, info: ValidationInfo) -> str:
        if value == info.data.get("dev_branch"):
            raise ValueError("must differ from devBranch")
        return value

    @field_validator("required_approvals")
    @classmethod
    def _approvals(cls, value: int) -> int:
        if not 0 <= value <= 6:
            raise ValueError("must be between 0 and 6")
        return value

    @field_validator("production_reviewer_teams")
    @classmethod
    def _reviewer_count(cls, value: tuple[int, ...], info: ValidationInfo) -> tuple[int, ...]:
        if len(value) + len(info.data.get("production_reviewer_users", ())) > MAX_REVIEWERS:
            raise ValueError(f"productionReviewerUsers and productionReviewerTeams hold at most {MAX_REVIEWERS} "
                             "ids together")
        return value

    @field_validator("removal_max_drop_percent")
    @classmethod
    def _percent(cls, value: int) -> int:
        if not 0 <= value <= 100:
            raise ValueError("must be between 0 and 100")
        return value

    @field_validator("dss_timeout_seconds")
    @classmethod
    def _timeout(cls, value: int) -> int:
        if not 1 <= value <= 3600:
            raise ValueError("must be between 1 and 3600 seconds")
        return value

    @field_validator("dss_push_team")
    @classmethod
    def _push_team(cls, value: int, info: ValidationInfo) -> int:
        if value < 0:
            raise ValueError("must be a numeric team id, or 0 for none")
        listed = [grant for grant in (rules.team(t) for t in info.data.get("teams", ())) if grant.team_id == value]
        if listed and listed[0].permission not in rules.PUSH_PERMISSIONS:
            raise ValueError(f"team {value} is in teams with {listed[0].permission!r}, but DSS pushes as it: "
                             f"give it {' / '.join(rules.PUSH_PERMISSIONS)} there")
        return value

    @field_validator("max_new_repositories_per_run")
    @classmethod
    def _at_least_one(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be 1 or more (new projects would never get a repository)")
        return value

    @field_validator("variable_scope")
    @classmethod
    def _organization_needs_an_organization(cls, value: str, info: ValidationInfo) -> str:
        if value == "organization" and info.data.get("owner_type") == "user":
            raise ValueError("organization variables need an organization owner (ownerType is user); use "
                             "repository or auto")
        return value

    @field_validator("max_deletions_per_run", "removal_grace_runs", "removal_grace_days", "github_write_delay_ms")
    @classmethod
    def _non_negative(cls, value: int) -> int:
        if value < 0:
            raise ValueError("must be 0 or more")
        return value

    # ------------------------------------------------------------------------------------------- views

    @property
    def stages(self) -> tuple[Stage, Stage]:
        """The `staging` and `production` environments, each with its own stage's values only."""
        return (Stage("staging", self.staging_automation_url, self.staging_infra_id, self.staging_design_api_key,
                      self.staging_automation_api_key),
                Stage("production", self.prod_automation_url, self.prod_infra_id, self.prod_design_api_key,
                      self.prod_automation_api_key))

    @property
    def organization_variables(self) -> bool:
        """Whether the shared settings are organization variables (variableScope, "auto" resolved by ownerType)."""
        return self.variable_scope == "organization" or (self.variable_scope == "auto"
                                                          and self.owner_type == "organization")

    @property
    def stack_shard(self) -> Shard:
        return parse_shard(self.shard)

    @property
    def team_grants(self) -> tuple[TeamGrant, ...]:
        """The configured teams, plus push for DSS's team (:attr:`dss_push_team`) when ``teams`` lacks it."""
        grants = tuple(rules.team(t) for t in self.teams)
        if self.dss_push_team and all(g.team_id != self.dss_push_team for g in grants):
            grants += (TeamGrant(self.dss_push_team, "push"),)
        return grants

    @property
    def deploy_action(self) -> str:
        """The composite action the generated workflows call (the platform repository's deploy/ directory)."""
        return f"{self.deploy_action_repository}/deploy"


# ---------------------------------------------------------------------------------------------- parsing

_TYPE_MESSAGES = {
    "int_parsing": "must be an integer", "int_type": "must be an integer", "int_from_float": "must be an integer",
    "bool_parsing": "must be true or false", "bool_type": "must be true or false",
    "string_type": "must be a string", "tuple_type": "must be a list", "missing": "is required",
}


_URL_USERINFO = re.compile(r"(://)[^/@]*@")


def _shown(key: str, value: Any, schema: Mapping[str, ConfigKey]) -> str:
    """How a value appears in an error: secrets, unknown keys and URL passwords are never echoed."""
    if key not in schema:
        return "[hidden]"  # an unknown key may be a misspelt secret
    if schema[key].secret:
        return SECRET_SHOWN
    return _URL_USERINFO.sub(r"\1***@", repr(value))


def parse_settings(raw: Mapping[str, Any]) -> Settings:
    """Validate raw config values (strings as Pulumi gives them, or already typed) into :class:`Settings`.

    Missing keys take Pulumi.yaml's default; keys without default are required. Raises :class:`ConfigError`.
    """
    schema = config_schema()
    for key, value in raw.items():
        if key not in schema:
            match = config_sources.closest(key, schema)
            hint = f", did you mean {match}? See" if match else ", see"
            raise ConfigError(f"{key}: unknown configuration key{hint} Pulumi.yaml for the keys "
                              f"(got {_shown(key, value, schema)})")
    values: dict[str, Any] = {}
    for key, spec in schema.items():
        value = raw.get(key)
        if value is None or (value == "" and spec.type != "string"):
            if not spec.has_default:
                raise ConfigError(f"{key}: is required (got nothing)")
            value = spec.default
        if spec.type == "array" and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise ConfigError(f"{key}: must be a JSON list (got {_shown(key, value, schema)})") from None
        if spec.type == "array" and not isinstance(value, list | tuple):
            raise ConfigError(f"{key}: must be a list (got {_shown(key, value, schema)})")
        if spec.type == "string" and not spec.has_default and isinstance(value, str) and not value.strip():
            raise ConfigError(f"{key}: is required (got {_shown(key, value, schema)})")
        values[key] = value
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        raise _config_error(exc, values, schema) from None


def _config_error(exc: ValidationError, values: Mapping[str, Any], schema: Mapping[str, ConfigKey]) -> ConfigError:
    error = exc.errors(include_url=False, include_context=False)[0]
    key = str(error["loc"][0])
    reason = _TYPE_MESSAGES.get(error["type"], error["msg"].removeprefix("Value error, "))
    if error["type"] == "literal_error":
        reason = reason.replace("Input should be", "must be")
    if len(error["loc"]) > 1 and error["type"] in _TYPE_MESSAGES:
        reason = f"item {error['loc'][1]} {reason}"
    return ConfigError(f"{key}: {reason} (got {_shown(key, values.get(key), schema)})")


def load_settings(config: pulumi.Config | None = None) -> Settings:
    """Read every key of this project's config once (plain and secret alike) and validate it.

    Secret values stay ``SecretStr`` in :class:`Settings` and enter resources only as ``Output.secret``.
    Keys of this project's namespace that Pulumi.yaml does not declare are refused, wherever they are set
    (:mod:`components.config_sources`), since a misspelt key would silently leave the real one at its default.
    """
    config = config or pulumi.Config()
    config_sources.check_environment(config.name, config_schema())
    keys = list(config_schema()) + sorted(config_sources.configured_keys(config.name))
    raw = {key: config.get(key) for key in dict.fromkeys(keys)}
    return parse_settings({key: value for key, value in raw.items() if value is not None})

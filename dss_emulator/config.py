"""The serve configuration: which instances run, on which ports, with which keys and infras."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


class ConfigError(ValueError):
    """A configuration problem, phrased as one line naming the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InfraConfig(_Strict):
    """A Project Deployer infra: a stage and the automation node it deploys to."""

    id: str = Field(min_length=1)
    stage: str = "Development"
    automation_node: str | None = None  # the name of an instance served by the same process
    url: str | None = None  # or the URL and admin key of a node in another process
    api_key: str | None = None

    @model_validator(mode="after")
    def _one_target(self):
        if bool(self.automation_node) == bool(self.url):
            raise ValueError("give either automation_node or url (with api_key)")
        if self.url and not self.api_key:
            raise ValueError("api_key is required with url")
        return self


class TlsConfig(_Strict):
    """HTTPS in front of an instance, standing for the TLS / mTLS reverse proxy a DSS node sits behind (a transport
    choice of the operator, not a DSS behaviour): with ``client_ca`` every client must present a certificate signed
    by it, else the TLS handshake fails."""

    certfile: Path
    keyfile: Path
    client_ca: Path | None = None


class InstanceConfig(_Strict):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_-]+$")
    role: Literal["design", "automation"] = "design"
    port: int = Field(ge=0, le=65535)
    host: str = "127.0.0.1"
    admin_key: str = Field(min_length=8)
    infras: tuple[InfraConfig, ...] = ()
    tls: TlsConfig | None = None
    # larger request bodies answer 413 without being read (bundle and plugin archives travel as bodies)
    max_request_body_mib: int = Field(default=64, ge=1, le=4096)

    @model_validator(mode="after")
    def _infras_on_design_only(self):
        if self.infras and self.role != "design":
            raise ValueError("only a design instance has a Project Deployer with infras")
        return self


class ServeConfig(_Strict):
    data_dir: Path
    instances: tuple[InstanceConfig, ...] = Field(min_length=1)
    # directories under which local-path git remotes (``/srv/git/x.git``, ``file://...``) may be; none by default
    local_remote_roots: tuple[Path, ...] = ()

    @model_validator(mode="after")
    def _consistent(self):
        """Cross-instance rules; each message starts with the path of the offending field."""
        names = [i.name for i in self.instances]
        for i, inst in enumerate(self.instances):
            first = names.index(inst.name)
            if first != i:
                raise ValueError(f"instances.{i}.name: {inst.name!r} is already the name of instances.{first}")
            taken = [j for j, other in enumerate(self.instances[:i]) if inst.port and other.port == inst.port]
            if taken:
                raise ValueError(f"instances.{i}.port: {inst.port} is already used by instance {names[taken[0]]!r}")
            for k, infra in enumerate(inst.infras):
                where = f"instances.{i}.infras.{k}.automation_node"
                if infra.automation_node and infra.automation_node not in names:
                    raise ValueError(f"{where}: infra {infra.id} names unknown instance {infra.automation_node!r}")
                if infra.automation_node and self.instance(infra.automation_node).role != "automation":
                    raise ValueError(f"{where}: instance {infra.automation_node!r} is not an automation node")
        return self

    def instance(self, name: str) -> InstanceConfig:
        return next(i for i in self.instances if i.name == name)


def _one_line(error: ValidationError) -> str:
    first = error.errors()[0]
    message = first["msg"].removeprefix("Value error, ")
    if not first["loc"]:  # a cross-field rule of ServeConfig: its message starts with the field path
        return message
    where = ".".join(str(part) for part in first["loc"])
    value = first.get("input")
    if first["type"] == "missing":
        return f"{where}: field required"
    shown = "" if isinstance(value, (dict, list, tuple)) else f" (got {value!r})"
    return f"{where}: {message}{shown}"


def parse_config(data: object) -> ServeConfig:
    """Validate a parsed config; raise :class:`ConfigError` naming the first bad field."""
    if not isinstance(data, dict):
        raise ConfigError(f"config: expected a mapping at top level, got {type(data).__name__}")
    try:
        return ServeConfig.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_one_line(error)) from None


def load_config(path: Path) -> ServeConfig:
    """Read and validate a YAML serve config file."""
    try:
        data = yaml.safe_load(Path(path).read_text())
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: invalid YAML: {str(error).splitlines()[0]}") from None
    return parse_config(data)

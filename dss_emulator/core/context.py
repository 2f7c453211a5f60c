"""What a handler gets: the instance, the caller's key, the parsed request."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import auth
from .exceptions import InvalidArgument, MalformedJSON

if TYPE_CHECKING:
    from ..instance import Instance

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}


@dataclass
class UploadedFile:
    filename: str
    content: bytes


@dataclass
class RequestContext:
    instance: Instance
    method: str
    path: str
    query: Any  # starlette QueryParams: .get(), .getlist()
    body: bytes
    key: auth.ApiKey | None
    files: dict[str, UploadedFile] = field(default_factory=dict)

    def json(self, default: Any = None) -> Any:
        """The body parsed as JSON whatever the content type (dataikuapi sends none); 400 if malformed."""
        if not self.body.strip():
            return default
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise MalformedJSON(f"Malformed JSON body: {exc}", f"Could not parse request body as JSON: {exc}") from None

    def json_object(self) -> dict:
        """The body as a JSON object ({} when empty); 400 for any other JSON type."""
        body = self.json({})
        if not isinstance(body, dict):
            raise MalformedJSON("Expected a JSON object as request body", f"Got {type(body).__name__}")
        return body

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, default)

    def flag(self, name: str, default: bool = False) -> bool:
        """A boolean query parameter; the client sends Python's ``True`` / ``False``."""
        value = self.query.get(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise InvalidArgument(f"Invalid boolean for query parameter {name}: {value!r}")

    def int_arg(self, name: str, default: int) -> int:
        value = self.query.get(name)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise InvalidArgument(f"Invalid integer for query parameter {name}: {value!r}") from None

    def file(self, field_name: str = "file") -> UploadedFile:
        """The uploaded multipart part (dataikuapi names it ``file``); 400 when absent."""
        try:
            return self.files[field_name]
        except KeyError:
            raise InvalidArgument(f"Missing multipart field {field_name!r}") from None

    @property
    def login(self) -> str:
        """The DSS user the caller acts as (commit author): ``admin`` for admin keys, else the key's label."""
        if self.key is None or self.key.admin:
            return "admin"
        return re.sub(r"[^\w.@-]+", "-", self.key.label).strip("-") or "api-key"

    def require_project(self, project_key: str, access: str = "read") -> None:
        auth.require(self.key, project_key, access)

    def require_admin(self) -> None:
        auth.require_admin(self.key)

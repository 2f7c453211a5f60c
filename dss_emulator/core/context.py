"""What a handler gets: the instance, the caller's key, the parsed request."""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import auth
from .exceptions import InvalidArgument, MalformedJSON
from .jsonshape import check

if TYPE_CHECKING:
    from ..instance import Instance

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}
MAX_JSON_DEPTH = 100  # DSS objects nest a dozen levels; deeper bodies are refused before anything walks them


@dataclass
class UploadedFile:
    filename: str
    content: bytes


def _no_body() -> tuple[bytes, dict[str, UploadedFile]]:
    return b"", {}


def _depth(value: Any) -> int:
    """How deeply ``value`` nests lists and objects (iteratively: a deep value must not exhaust the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in children)
    return deepest


@dataclass
class RequestContext:
    """The request as a handler sees it. The body is read on first use, so that a handler checks the caller's
    rights before any byte of it is received (``read_body`` streams it, capped)."""

    instance: Instance
    method: str
    path: str
    query: Any  # starlette QueryParams: .get(), .getlist()
    key: auth.ApiKey | None
    read_body: Callable[[], tuple[bytes, dict[str, UploadedFile]]] = _no_body
    _content: tuple[bytes, dict[str, UploadedFile]] | None = field(default=None, init=False, repr=False)

    def _received(self) -> tuple[bytes, dict[str, UploadedFile]]:
        if self._content is None:
            self._content = self.read_body()
        return self._content

    @property
    def body(self) -> bytes:
        return self._received()[0]

    @property
    def files(self) -> dict[str, UploadedFile]:
        return self._received()[1]

    def json(self, default: Any = None) -> Any:
        """The body parsed as JSON whatever the content type (dataikuapi sends none); 400 if malformed or nested
        deeper than ``MAX_JSON_DEPTH``."""
        if not self.body.strip():
            return default
        try:
            value = json.loads(self.body)
            too_deep = _depth(value) > MAX_JSON_DEPTH
        except ValueError as exc:
            raise MalformedJSON(f"Malformed JSON body: {exc}", f"Could not parse request body as JSON: {exc}") from None
        except RecursionError:
            too_deep = True
        if too_deep:
            raise MalformedJSON("Malformed JSON body: nested too deeply",
                                f"Malformed JSON body: lists and objects may nest at most {MAX_JSON_DEPTH} levels")
        return value

    def json_object(self, shape: dict | None = None) -> dict:
        """The body as a JSON object ({} when empty); 400 for any other JSON type, or when a field does not have
        its ``shape`` (see :mod:`~dss_emulator.core.jsonshape`)."""
        body = self.json({})
        if not isinstance(body, dict):
            raise MalformedJSON("Expected a JSON object as request body", f"Got {type(body).__name__}")
        return check(body, shape) if shape else body

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

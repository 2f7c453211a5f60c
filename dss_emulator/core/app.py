"""The ASGI app of one emulated DSS instance: auth, dispatch, error shaping, fault injection."""
from __future__ import annotations

import asyncio
import json
import logging
import traceback
from typing import TYPE_CHECKING

from anyio import from_thread
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from .auth import authorize, key_from_headers
from .context import RequestContext, UploadedFile
from .exceptions import DSSError, InjectedFault, InvalidArgument, NotImplementedRoute, PayloadTooLarge
from .nulls import drop_nulls
from .routing import Raw, RouteSpec, Text
from .version import DSS_VERSION

if TYPE_CHECKING:
    from ..instance import Instance

log = logging.getLogger("dss_emulator")


def _json_response(data, status: int = 200) -> Response:
    return Response(json.dumps(data), status_code=status, media_type="application/json")


def _error_response(error: DSSError) -> Response:
    return _json_response(error.as_dict(), error.status)


def _to_response(result) -> Response:
    if isinstance(result, Response):
        return result
    if isinstance(result, Raw):
        return Response(result.content, media_type=result.media_type)
    if isinstance(result, Text):
        return Response(result.content, media_type="text/plain")
    return _json_response({} if result is None else drop_nulls(result))


def _too_large(limit: int) -> PayloadTooLarge:
    mib = limit >> 20
    return PayloadTooLarge(f"Request body too large: more than {mib} MiB",
                           f"Request body too large: this node accepts at most {mib} MiB "
                           "(max_request_body_mib in the emulator configuration)")


def _declared_length(request: Request, limit: int) -> None:
    """Refuse at once a body whose Content-Length is over ``limit`` (or not a number): nothing of it is read."""
    declared = request.headers.get("content-length")
    if declared is None:
        return
    if not declared.isdigit():
        raise InvalidArgument(f"Invalid Content-Length: {declared[:40]!r}")
    if int(declared) > limit:
        raise _too_large(limit)


async def _read_body(request: Request, limit: int) -> tuple[bytes, dict[str, UploadedFile]]:
    """The body (or the multipart files), received chunk by chunk and refused past ``limit`` bytes."""
    _declared_length(request, limit)
    received = 0

    async def capped_receive():
        nonlocal received
        message = await request.receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise _too_large(limit)
        return message

    capped = Request(request.scope, capped_receive)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await capped.body(), {}
    files: dict[str, UploadedFile] = {}
    try:
        form = await capped.form(max_part_size=limit)
    except HTTPException as exc:  # starlette's answer to a malformed multipart body
        raise InvalidArgument(f"Malformed multipart body: {exc.detail}") from None
    for name, value in form.multi_items():
        if hasattr(value, "read"):
            files[name] = UploadedFile(value.filename or name, await value.read())
    return b"", files


def _make_endpoint(instance: Instance, spec: RouteSpec):
    limit = instance.config.max_request_body_mib << 20

    async def endpoint(request: Request) -> Response:
        path = request.url.path
        instance.served.record(spec.method, spec.path)
        try:
            fault = instance.route_faults.take(request.method, path)
            if fault is not None:
                if fault.delay:
                    await asyncio.sleep(fault.delay)
                if fault.status:
                    raise InjectedFault(fault.status, fault.message)
            key = instance.keys.authenticate(key_from_headers(request.headers))
            authorize(key, spec.access, request.path_params)
            # read from the handler's thread on first use: after the declared access (above) and any object-level
            # check of the handler
            ctx = RequestContext(instance, request.method, path, request.query_params, key,
                                 lambda: from_thread.run(_read_body, request, limit))
            result = await run_in_threadpool(spec.handler, ctx, **request.path_params)
            return _to_response(result)
        except DSSError as error:
            return _error_response(error)
        except ClientDisconnect:  # the client gave up (its own timeout): nobody reads an answer, and no bug
            return Response(status_code=499)
        except Exception as exc:  # an emulator bug: answer 500 and keep it for the test that caused it
            instance.record_error(f"{request.method} {path}", exc)
            log.error("internal error on %s %s\n%s", request.method, path, traceback.format_exc())
            return _error_response(DSSError(f"Internal emulator error: {exc}", traceback.format_exc()))
    endpoint.__name__ = spec.handler.__name__
    return endpoint


PUBLIC_API, CLIENT_API = "/public/api/", "/dip/publicapi/"


class _NormalisePath:
    """Tolerate trailing slashes and the ``//dip`` the client builds from a host ending in ``/``; serve the
    documented ``/public/api/`` base as ``/dip/publicapi/`` (EV-T01, EV-T02); send ``DSS-Version`` (EV-T04)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        while "//" in path:
            path = path.replace("//", "/")
        if len(path) > 1:
            path = path.rstrip("/")
        if (path + "/").startswith(PUBLIC_API):
            path = CLIENT_API + path[len(PUBLIC_API):]
        scope = dict(scope, path=path, raw_path=path.encode())

        async def send_with_version(message):
            if message["type"] == "http.response.start":
                message = dict(message, headers=[*message.get("headers", []), (b"dss-version", DSS_VERSION.encode())])
            await send(message)

        await self.app(scope, receive, send_with_version)


def _specificity(spec: RouteSpec) -> list[int]:
    """Sort key: at each path segment a literal beats a parameter, which beats a ``{x:path}`` catch-all."""
    return [2 if seg.endswith(":path}") else 1 if seg.startswith("{") else 0 for seg in spec.path.split("/")]


def build_app(instance: Instance, specs: list[RouteSpec]) -> _NormalisePath:
    """The ASGI app serving ``specs`` for ``instance``; unknown routes answer a DSS-shaped 501.

    Routes are tried most specific first, so ``/scenarios/testing-status`` wins over ``/scenarios/{sid}``
    whatever the order of the areas in ``urls.py``.
    """
    ordered = sorted(specs, key=_specificity)
    routes = [Route(spec.path, _make_endpoint(instance, spec), methods=[spec.method]) for spec in ordered]

    async def not_implemented(request: Request, exc) -> Response:
        return _error_response(NotImplementedRoute(
            f"Not implemented by the DSS emulator: {request.method} {request.url.path}",
            f"The DSS emulator has no route for {request.method} {request.url.path}"))

    app = Starlette(routes=routes, exception_handlers={404: not_implemented, 405: not_implemented})
    return _NormalisePath(app)

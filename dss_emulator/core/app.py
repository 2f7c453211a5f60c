"""The ASGI app of one emulated DSS instance: auth, dispatch, error shaping, fault injection."""
from __future__ import annotations

import asyncio
import json
import logging
import traceback
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .auth import key_from_headers
from .context import RequestContext, UploadedFile
from .exceptions import DSSError, InjectedFault, NotImplementedRoute
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


def _make_endpoint(instance: Instance, spec: RouteSpec):
    async def endpoint(request: Request) -> Response:
        path = request.url.path
        try:
            fault = instance.route_faults.take(request.method, path)
            if fault is not None:
                if fault.delay:
                    await asyncio.sleep(fault.delay)
                if fault.status:
                    raise InjectedFault(fault.status, fault.message)
            key = instance.keys.authenticate(key_from_headers(request.headers)) if spec.auth else None
            body = b""
            files: dict[str, UploadedFile] = {}
            if request.headers.get("content-type", "").startswith("multipart/form-data"):
                form = await request.form(max_part_size=1 << 30)
                for name, value in form.multi_items():
                    if hasattr(value, "read"):
                        files[name] = UploadedFile(value.filename or name, await value.read())
            else:
                body = await request.body()
            ctx = RequestContext(instance, request.method, path, request.query_params, body, key, files)
            result = await run_in_threadpool(spec.handler, ctx, **request.path_params)
            return _to_response(result)
        except DSSError as error:
            return _error_response(error)
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

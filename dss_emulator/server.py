"""Serve one or several emulated instances from one process (uvicorn servers on one event loop)."""
from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import uvicorn

from .config import ServeConfig, TlsConfig
from .core.app import build_app
from .core.served import RouteKey
from .instance import Instance
from .urls import all_routes


def _tls_options(tls: TlsConfig | None) -> dict:
    """uvicorn's SSL options: HTTPS with the instance's certificate; client certificates required with a CA."""
    if tls is None:
        return {}
    options = {"ssl_certfile": str(tls.certfile), "ssl_keyfile": str(tls.keyfile)}
    if tls.client_ca is not None:
        options.update(ssl_ca_certs=str(tls.client_ca), ssl_cert_reqs=ssl.CERT_REQUIRED)
    return options


class EmulatorServer:
    """Start with :meth:`start` (or ``with``); ports 0 are bound to free ports, read back with :meth:`url`."""

    def __init__(self, config: ServeConfig):
        self.config = config
        self.instances: dict[str, Instance] = {
            ic.name: Instance(ic, config.data_dir, self.peer, config.local_remote_roots) for ic in config.instances
        }
        self._servers: list[uvicorn.Server] = []
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None

    def peer(self, name: str) -> tuple[str, str]:
        """URL and admin key of another instance of this process (infras name them)."""
        inst = self.instances[name]
        return inst.url, inst.config.admin_key

    def url(self, name: str) -> str:
        return self.instances[name].url

    @contextmanager
    def recording(self) -> Iterator[set[RouteKey]]:
        """The ``(method, route path)`` pairs any instance serves inside the ``with`` block."""
        collected: set[RouteKey] = set()
        with ExitStack() as stack:
            for inst in self.instances.values():
                stack.enter_context(inst.served.recording(collected))
            yield collected

    def start(self) -> EmulatorServer:
        routes = all_routes()
        sockets = []
        for inst in self.instances.values():
            # proto IPPROTO_TCP, not 0: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP, and
            # without it every request on a kept-alive connection waits ~40 ms (Nagle + delayed ACK)
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((inst.config.host, inst.config.port))
            except OSError as exc:
                for s in sockets:
                    s.close()
                sock.close()
                raise OSError(f"instance {inst.name}: cannot listen on {inst.config.host}:{inst.config.port}: "
                              f"{exc.strerror}") from None
            sock.listen(128)
            host, port = sock.getsockname()[:2]
            inst.url = f"{'https' if inst.config.tls else 'http'}://{host}:{port}"
            sockets.append(sock)
            cfg = uvicorn.Config(build_app(inst, routes), log_level="warning", access_log=False,
                                 timeout_graceful_shutdown=2, lifespan="off", **_tls_options(inst.config.tls))
            self._servers.append(uvicorn.Server(cfg))
        self._thread = threading.Thread(target=self._run, args=(sockets,), name="dss-emulator", daemon=True)
        self._thread.start()
        self._ready.wait(30)
        if self._startup_error is not None:
            raise self._startup_error
        return self

    def _run(self, sockets: list[socket.socket]) -> None:
        async def main():
            pairs = zip(self._servers, sockets, strict=True)
            tasks = [asyncio.create_task(server.serve(sockets=[sock])) for server, sock in pairs]
            while not all(server.started for server in self._servers):
                if any(t.done() for t in tasks):
                    break
                await asyncio.sleep(0.01)
            self._ready.set()
            await asyncio.gather(*tasks)
        try:
            asyncio.run(main())
        except BaseException as exc:  # surfaced to start()
            self._startup_error = exc
            self._ready.set()

    def stop(self) -> None:
        for server in self._servers:
            server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

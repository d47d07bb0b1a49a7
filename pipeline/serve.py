"""A read-only SPARQL 1.1 Protocol endpoint over the store: Oxigraph's own server.

``oxigraph serve-read-only`` (the ``oxigraph`` package on PyPI) opens the
store's RocksDB database read-only, so it needs no lock and refuses updates.
It serves the generation that was current when it started (see
:mod:`pipeline.store`), which no process ever writes: builds run beside it and
write new generations, and the server keeps its own, pinned by the readers'
lock it inherits, until it stops. Restart it to see a newer build.

Queries see the union of all graphs by default, as the CLI does. The
endpoint is ``http://HOST:PORT/query`` (GET or POST); ``/`` has a query page.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, NoReturn

from .store import pin_generation, release

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878


class ServeError(Exception):
    """The endpoint cannot be started (no server installed, port taken)."""


def oxigraph_executable() -> str:
    """The ``oxigraph`` command installed beside this Python, or else on the PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if not found:
        raise ServeError("the Oxigraph server is not installed (pip install oxigraph)")
    return found


def check_port_free(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Raise :class:`ServeError` if ``host:port`` cannot be bound (taken, or not an address of this machine)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: TIME_WAIT is no obstacle
        try:
            probe.bind((host, port))
        except OSError as error:
            raise ServeError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def server_command(database: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> list[str]:
    """The command line of the read-only Oxigraph server over one generation's ``database`` folder.

    >>> server_command(Path("graphs/store/generations/000001/oxigraph"), "::1", 8000)[1:]
    ['serve-read-only', '--location', 'graphs/store/generations/000001/oxigraph', '--bind', '[::1]:8000', '--union-default-graph']
    """
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return [oxigraph_executable(), "serve-read-only", "--location", str(database), "--bind", address, "--union-default-graph"]


def exec_server(store: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, before: Callable[[], None] = lambda: None) -> NoReturn:
    """Become the server over the store's current generation, which stays pinned while it runs; ``before`` runs just before."""
    database, lock = pin_generation(store)
    command = server_command(database, host, port)
    if lock is not None:
        os.set_inheritable(lock, True)  # the server holds the generation from now on
    before()
    os.execv(command[0], command)


def start_server(store: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, timeout: float = 30) -> subprocess.Popen:
    """Start the endpoint in the background and return once it accepts connections; stop it with ``terminate()``."""
    database, lock = pin_generation(store)
    errors = tempfile.TemporaryFile()
    try:
        process = subprocess.Popen(server_command(database, host, port), stdout=subprocess.DEVNULL, stderr=errors,
                                   pass_fds=() if lock is None else (lock,))
    finally:
        release(lock)  # the server holds its own copy of the lock
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip().splitlines()
            raise ServeError(f"the Oxigraph server stopped: {message[-1] if message else f'exit code {process.returncode}'}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    process.wait()
    raise ServeError(f"the Oxigraph server did not answer on {host}:{port} within {timeout:g} s")


def endpoint_url(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> str:
    """The SPARQL query endpoint's URL.

    >>> endpoint_url("127.0.0.1", 7878)
    'http://127.0.0.1:7878/query'
    """
    return f"http://[{host}]:{port}/query" if ":" in host else f"http://{host}:{port}/query"

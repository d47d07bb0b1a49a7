"""A read-only SPARQL 1.1 Protocol endpoint over the store: Oxigraph's own server.

``oxigraph serve-read-only`` (the ``oxigraph`` package on PyPI) opens the
store's RocksDB database read-only, so it needs no lock and refuses updates.
It serves the store as it was when the server started: restart it after
``claimgraph build``. Reading a database that another process is writing is
undefined behaviour in Oxigraph, so :func:`check_servable` refuses to start
while a process (a build, or any ``claimgraph`` command) holds the store's
write lock; a build started while the server runs should wait for it to stop.

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

from .store import DATABASE_LINK, STORE_MARKER, StoreNotFound

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878


class ServeError(Exception):
    """The endpoint cannot be started (no server installed, store busy, port taken)."""


def oxigraph_executable() -> str:
    """The ``oxigraph`` command installed beside this Python, or else on the PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if not found:
        raise ServeError("the Oxigraph server is not installed (pip install oxigraph)")
    return found


def database_path(store: Path) -> Path:
    """The Oxigraph database folder inside a claimgraph store, which must exist."""
    if not (Path(store) / STORE_MARKER).is_file():
        raise StoreNotFound(f"no claimgraph store at {store} (run `claimgraph build` first, or pass --store)")
    return Path(store) / DATABASE_LINK


def lock_holder(store: Path) -> int | None:
    """The id of a process holding the store's write lock, from ``/proc/locks`` (Linux); ``None`` if free.

    Read-only: it never opens the lock file, so it cannot disturb a lock this process holds.
    """
    lock_file = database_path(store) / "LOCK"
    try:
        info = lock_file.stat()
        table = Path("/proc/locks").read_text()
    except OSError:
        return None
    wanted = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    for line in table.splitlines():
        fields = line.replace("->", "").split()
        if len(fields) > 5 and fields[5] == wanted:
            return int(fields[4])
    return None


def check_servable(store: Path) -> None:
    """Raise :class:`ServeError` if another process is writing the store right now."""
    holder = lock_holder(store)
    if holder is not None:
        raise ServeError(f"the store {store} is open for writing by process {holder} (a build?); "
                         "serve it when that process has finished")


def check_port_free(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Raise :class:`ServeError` if ``host:port`` cannot be bound (taken, or not an address of this machine)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: TIME_WAIT is no obstacle
        try:
            probe.bind((host, port))
        except OSError as error:
            raise ServeError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def server_command(store: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> list[str]:
    """The command line of the read-only Oxigraph server over ``store``.

    >>> server_command(Path("graphs/store"), "::1", 8000)[1:]
    ['serve-read-only', '--location', 'graphs/store/oxigraph', '--bind', '[::1]:8000', '--union-default-graph']
    """
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    location = str(Path(store) / DATABASE_LINK)
    return [oxigraph_executable(), "serve-read-only", "--location", location, "--bind", address, "--union-default-graph"]


def start_server(store: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, timeout: float = 30) -> subprocess.Popen:
    """Start the endpoint in the background and return once it accepts connections; stop it with ``terminate()``."""
    database_path(store)
    check_servable(store)
    errors = tempfile.TemporaryFile()
    process = subprocess.Popen(server_command(store, host, port), stdout=subprocess.DEVNULL, stderr=errors)
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

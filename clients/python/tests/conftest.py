"""Fixtures: real `licnn serve` processes on free loopback ports, serving the bundled model.

The repository's ./licnn launcher starts them (it builds the Java project first when needed).
Every server is stopped at the end of its scope: TERM, then KILL after 20 s.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

import licnn

ROOT = Path(__file__).resolve().parents[3]
LAUNCHER = ROOT / "licnn"
SAMPLES = sorted((ROOT / "samples").glob("*.png"))
START_SECONDS = float(os.environ.get("LICNN_TEST_START_SECONDS", "240"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `licnn serve` process; ``target`` is its host:port, ``metrics()`` its counters."""

    def __init__(self, log: Path, *args: str, metrics: bool = False) -> None:
        self.port = free_port()
        self.metrics_port = free_port() if metrics else -1
        self.target = f"127.0.0.1:{self.port}"
        self.log = log
        env = dict(os.environ, LICNN_JAVA_OPTS=os.environ.get("LICNN_SERVER_JAVA_OPTS", "-Xmx1g"))
        cmd = [str(LAUNCHER), "serve", "--host", "127.0.0.1", "--port", str(self.port),
               "--metrics-port", str(self.metrics_port), "--metrics-host", "127.0.0.1", "--no-warmup",
               "--shutdown-delay-seconds", "0", *args]
        self._log = open(log, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, cwd=ROOT,
                                     start_new_session=True)

    def wait_serving(self, **client_kwargs: object) -> "Server":
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.tail()}")
            try:
                with licnn.Client(self.target, timeout=5, attempts=1, **client_kwargs) as c:  # type: ignore[arg-type]
                    c.models()
                return self
            except licnn.Unavailable:
                time.sleep(0.5)
        raise RuntimeError(f"server not serving after {START_SECONDS:.0f} s: {self.tail()}")

    def tail(self) -> str:
        try:
            return " | ".join(self.log.read_text(errors="replace").splitlines()[-5:])
        except OSError:
            return ""

    def metrics(self) -> Dict[str, float]:
        """The server's Prometheus samples, by name with labels (``licnn_in_flight``, ...)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=10) as r:
            text = r.read().decode()
        out: Dict[str, float] = {}
        for line in text.splitlines():
            m = re.match(r"^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?)\s+(\S+)$", line)
            if m:
                out[m.group(1)] = float(m.group(2))
        return out

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
        self._log.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The plaintext server every test may use (metrics on)."""
    s = Server(tmp_path_factory.mktemp("server") / "server.log", metrics=True)
    try:
        yield s.wait_serving()
    finally:
        s.stop()


@pytest.fixture(scope="session")
def client(server: Server) -> Iterator[licnn.Client]:
    with licnn.Client(server.target) as c:
        yield c


@pytest.fixture(scope="session")
def image() -> Path:
    assert SAMPLES, f"no sample PNG under {ROOT / 'samples'}"
    return SAMPLES[0]


@pytest.fixture(scope="session")
def images() -> List[Path]:
    return SAMPLES


def start_servers(tmp: Path, n: int, *args: str, **client_kwargs: object) -> List[Server]:
    servers = [Server(tmp / f"server-{i}.log", *args) for i in range(n)]
    try:
        for s in servers:
            s.wait_serving(**client_kwargs)
    except BaseException:
        for s in servers:
            s.stop()
        raise
    return servers


def java_explain(target: str, image: Path, out: Path, *args: str) -> Path:
    """Runs `licnn explain` (the Java client) and returns the folder it wrote for ``image``."""
    env = dict(os.environ, LICNN_JAVA_OPTS=os.environ.get("LICNN_CLIENT_JAVA_OPTS", "-Xmx512m"))
    r = subprocess.run([str(LAUNCHER), "explain", str(image), "--target", target, "--out", str(out), *args],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f"licnn explain failed: {r.stderr[-2000:]}"
    found = [p.parent for p in out.rglob("saliency.npy")]
    assert len(found) == 1, f"expected one result folder under {out}, got {found}"
    return found[0]


def wait_for(predicate, what: str, seconds: float = 60.0, every: float = 0.2) -> None:
    """Polls ``predicate`` until it is true (bounded: fails after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not seen within {seconds:.0f} s")
        time.sleep(every)


def metric(server: Server, name: str) -> float:
    return server.metrics().get(name, 0.0)



"""Servers under measurement, each in its own OS process, logging to a file in the run's
temp dir: started, waited for, stopped gracefully, or killed with SIGKILL."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx

READY_TIMEOUT_S = 60.0


def env_with_telemetry() -> dict[str, str]:
    """As in production: telemetry on (spans made; exported only if an OTLP endpoint is set)."""
    return {k: v for k, v in os.environ.items() if k != "OTEL_SDK_DISABLED"}


def otlp_exporter_configured() -> bool:
    return bool(os.getenv("OTEL_EXPORTER_OTLP_ENDPOINT") or os.getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


class ServerProcess:
    """A server in its own process. ``start()`` may be called again after ``stop()`` or
    ``kill()``: the same command on the same port, appending to the same log."""

    def __init__(
        self, name: str, argv: list[str], env: dict[str, str], port: int, health: str, workdir: Path
    ) -> None:
        self.name, self.port, self.argv, self.env, self.health = name, port, argv, env, health
        self.base_url = f"http://127.0.0.1:{port}"
        self.log_file = workdir / f"{name}.log"
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0  # perf_counter just before the process was created

    @property
    def pid(self) -> int:
        return self.process.pid

    def start(self) -> None:
        self._log = open(self.log_file, "ab")  # noqa: SIM115 - closed in stop() / kill()
        self._log.write(f"--- {self.name} started {datetime.now(UTC).isoformat()} ---\n".encode())
        self._log.flush()
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(self.argv, env=self.env, stdout=self._log, stderr=subprocess.STDOUT)

    def exited(self) -> int | None:
        """The exit code, or None while it runs."""
        return self.process.poll() if self.process else None

    async def wait_ready(
        self,
        timeout: float = READY_TIMEOUT_S,
        until: Callable[[dict], object] | None = None,
        awaited: str = "ready",
    ) -> float:
        """Seconds until the health path answered 200 and, given ``until``, its JSON body
        satisfied it (``awaited`` says what that means); raises if the process exits first."""
        t0 = time.perf_counter()
        async with httpx.AsyncClient(base_url=self.base_url, timeout=2.0) as client:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with code {self.process.returncode}")
                with contextlib.suppress(httpx.HTTPError, ValueError):
                    response = await client.get(self.health)
                    if response.status_code == 200 and (until is None or until(response.json())):
                        return time.perf_counter() - t0
                if time.perf_counter() - t0 > timeout:
                    raise TimeoutError(f"{self.name} not {awaited} after {timeout:.0f}s")
                await asyncio.sleep(0.2)

    def log_tail(self, chars: int = 4000) -> str:
        with contextlib.suppress(OSError):
            return self.log_file.read_text(errors="replace")[-chars:]
        return ""

    def stop(self) -> None:
        """SIGTERM (uvicorn shuts down gracefully), SIGKILL after 15 s."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._close_log()

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, as when the machine or the OOM killer takes it."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._close_log()

    def _close_log(self) -> None:
        if hasattr(self, "_log"):
            self._log.close()


class StartFailed(RuntimeError):
    """A server did not become ready; the message names it and ends with its log's tail."""


@contextlib.asynccontextmanager
async def serving(*servers: ServerProcess) -> AsyncIterator[tuple[ServerProcess, ...]]:
    """Start the servers together, wait until each is ready, and stop them all on the way out,
    even when the run fails; ``StartFailed`` names one that did not start."""
    try:
        for server in servers:
            server.start()
        for server in servers:
            try:
                ready_s = await server.wait_ready()
            except Exception as exc:
                raise StartFailed(
                    f"{server.name} did not start: {exc}\nlog: {server.log_file}\n{server.log_tail()}"
                ) from exc
            print(f"{server.name} ready after {ready_s:.1f}s (pid {server.pid}, port {server.port})")
        yield servers
    finally:
        for server in reversed(servers):
            server.stop()

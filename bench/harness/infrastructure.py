"""What a benchmark runs on: the embedded Tansu broker (memory storage) and, for databases, the
embedded PostgreSQL or, when ``TEST_DATABASE_URL`` is set, fresh databases on that server,
dropped at the end."""

from __future__ import annotations

import contextlib
import os
import sys
import uuid
from pathlib import Path

from branchflow_runtime.database import async_url, drop_database, with_database
from branchflow_runtime.embedded import EmbeddedKafkaBroker, EmbeddedPostgres
from harness.cpu import CpuMeter


class Infrastructure:
    """``async with Infrastructure(workdir) as infra:`` starts the broker and the database server
    and stops both (dropping the databases made on a given server) even when the run fails."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.server_url = os.getenv("TEST_DATABASE_URL")
        self.broker: EmbeddedKafkaBroker | None = None
        self.postgres: EmbeddedPostgres | None = None
        self._made_on_server: list[str] = []

    async def __aenter__(self) -> Infrastructure:
        try:
            self.broker = EmbeddedKafkaBroker(log_file=self.workdir / "broker.log").start()
            if not self.server_url:
                self.postgres = EmbeddedPostgres(self.workdir / "pg" / "data", cleanup="delete").start()
        except BaseException:
            await self.release()
            raise
        return self

    async def __aexit__(self, *exc) -> None:
        await self.release()

    @property
    def bootstrap_servers(self) -> str:
        return self.broker.bootstrap_servers

    def database(self, name: str) -> str:
        """The URL of a database that does not exist yet (the service's migrations create it):
        ``name`` on the embedded server, ``name_<random>`` on a given one."""
        if self.postgres is not None:
            return self.postgres.url(name)
        url = with_database(async_url(self.server_url), f"{name}_{uuid.uuid4().hex[:10]}")
        self._made_on_server.append(url)
        return url

    @property
    def postgres_label(self) -> str:
        return "TEST_DATABASE_URL" if self.server_url else "embedded"

    def describe(self) -> dict[str, str]:
        """What the results file says the run ran on."""
        return {"postgres": self.postgres_label, "broker": "embedded Tansu (memory)"}

    def cpu_meter(self, pids: dict[str, int | None], client_pids: list[int] = ()) -> CpuMeter:
        """CPU of the named processes, the broker, this PostgreSQL server, the bench (with its
        load-generating ``client_pids``) and everything else."""
        return CpuMeter({**pids, "broker": self.broker_pid}, self.postmaster_pid, client_pids)

    @property
    def postmaster_pid(self) -> int | None:
        """The embedded server's postmaster (its CPU is counted with its children's)."""
        if self.postgres is None:
            return None
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int((self.postgres.data_dir / "postmaster.pid").read_text().split()[0])
        return None

    @property
    def broker_pid(self) -> int | None:
        return self.broker._process.pid if self.broker and self.broker._process else None

    async def release(self) -> None:
        """Drop the bench's databases on a given server, stop what the bench started."""
        for url in self._made_on_server:
            try:
                await drop_database(url)
            except Exception as exc:
                print(f"could not drop {url}: {exc}", file=sys.stderr)
        self._made_on_server.clear()
        if self.postgres is not None:
            self.postgres.stop()
            self.postgres = None
        if self.broker is not None:
            self.broker.stop()
            self.broker = None

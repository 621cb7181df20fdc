"""CPU used during a measured phase, per process, from Linux /proc: each figure is CPU time ÷
wall time, so 1.00 is one core busy the whole phase. ``other`` is whatever else the machine did
meanwhile; when it is high, the run competed for the CPUs and its figures are low."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

# "other" CPU above this during a measured phase: the run competed for the machine
BUSY_MACHINE_CORES = 0.25
# a load-generating process this busy (cores) is near its own limit
SATURATED_CLIENT_CORES = 0.85

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def proc_cpu_seconds(pid: int) -> float | None:
    """user+system CPU seconds of one process (Linux /proc); None if unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime


def _postgres_cpu_seconds() -> dict[int, float]:
    """CPU seconds of every local process named ``postgres`` (servers and backends)."""
    out: dict[int, float] = {}
    with contextlib.suppress(OSError):
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if (entry / "comm").read_text().strip() != "postgres":
                    continue
            except OSError:
                continue
            cpu = proc_cpu_seconds(int(entry.name))
            if cpu is not None:
                out[int(entry.name)] = cpu
    return out


def postgres_cpu_seconds(postmaster: int | None) -> dict[int, float]:
    """CPU seconds of the embedded server's postmaster and its children (backends, walwriter…),
    not of other PostgreSQL servers on the machine (a concurrent test run's); every local
    ``postgres`` when the postmaster is unknown (a server given by ``TEST_DATABASE_URL``)."""
    if postmaster is None:
        return _postgres_cpu_seconds()
    out: dict[int, float] = {}
    for pid, cpu in _postgres_cpu_seconds().items():
        try:
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if postmaster in (pid, parent):
            out[pid] = cpu
    return out


def machine_busy_seconds() -> float | None:
    """CPU seconds all cores spent busy since boot (Linux /proc/stat)."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return (sum(values[:8]) - idle) / _CLOCK_TICKS  # guest time is already in user


def machine_busy_now(seconds: float = 2.0) -> float | None:
    """Cores the machine kept busy over the next ``seconds`` (before our processes start)."""
    before = machine_busy_seconds()
    time.sleep(seconds)
    after = machine_busy_seconds()
    return None if before is None or after is None else round((after - before) / seconds, 2)


class CpuMeter:
    """CPU shares over a window of the named processes, the PostgreSQL server
    (``postgres_local``), the bench itself with its client processes (``bench_client``: the load
    generator and the consumers) and ``other``, everything else the machine did."""

    def __init__(
        self, pids: dict[str, int | None], postmaster: int | None = None, client_pids: list[int] = ()
    ) -> None:
        self._pids = pids
        self._postmaster = postmaster
        self._client_pids = list(client_pids)

    def start(self) -> None:
        self._t0 = time.perf_counter()
        self._start = {name: proc_cpu_seconds(pid) if pid else None for name, pid in self._pids.items()}
        self._pg_start = postgres_cpu_seconds(self._postmaster)
        self._self_start = time.process_time()
        self._clients_start = {pid: proc_cpu_seconds(pid) or 0.0 for pid in self._client_pids}
        self._machine_start = machine_busy_seconds()

    def stop(self) -> dict[str, float | None]:
        wall = time.perf_counter() - self._t0
        shares: dict[str, float | None] = {}
        for name, pid in self._pids.items():
            before, after = self._start[name], proc_cpu_seconds(pid) if pid else None
            shares[name] = None if before is None or after is None else round((after - before) / wall, 3)
        pg_end = postgres_cpu_seconds(self._postmaster)
        pg = sum(cpu - self._pg_start.get(pid, 0.0) for pid, cpu in pg_end.items())
        shares["postgres_local"] = round(pg / wall, 3) if pg_end else None
        client = time.process_time() - self._self_start
        client += sum((proc_cpu_seconds(pid) or 0.0) - t0 for pid, t0 in self._clients_start.items())
        shares["bench_client"] = round(client / wall, 3)
        machine_end = machine_busy_seconds()
        if self._machine_start is not None and machine_end is not None:
            ours = sum(v for v in shares.values() if v is not None)
            shares["other"] = round(max(0.0, (machine_end - self._machine_start) / wall - ours), 3)
        else:
            shares["other"] = None
        return shares


def machine_was_busy(cpu: dict[str, float | None] | None) -> bool:
    """Whether other jobs competed for the CPUs during a phase measured by ``CpuMeter``."""
    return ((cpu or {}).get("other") or 0.0) >= BUSY_MACHINE_CORES


def cpu_notes(
    cpu: dict[str, float | None] | None, where: str, client_processes: int = 1, remedy: str = ""
) -> list[str]:
    """What makes a phase's figures suspect: a load generator near its own limit (``remedy``
    says what helps), other jobs on the machine. ``where`` names the phase."""
    cpu = cpu or {}
    notes = []
    per_client = (cpu.get("bench_client") or 0.0) / client_processes
    if per_client >= SATURATED_CLIENT_CORES:
        notes.append(
            f"the load generator used {per_client:.2f} of a core per process ({where}): it, not the "
            f"server, may be the limit — the figures are a lower bound{remedy}"
        )
    if machine_was_busy(cpu):
        notes.append(
            f"other processes used {cpu['other']:.2f} cores ({where}); the figures are likely "
            "depressed — rerun on a quiet machine"
        )
    return notes


def note_if_busy_before() -> float | None:
    """Cores the machine kept busy just before the run (in the results); a note when it is busy."""
    busy = machine_busy_now()
    if (busy or 0.0) >= BUSY_MACHINE_CORES:
        print(f"note: the machine was already busy ({busy:.2f} cores) before the run")
    return busy

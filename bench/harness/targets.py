"""Servers compared on the same request in one run: each target measured closed loop (its max
req/s) and open loop (latency at a fixed rate, no coordinated omission), with the CPU of every
process during each phase; a phase during which other jobs competed for the CPUs is measured
again. A benchmark of it is a ``Comparison`` (what it starts, the targets, what it judges them
by) given to ``main``, which starts the infrastructure, measures, prints the table and writes
the results; see bench/gateway_lobby_list.py."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from harness.cpu import CpuMeter, cpu_notes, machine_was_busy, note_if_busy_before
from harness.http import LeanHttpClient
from harness.infrastructure import Infrastructure
from harness.load import Call, Phase, add_closed_loop_options, closed_loop, failure_lines, open_loop
from harness.processes import ServerProcess, StartFailed, serving
from harness.profiling import Components, PySpy, print_profile, summarize_profile
from harness.report import (
    RESULTS_DIR,
    Column,
    environment,
    now_utc,
    print_table,
    run_in_workdir,
    save_results,
    source_fingerprint,
    source_label,
)
from harness.stats import percentile

MODES = ("closed", "open")
# processes every target shares, after the servers in the CPU table
SHARED = ("postgres_local", "broker", "bench_client", "other")
# the open-loop client started a request this late (p99, ms): it did not keep to the schedule
CLIENT_LAG_NOTE_MS = 5.0
OPEN_LOOP_WARMUP_CONCURRENCY = 8
SETTLE_S = 1.0  # a pause before each phase: the previous phase's stragglers settle
# the options of the load, as the results file records them
LOAD_OPTIONS = (
    "count",
    "concurrency",
    "warmup",
    "rate",
    "seconds",
    "open_loop_connections",
    "order",
    "busy_retries",
)


@dataclass(frozen=True)
class Target:
    name: str  # in --order, the JSON and the notes
    label: str  # in the tables
    base_url: str
    call: Callable[[LeanHttpClient], Call]  # the request on a client, its answer checked
    front: str | None = None  # the process that answers it, when it is not a backend itself


Phases = dict[str, dict[str, Phase]]  # target → mode → phase


async def measure(target: Target, meter: CpuMeter, args: argparse.Namespace, mode: str) -> Phase:
    """A fresh client (uvicorn drops keep-alive connections idle for 5 s), its warm-up, then
    the measured phase with the CPU meter running."""
    closed = mode == "closed"
    client = LeanHttpClient(target.base_url, args.concurrency if closed else args.open_loop_connections)
    call = target.call(client)
    try:
        warm = await closed_loop(
            call, args.warmup, args.concurrency if closed else OPEN_LOOP_WARMUP_CONCURRENCY
        )
        if warm.failed:
            print(f"  warm-up {target.name}: {warm.failed}/{warm.sent} failed: {dict(warm.failures)}")
        meter.start()
        if closed:
            phase = await closed_loop(call, args.count, args.concurrency)
        else:
            phase = await open_loop(call, args.rate, args.seconds)
        phase.cpu = meter.stop()
    finally:
        await client.aclose()
    return phase


async def measure_targets(targets: dict[str, Target], meter: CpuMeter, args: argparse.Namespace) -> Phases:
    """Each target closed loop, then each open loop, in ``args.order``; a phase during which
    other jobs competed for the CPUs is measured again (``--busy-retries``)."""
    phases: Phases = {name: {} for name in targets}
    for mode in MODES:
        for name in args.order:
            for attempt in range(1 + args.busy_retries):
                await asyncio.sleep(SETTLE_S)
                phase = await measure(targets[name], meter, args, mode)
                phase.attempts = attempt + 1
                lat = phase.latency()
                print(
                    f"{mode:>6} loop  {name:<13} {phase.ok / phase.seconds:8.1f} req/s  "
                    f"p50/p99 {lat['p50']:.2f}/{lat['p99']:.2f} ms  failed {phase.failed}  "
                    f"other {phase.cpu.get('other') or 0.0:.2f} cores"
                )
                if not machine_was_busy(phase.cpu) or phase.failed:
                    break
                if attempt < args.busy_retries:
                    print("  another job competed for the CPUs: measuring this phase again")
            phases[name][mode] = phase
    return phases


def phase_json(phase: Phase, cpu_ms_of: Iterable[str]) -> dict:
    """A phase in the results; CPU milliseconds per request for the processes ``cpu_ms_of``."""
    out = {
        "sent": phase.sent,
        "ok": phase.ok,
        "failed": phase.failed,
        "failures": dict(phase.failures.most_common(10)),
        "seconds": round(phase.seconds, 3),
        "attempts": phase.attempts,
        "requests_per_s": round(phase.ok / phase.seconds, 1),
        "latency_ms": phase.latency(),
        "cpu_cores": phase.cpu,
        "cpu_ms_per_request": {
            name: round(share * phase.seconds * 1000 / phase.sent, 3)
            for name, share in (phase.cpu or {}).items()
            if share is not None and name in cpu_ms_of
        },
    }
    if phase.client_lag_ms is not None:
        out["kept_up"] = phase.seconds - phase.scheduled_s <= max(1.0, 0.1 * phase.scheduled_s)
        lag = phase.client_lag_ms
        out["client_lag_ms"] = {"p50": round(percentile(lag, 50), 2), "p99": round(percentile(lag, 99), 2)}
        out["max_in_flight"] = phase.max_in_flight
    return out


def targets_json(targets: dict[str, Target], phases: Phases, backends: tuple[str, ...]) -> dict:
    """Each target's two phases; CPU ms per request of its front, the backends, PostgreSQL and
    the bench."""

    def of(target: Target) -> tuple[str, ...]:
        return (*filter(None, [target.front]), *backends, "postgres_local", "bench_client")

    return {
        name: {f"{mode}_loop": phase_json(phases[name][mode], of(target)) for mode in MODES}
        for name, target in targets.items()
    }


def failed(phases: Phases) -> int:
    return sum(phase.failed for by_mode in phases.values() for phase in by_mode.values())


def print_failures(phases: Phases) -> None:
    print(f"\nINVALID: {failed(phases)} measured requests failed:", file=sys.stderr)
    for name, by_mode in phases.items():
        for mode, phase in by_mode.items():
            for line in failure_lines(phase, f"{name} {mode}: ", most=5):
                print(line, file=sys.stderr)


def load_label(cfg: dict) -> str:
    """The load of a run, for its title."""
    return (
        f"closed loop C={cfg['concurrency']} N={cfg['count']} (+{cfg['warmup']} warm-up); "
        f"open loop {cfg['rate']:g} req/s × {cfg['seconds']:g} s"
    )


def print_targets(title: str, targets: dict[str, Target], results: dict, backends: tuple[str, ...]) -> None:
    """The table of the targets' figures, their CPU, the CPU each request cost, the notes."""
    cfg, t = results["config"], results["targets"]
    print()
    print(title)
    _print_figures(targets, t, cfg)
    print("\nCPU (cores; 1.00 = one core busy) during each measured phase")
    _print_cpu(targets, t, f"@{cfg['rate']:g}/s")
    heading = " / ".join(("front server", *backends, "postgres", "bench"))
    print(f"\nCPU ms per request at {cfg['rate']:g} req/s ({heading})")
    for name, target in targets.items():
        ms = t[name]["open_loop"]["cpu_ms_per_request"]
        figures = [ms.get(target.front, 0.0) if target.front else 0.0, *(ms.get(p, 0.0) for p in backends)]
        figures += [ms.get("postgres_local", 0.0), ms.get("bench_client", 0.0)]
        print(f"  {target.label:<32}{figures[0]:6.2f} / " + " / ".join(f"{f:.2f}" for f in figures[1:]))
    for note in target_notes(targets, t, cfg):
        print(f"note: {note}")


def _print_figures(targets: dict[str, Target], t: dict, cfg: dict) -> None:
    columns = [
        Column("target", 34, left=True),
        Column("max req/s", 10),
        Column(f"C={cfg['concurrency']} p50/p99 ms", 18),
        Column(f"@{cfg['rate']:g}/s p50 / p95 / p99 ms", 31),
        Column("max", 8),
    ]
    rows = []
    for name, target in targets.items():
        closed, opened = t[name]["closed_loop"], t[name]["open_loop"]
        cl, ol = closed["latency_ms"], opened["latency_ms"]
        rows.append(
            (
                target.label,
                f"{closed['requests_per_s']:,.1f}",
                f"{cl['p50']:.1f} / {cl['p99']:.1f}",
                f"{ol['p50']:.2f} / {ol['p95']:.2f} / {ol['p99']:.2f}",
                f"{ol['max']:.1f}",
            )
        )
    print_table(columns, rows)


def _print_cpu(targets: dict[str, Target], t: dict, rate: str) -> None:
    """A row per target and phase, a column per process: the servers, then those they share."""
    first = next(iter(t.values()))["closed_loop"]["cpu_cores"] or {}
    processes = [*(name for name in first if name not in SHARED), *SHARED]
    rows = [
        (f"{target.label[:27]} {label}", *cpu_cells(t[name][mode]["cpu_cores"], processes))
        for mode, label in (("closed_loop", "max"), ("open_loop", rate))
        for name, target in targets.items()
    ]
    # the first figure right after the label, the others two spaces apart
    columns = [Column("", 34, left=True), *(Column(p[:6], 8 if i else 6) for i, p in enumerate(processes))]
    print_table(columns, rows, rules=False)


def cpu_cells(cpu: dict | None, processes: list[str]) -> list[str]:
    cpu = cpu or {}
    return ["n/a" if cpu.get(p) is None else f"{cpu[p]:.2f}" for p in processes]


def target_notes(targets: dict[str, Target], t: dict, cfg: dict) -> list[str]:
    notes = []
    for name in targets:
        for mode in ("closed_loop", "open_loop"):
            notes += cpu_notes(t[name][mode]["cpu_cores"], f"{name}, {mode}")
        if not t[name]["open_loop"]["kept_up"]:
            most = t[name]["closed_loop"]["requests_per_s"]
            late = t[name]["open_loop"]["seconds"] - cfg["seconds"]
            notes.append(
                f"{name} did not keep up with {cfg['rate']:g} req/s (max {most:,.0f} req/s; the last answer "
                f"came {late:.1f} s after the last send): its latency at this rate is the queue growing "
                "over the run, not a service time"
            )
        lag = t[name]["open_loop"]["client_lag_ms"]
        if lag["p99"] > CLIENT_LAG_NOTE_MS:
            notes.append(f"the open-loop client started requests {lag['p99']:.1f} ms late (p99, {name})")
    return notes


async def profile_target(
    target: Target, pid: int, args: argparse.Namespace, output: Path, components: Components
) -> dict:
    """py-spy (``args.py_spy``) on the process ``pid`` during an extra closed loop on ``target``,
    after the measured phases (the figures of the table are not affected): where its busy
    samples went, by ``components`` and by function."""
    await asyncio.sleep(1.0)
    client = LeanHttpClient(target.base_url, args.concurrency)
    call = target.call(client)
    try:
        await closed_loop(call, args.warmup, args.concurrency)
        with PySpy(args.py_spy, pid, output):
            sampled = await closed_loop(call, args.count, args.concurrency)
    finally:
        await client.aclose()
    return {
        "file": str(output),
        "requests_per_s": round(sampled.ok / sampled.seconds, 1),
        "failed": sampled.failed,
        **components.shares(output),
        **summarize_profile(output, top=40),
    }


class Comparison:
    """A benchmark that compares servers on one request: what it starts, the targets, what it
    checks before measuring, and the figures it judges them by. ``main(comparison)`` does the
    rest: the infrastructure, the phases, the table, the profile, the results file."""

    name: str  # bench/results/<name>.json
    what: str  # the start of the table's title
    order: tuple[str, ...]  # the targets' default --order
    backends: tuple[str, ...] = ()  # servers behind the targets, in "CPU ms per request"
    sources: tuple[str, ...] = ()  # which code is measured (beside libs/)
    profiled: str = ""  # the server and target --py-spy profiles
    components: Components | None = None  # where the profiled server's samples go
    extra: ClassVar[dict] = {}  # further fields of the results file, before ``config``

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The benchmark's own options."""

    def config(self, args: argparse.Namespace) -> dict:
        """The benchmark's own settings in the results file."""
        return {}

    def setup(self, cfg: dict) -> str:
        """How the servers ran, for the title."""
        return "one worker each"

    def servers(self, infra: Infrastructure, args: argparse.Namespace, workdir: Path) -> list[ServerProcess]:
        raise NotImplementedError

    def targets(self, servers: list[ServerProcess]) -> dict[str, Target]:
        """The targets, in the order of the table."""
        raise NotImplementedError

    async def prepare(self, servers: list[ServerProcess], targets: dict[str, Target]) -> None:
        """Seed the data and check that every target answers it; raise to call the run invalid."""

    def verdicts(self, t: dict) -> dict:
        """The figures the targets are judged by (``ratios`` in the results), from ``targets``."""
        return {}

    def print_verdicts(self, results: dict) -> None:
        """The lines after the table."""


async def _run(comparison: Comparison, args: argparse.Namespace, workdir: Path) -> int:
    busy_before = note_if_busy_before()
    async with Infrastructure(workdir) as infra:
        print(f"broker {infra.bootstrap_servers}; logs {workdir}")
        code = source_fingerprint(*comparison.sources)
        servers = comparison.servers(infra, args, workdir)
        config = {
            **{key: getattr(args, key) for key in LOAD_OPTIONS},
            **comparison.config(args),
            "client": "lean (bench/harness/http.py LeanHttpClient)",
            "workers": 1,
            "machine_busy_before_run_cores": busy_before,
            **environment(infra, code),
        }
        try:
            async with serving(*servers):
                return await _measure(comparison, servers, infra, args, config)
        except StartFailed as exc:
            print(exc, file=sys.stderr)
            return 2


async def _measure(
    comparison: Comparison, servers: list[ServerProcess], infra: Infrastructure, args, config: dict
) -> int:
    targets = comparison.targets(servers)
    try:
        await comparison.prepare(servers, targets)
    except Exception as exc:
        print(f"invalid setup: {exc}", file=sys.stderr)
        return 2
    phases = await measure_targets(targets, infra.cpu_meter({s.name: s.pid for s in servers}), args)
    t = targets_json(targets, phases, comparison.backends)
    results = {"measured_at": now_utc(), "valid": not failed(phases), **comparison.extra, "config": config}
    results |= {"targets": t, "ratios": comparison.verdicts(t)}
    profile_key = f"{comparison.profiled}_profile"
    if args.py_spy:
        pid = next(server.pid for server in servers if server.name == comparison.profiled)
        output = RESULTS_DIR / f"{profile_key}.txt"
        results[profile_key] = await profile_target(
            targets[comparison.profiled], pid, args, output, comparison.components
        )
    title = f"{comparison.what}; {load_label(config)}; {comparison.setup(config)}; {config['postgres']} "
    title += f"PostgreSQL; {config['cpus']} CPUs; {source_label(config['source'])}"
    print_targets(title, targets, results, comparison.backends)
    comparison.print_verdicts(results)
    if args.py_spy:
        _print_target_profile(comparison, results[profile_key])
    save_results(comparison.name, results)
    if not results["valid"]:
        print_failures(phases)
        return 3
    return 0


def _print_target_profile(comparison: Comparison, profile: dict) -> None:
    print_profile(
        f"py-spy on the {comparison.profiled} during an extra closed loop (figures not in the table): "
        f"{profile['requests_per_s']:,.1f} req/s under sampling; {profile['samples']} busy samples "
        f"→ {profile['file']}",
        profile,
        comparison.components.sections(),
    )


def main(comparison: Comparison, description: str, count: int = 3000, concurrency: int = 32) -> int:
    parser = argparse.ArgumentParser(description=description)
    add_closed_loop_options(
        parser, count, concurrency, "closed-loop requests per target", "before each phase"
    )
    parser.add_argument("--rate", type=float, default=200.0, help="open-loop requests per second (200)")
    parser.add_argument("--seconds", type=float, default=10.0, help="open-loop duration (10)")
    parser.add_argument(
        "--open-loop-connections",
        type=int,
        default=256,
        help="most connections the open-loop client opens; a request that finds none free waits, "
        "and the wait counts in its latency (256)",
    )
    order = ",".join(comparison.order)
    parser.add_argument(
        "--order",
        type=lambda s: s.split(","),
        default=list(comparison.order),
        help=f"order of the targets in each phase, comma-separated ({order})",
    )
    parser.add_argument(
        "--busy-retries",
        type=int,
        default=2,
        metavar="K",
        help="measure a phase again, up to K times, when other jobs used ≥ 0.25 cores during it (2)",
    )
    parser.add_argument(
        "--py-spy",
        metavar="PATH",
        help=f"py-spy executable: after the measurements, profile the {comparison.profiled} during an "
        f"extra closed loop (collapsed stacks in bench/results/{comparison.profiled}_profile.txt)",
    )
    comparison.add_options(parser)
    parser.add_argument("--keep-logs", action="store_true", help="keep the temp dir with the logs")
    args = parser.parse_args()
    if min(args.count, args.concurrency, args.warmup, args.open_loop_connections) < 1 or args.rate <= 0:
        parser.error("--count, --concurrency, --warmup, --open-loop-connections and --rate must be > 0")
    if args.busy_retries < 0:
        parser.error("--busy-retries must be ≥ 0")
    if sorted(args.order) != sorted(comparison.order):
        parser.error(f"--order must name each of {', '.join(comparison.order)} once")

    async def run(args: argparse.Namespace, workdir: Path) -> int:
        return await _run(comparison, args, workdir)

    return run_in_workdir(run, args, prefix=f"{comparison.name}-")

"""A service's write path, measured with ONE service worker process: ``POST`` → PostgreSQL →
outbox → relay → Kafka, read back by a plain consumer, beside a raw aiokafka produce→consume
baseline on the same broker in the same run. A benchmark of it describes the service, the
request and the topic (``WritePath``) and calls ``main``; see bench/identify_throughput.py."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.cpu import cpu_notes
from harness.http import LeanHttpClient
from harness.infrastructure import Infrastructure
from harness.kafka import EventReader, raw_baseline
from harness.load import (
    ClientProcesses,
    Phase,
    add_closed_loop_options,
    closed_loop,
    failure_lines,
    httpx_client,
    write_call,
)
from harness.processes import ServerProcess, StartFailed, serving
from harness.profiling import PySpy, print_profile, summarize_profile
from harness.report import (
    RESULTS_DIR,
    environment,
    now_utc,
    print_rows,
    run_in_workdir,
    save_results,
    source_fingerprint,
    source_label,
    verdict,
)
from harness.services import Service, WriteRequest

MAX_FAILURE_RATE = 0.01
WARMUP, MEASURED = "warmup", "measured"
KEY_PREFIXES = {WARMUP: "W", MEASURED: "B"}


@dataclass(frozen=True)
class WritePath:
    name: str  # of the results file: bench/results/<name>.json
    service: Service
    request: WriteRequest
    topic: str  # where the write's event goes
    unit: str  # what one write is, in the figures: "identifications", "referrals"…
    event_key_field: str = "customer_id"  # the field of the event's JSON that holds the request's key
    target_per_second: int = 1_000

    def key_of_event(self) -> Callable[[bytes], str]:
        field = self.event_key_field
        return lambda value: json.loads(value).get(field, "")


def keys(phase: str, count: int) -> list[str]:
    return [f"{KEY_PREFIXES[phase]}{i:07d}" for i in range(count)]


async def run(path: WritePath, args: argparse.Namespace, workdir: Path) -> int:
    async with Infrastructure(workdir) as infra, contextlib.AsyncExitStack() as cleanup:
        database_url = infra.database(f"{path.service.name}_bench")
        print(f"broker {infra.bootstrap_servers}; database {database_url}; logs {workdir}")
        code = source_fingerprint(*path.service.sources)
        service = path.service.process(database_url, infra.bootstrap_servers, workdir)
        try:
            await cleanup.enter_async_context(serving(service))
        except StartFailed as exc:
            print(exc, file=sys.stderr)
            return 2
        if args.client == "lean":
            client = LeanHttpClient(service.base_url, args.concurrency)
        else:
            client = httpx_client(service.base_url, args.concurrency)
        cleanup.push_async_callback(client.aclose)
        reader = EventReader(infra.bootstrap_servers, path.topic, path.key_of_event())
        cleanup.push_async_callback(_stop_quietly, reader)

        warm = await _warm_up(path, args, service, client, reader)
        if warm is None:
            return 2

        # Measured phase.
        clients = ClientProcesses(args.client_processes) if args.client_processes > 1 else None
        if clients is not None:
            cleanup.callback(clients.close)
        headers, measured_keys = path.request.headers(), keys(MEASURED, args.count)
        meter = infra.cpu_meter({"service": service.pid}, clients.pids if clients else [])
        profile = RESULTS_DIR / f"{path.service.name}_profile.txt"
        with PySpy(args.py_spy, service.pid, profile) if args.py_spy else contextlib.nullcontext():
            meter.start()
            if clients:
                load = await clients.write(
                    service.base_url, path.request, headers, measured_keys, args.concurrency
                )
            else:
                call = write_call(client, path.request, headers, measured_keys)
                load = await closed_loop(call, len(measured_keys), args.concurrency)
            if load.failed:
                print(f"{load.failed} of {load.sent} requests failed:", file=sys.stderr)
                print(*failure_lines(load), sep="\n", file=sys.stderr)
            if load.failed > MAX_FAILURE_RATE * load.sent:
                print(
                    f"aborting: more than {MAX_FAILURE_RATE:.0%} failed; service log: {service.log_file}",
                    file=sys.stderr,
                )
                return 3
            try:
                last_event = await reader.wait_for(MEASURED, load.ok, timeout=args.drain_timeout)
            except TimeoutError:
                print(
                    f"only {reader.count(MEASURED)}/{load.ok} events arrived within "
                    f"{args.drain_timeout}s after the last response; service log: {service.log_file}",
                    file=sys.stderr,
                )
                return 4
            cpu = meter.stop()

        raw = await raw_baseline(infra.bootstrap_servers, args.count, reader.sample, reader.partitions)
        results = _results(path, args, infra, code, load, last_event, reader, raw, cpu)
        if args.py_spy and profile.exists():
            results["profile"] = {"file": str(profile), **summarize_profile(profile)}
        print_table(path, results)
        if "profile" in results:
            print_profile(f"py-spy: {results['profile']['samples']} samples → {profile}", results["profile"])
        save_results(path.name, results)
        return 0


async def _warm_up(
    path: WritePath, args, service: ServerProcess, client, reader: EventReader
) -> Phase | None:
    """Requests left out of the figures. They also make the service publish its first event,
    which creates the topic, and prove the whole path works before the clock starts: the reader
    starts on the topic and reads their events. None when they did not get through."""
    warm_keys = keys(WARMUP, args.warmup)
    call = write_call(client, path.request, path.request.headers(), warm_keys)
    warm = await closed_loop(call, len(warm_keys), args.concurrency)
    if warm.ok == 0:
        print(f"warm-up failed: {dict(warm.failures)}\nservice log: {service.log_file}", file=sys.stderr)
        return None
    reader.expect(WARMUP, warm_keys)
    reader.expect(MEASURED, keys(MEASURED, args.count))
    await reader.start()
    try:
        await reader.wait_for(WARMUP, warm.ok, timeout=60)
    except TimeoutError:
        print(
            f"warm-up events did not all arrive ({reader.count(WARMUP)}/{warm.ok}); "
            f"service log: {service.log_file}",
            file=sys.stderr,
        )
        return None
    print(f"warm-up: {warm.ok}/{warm.sent} ok, events read from {reader.partitions} partitions")
    return warm


async def _stop_quietly(reader: EventReader) -> None:
    with contextlib.suppress(Exception):
        await reader.stop()


def _results(path, args, infra, code, load: Phase, last_event, reader, raw, cpu) -> dict:
    e2e_s = last_event - load.started
    e2e_rate = load.ok / e2e_s
    per_s = f"{path.unit}_per_s"
    return {
        "measured_at": now_utc(),
        "config": {
            "client": args.client,
            "count": args.count,
            "concurrency": args.concurrency,
            "warmup": args.warmup,
            "client_processes": args.client_processes,
            "service": path.service.name,
            "request": f"POST {path.request.path}",
            "topic": path.topic,
            "service_workers": 1,
            "telemetry": "on (OTEL_SDK_DISABLED unset)",
            "profiled": bool(args.py_spy),
            **environment(infra, code),
        },
        "rest": {
            "ok": load.ok,
            "failed": load.failed,
            "failures": dict(load.failures),
            "seconds": round(load.seconds, 3),
            "requests_per_s": round(load.ok / load.seconds, 1),
            "latency_ms": load.latency(),
        },
        "end_to_end": {
            "events_read": reader.count(MEASURED),
            "duplicate_events": reader.duplicates,
            "seconds": round(e2e_s, 3),
            per_s: round(e2e_rate, 1),
            "drain_after_rest_s": round(last_event - load.finished, 3),
        },
        "raw_aiokafka": raw,
        "ratio_end_to_end_over_raw": round(e2e_rate / raw["produce_to_consume_per_s"], 4),
        "cpu_share_during_measured_phase": cpu,
        "target": {per_s: path.target_per_second, "met": e2e_rate >= path.target_per_second},
    }


def print_table(path: WritePath, results: dict) -> None:
    rest, e2e, raw = results["rest"], results["end_to_end"], results["raw_aiokafka"]
    lat = rest["latency_ms"]
    rate = e2e[f"{path.unit}_per_s"]
    rows = [
        (
            f"REST requests/s ({path.request.ok_status}s / time to last response)",
            f"{rest['requests_per_s']:,.1f}",
        ),
        (f"end-to-end {path.unit}/s (REST → Kafka read)", f"{rate:,.1f}"),
        ("request latency p50 / p95 / p99 (ms)", f"{lat['p50']:.1f} / {lat['p95']:.1f} / {lat['p99']:.1f}"),
        ("last event read after last response (s)", f"{e2e['drain_after_rest_s']:.3f}"),
        ("raw aiokafka produce→consume msgs/s", f"{raw['produce_to_consume_per_s']:,.1f}"),
        ("raw aiokafka produce (acked) msgs/s", f"{raw['produce_acked_per_s']:,.1f}"),
        ("ratio end-to-end / raw", f"{results['ratio_end_to_end_over_raw']:.3f}"),
    ]
    cpu = results.get("cpu_share_during_measured_phase") or {}
    if cpu:
        rows.append(
            (
                "CPU (cores) service / postgres / broker / bench / other",
                " / ".join(
                    "n/a" if cpu.get(k) is None else f"{cpu[k]:.2f}"
                    for k in ("service", "postgres_local", "broker", "bench_client", "other")
                ),
            )
        )
    cfg = results["config"]
    print_rows(
        f"{cfg['service']} throughput — N={cfg['count']}, C={cfg['concurrency']}"
        + (f" over {cfg['client_processes']} client processes" if cfg["client_processes"] > 1 else "")
        + f", one worker, telemetry on, {cfg['postgres']} PostgreSQL, {cfg['cpus']} CPUs, "
        + source_label(cfg["source"])
        + (" [py-spy attached: figures depressed]" if cfg.get("profiled") else ""),
        rows,
    )
    for note in cpu_notes(cpu, "the measured phase", cfg["client_processes"], " (see --client-processes)"):
        print(f"note: {note}")
    print(
        f"target: ≥{path.target_per_second:,} {path.unit}/s with one worker → "
        f"{verdict(results['target']['met'])} ({rate:,.0f}/s)"
    )


def main(path: WritePath, description: str) -> int:
    parser = argparse.ArgumentParser(description=description)
    add_closed_loop_options(parser, 5000, 64, f"measured {path.unit}", "first")
    parser.add_argument(
        "--drain-timeout",
        type=float,
        default=120.0,
        help="seconds to wait for the events after the last response (default 120)",
    )
    parser.add_argument(
        "--py-spy",
        metavar="PATH",
        help="py-spy executable: profile the service during the measured phase "
        "(figures are then depressed by the sampling)",
    )
    parser.add_argument(
        "--client-processes",
        type=int,
        default=1,
        metavar="K",
        help="spread the measured requests over K load-generating processes, each "
        "with its own httpx client and C/K of the concurrency (default 1: one "
        "client in this process). For machines where one client process "
        "saturates before the service does",
    )
    parser.add_argument(
        "--client",
        choices=["lean", "httpx"],
        default="lean",
        help="load generator: a minimal keep-alive HTTP/1.1 client (default), or httpx",
    )
    parser.add_argument("--keep-logs", action="store_true", help="keep the temp dir with the logs")
    args = parser.parse_args()
    if min(args.count, args.concurrency, args.warmup, args.client_processes) < 1:
        parser.error("--count, --concurrency, --warmup and --client-processes must be ≥ 1")
    if args.client_processes > args.concurrency:
        parser.error("--client-processes may not exceed --concurrency")

    async def run_path(args: argparse.Namespace, workdir: Path) -> int:
        return await run(path, args, workdir)

    return run_in_workdir(run_path, args, prefix=f"{path.service.name}-bench-")

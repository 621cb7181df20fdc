"""Restart benchmark: how long the identify service takes to serve again after ``kill -9``,
beside a cold start (fresh database) and a restart after a graceful stop (SIGTERM).

    uv run python bench/restart_after_kill.py [--kills K] [--cold C] [--terms T]

A benchmark, not a test: it prints figures and writes them to
``bench/results/restart_after_kill.json``; it asserts nothing about speed. It exits non-zero
only when the measurement itself is invalid (the service did not start, or a restart did not
come back within ``--timeout``).

Each round starts ``python -m identify`` as its own OS process (the embedded PostgreSQL and
Tansu run beside it, on free ports) and measures, from just before the process is created:

- the first HTTP answer of any status, and the first 2xx, to ``POST /observations``;
- the first 200 from ``/health/ready``, and the first that reports the Kafka consumers joined
  (when the service reports them at all);
- when the broker shows the service's consumer group Stable with none of the previous process's
  members (DescribeGroups): the group has rejoined, whatever the service says.

Rounds: ``--cold`` cold starts, each on a fresh database; then ``--kills`` times: drive some
observations, SIGKILL, start again (the dead member stays in the group until its session
expires); then ``--terms`` times the same with SIGTERM. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from aiokafka.errors import KafkaError
from harness.cpu import BUSY_MACHINE_CORES, CpuMeter, proc_cpu_seconds
from harness.http import LeanHttpClient
from harness.infrastructure import Infrastructure
from harness.kafka import ConsumerGroupWatch
from harness.load import closed_loop, write_call
from harness.processes import ServerProcess
from harness.report import machine, now_utc, run_in_workdir, save_results, source_fingerprint
from harness.services import IDENTIFY, OBSERVATION
from harness.stats import spread

SERVICE = IDENTIFY
REQUEST = OBSERVATION  # needs no Kafka consumer: it can be served before the group has joined
GROUP_ID = "identify"  # the service's consumer group (IDENTIFY_KAFKA_GROUP_ID unset)
TARGET_AFTER_KILL_S = 3.0
# How often each watcher looks. The probe's connection attempts are refused at once until the
# server listens, so polling this often costs the starting process next to nothing.
PROBE_INTERVAL_S = 0.025
READY_INTERVAL_S = 0.05
GROUP_INTERVAL_S = 0.1
DRIVE_CONCURRENCY = 8
CONNECTION_ERRORS = (OSError, asyncio.IncompleteReadError)


@dataclass
class Round:
    kind: str  # cold, kill, term
    n: int
    observations_before: int = 0  # 2xx answers driven before the kill / stop
    first_answer_s: float | None = None  # any HTTP status to POST
    first_2xx_s: float | None = None
    statuses_before_2xx: dict[str, int] = field(default_factory=dict)
    ready_s: float | None = None  # first 200 from /health/ready
    consumers_reported: bool = False  # /health/ready says something about the consumers
    consumers_joined_s: float | None = None  # first 200 from /health/ready saying they joined
    service_says_rejoined: bool | None = None  # if /health/ready reports a rejoin
    ready_body: dict | None = None  # /health/ready as last seen
    previous_members: int = 0  # in the group, as the broker saw it just before the start
    previous_members_gone_s: float | None = None  # broker: they left (their session expired)
    group_rejoined_s: float | None = None  # broker: Stable, members all new (or kept, see below)
    group_kept_member_ids: bool = False  # static membership: the previous ids came back
    service_cpu_to_first_2xx_s: float | None = None  # the new process's CPU seconds by then
    cpu_cores: dict | None = None  # over the round
    timed_out: bool = False


# --------------------------------------------------------------------------- what /health/ready says

JOINED_WORDS = {"joined", "ready", "ok", "up", "stable", "running", "assigned", "true"}
NOT_STARTED_WORDS = {"off", "disabled"}  # the service runs no consumers: nothing to wait for
_MISSING = object()


def _find_key(value, fragment: str):
    """The value of the first key containing ``fragment`` (case-insensitive), depth first."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if fragment in str(key).lower():
                return inner
        for inner in value.values():
            found = _find_key(inner, fragment)
            if found is not _MISSING:
                return found
    return _MISSING


def _holds(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value > 0
    if isinstance(value, str):
        return value.lower() in JOINED_WORDS
    if isinstance(value, dict):
        for key in ("joined", "ready", "status", "state"):
            if key in value:
                return _holds(value[key])
        return bool(value) and all(_holds(v) for v in value.values())
    if isinstance(value, list):
        return bool(value) and all(_holds(v) for v in value)
    return False


def consumers_joined(body) -> bool | None:
    """Whether ``/health/ready``'s JSON says the Kafka consumers have joined; None when it says
    nothing about consumers. It reads the first key naming consumers, at any depth, whose value
    is a bool, a count, a word (joined, ready, ok, stable…), an object with ``joined``,
    ``ready``, ``status`` or ``state``, or a collection of such (all must hold). Consumers
    turned off (``"off"``) count as not reported."""
    value = _find_key(body, "consumer")
    if value is _MISSING or (isinstance(value, str) and value.lower() in NOT_STARTED_WORDS):
        return None
    return _holds(value)


def says_rejoined(body) -> bool | None:
    value = _find_key(body, "rejoin")
    return None if value is _MISSING else _holds(value)


# --------------------------------------------------------------------------- the watchers


async def probe_first_2xx(process: ServerProcess, round_: Round, headers: dict[str, str]) -> None:
    """POST a new observation every PROBE_INTERVAL_S until one is answered 2xx."""
    client = LeanHttpClient(process.base_url, 1)
    statuses: Counter = Counter()
    try:
        for i in range(1, 10**9):
            if process.exited() is not None:
                raise RuntimeError(f"{process.name} exited with code {process.exited()}")
            body = REQUEST.body(f"P{round_.kind}{round_.n}-{i:05d}")
            try:
                response = await client.post(REQUEST.path, json=body, headers=headers)
            except CONNECTION_ERRORS:  # not listening yet
                await asyncio.sleep(PROBE_INTERVAL_S)
                continue
            elapsed = time.perf_counter() - process.started_at
            if round_.first_answer_s is None:
                round_.first_answer_s = elapsed
            if 200 <= response.status_code < 300:
                round_.first_2xx_s = elapsed
                round_.service_cpu_to_first_2xx_s = proc_cpu_seconds(process.pid)
                return
            statuses[str(response.status_code)] += 1
            round_.statuses_before_2xx = dict(statuses)
            await asyncio.sleep(PROBE_INTERVAL_S)
    finally:
        await client.aclose()


async def watch_ready(process: ServerProcess, round_: Round) -> None:
    """GET /health/ready until it is 200 and, if it reports the consumers, says they joined."""
    client = LeanHttpClient(process.base_url, 1)
    try:
        while True:
            try:
                response = await client.get("/health/ready", {})
            except CONNECTION_ERRORS:
                await asyncio.sleep(READY_INTERVAL_S)
                continue
            elapsed = time.perf_counter() - process.started_at
            try:
                body = json.loads(response.text)
            except ValueError:
                body = {"text": response.text[:200]}
            round_.ready_body = body
            joined = consumers_joined(body)
            round_.consumers_reported = round_.consumers_reported or joined is not None
            if response.status_code == 200:
                if round_.ready_s is None:
                    round_.ready_s = elapsed
                if joined is None and not round_.consumers_reported:
                    return  # it does not report consumers: ready is all it says
                if joined:
                    round_.consumers_joined_s = elapsed
                    round_.service_says_rejoined = says_rejoined(body)
                    return
            await asyncio.sleep(READY_INTERVAL_S)
    finally:
        await client.aclose()


async def watch_group(
    watch: ConsumerGroupWatch, process: ServerProcess, round_: Round, previous: frozenset[str]
) -> None:
    """The broker's view: the previous process's members gone, then the group Stable with new
    ones. A static member (``group.instance.id``) keeps its member id across a restart: its group
    has rejoined once it is Stable and the service says its consumers joined."""
    while True:
        try:
            group = await watch.describe()
        except KafkaError:  # e.g. the group coordinator still loading: ask again
            await asyncio.sleep(GROUP_INTERVAL_S)
            continue
        elapsed = time.perf_counter() - process.started_at
        if previous and round_.previous_members_gone_s is None and not group.members & previous:
            round_.previous_members_gone_s = elapsed
        stable = group.state == "Stable" and group.members
        if stable and not group.members & previous:
            round_.group_rejoined_s = elapsed
            return
        if stable and round_.consumers_joined_s is not None:
            round_.group_rejoined_s = elapsed
            round_.group_kept_member_ids = True
            return
        await asyncio.sleep(GROUP_INTERVAL_S)


# --------------------------------------------------------------------------- a round


async def measure_start(
    process: ServerProcess,
    round_: Round,
    watch: ConsumerGroupWatch,
    previous: frozenset[str],
    infra: Infrastructure,
    timeout: float,
) -> Round:
    """Start the process and watch it until it serves, is ready and its group has rejoined."""
    round_.previous_members = len(previous)
    process.start()
    meter = CpuMeter({"service": process.pid, "broker": infra.broker_pid}, infra.postmaster_pid)
    meter.start()
    watchers = [
        asyncio.create_task(probe_first_2xx(process, round_, REQUEST.headers())),
        asyncio.create_task(watch_ready(process, round_)),
        asyncio.create_task(watch_group(watch, process, round_, previous)),
    ]
    done, pending = await asyncio.wait(watchers, timeout=timeout, return_when=asyncio.FIRST_EXCEPTION)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    round_.cpu_cores = meter.stop()
    round_.timed_out = bool(pending)
    for task in done:
        if task.exception() is not None:
            raise task.exception()
    return round_


async def drive(process: ServerProcess, round_: Round, count: int) -> None:
    """Some observations before the kill, so that it lands on a service that was working."""
    if count < 1:
        return
    client = LeanHttpClient(process.base_url, DRIVE_CONCURRENCY)
    keys = [f"D{round_.kind}{round_.n}-{i:05d}" for i in range(count)]
    try:
        phase = await closed_loop(
            write_call(client, REQUEST, REQUEST.headers(), keys), count, DRIVE_CONCURRENCY
        )
    finally:
        await client.aclose()
    round_.observations_before = phase.ok
    if phase.failed:
        print(
            f"  {phase.failed}/{count} observations before the {round_.kind} failed: {dict(phase.failures)}"
        )


def _print_progress(round_: Round) -> None:
    def s(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}s"

    print(
        f"{round_.kind:>5} {round_.n}: first 2xx {s(round_.first_2xx_s)}, ready {s(round_.ready_s)}, "
        f"consumers joined {s(round_.consumers_joined_s) if round_.consumers_reported else 'not reported'}, "
        f"group rejoined (broker) {s(round_.group_rejoined_s)}" + ("  TIMED OUT" if round_.timed_out else "")
    )


async def run(args: argparse.Namespace, workdir: Path) -> int:
    rounds: list[Round] = []
    process: ServerProcess | None = None
    async with Infrastructure(workdir) as infra:
        code = source_fingerprint(*SERVICE.sources)
        watch = ConsumerGroupWatch(infra.bootstrap_servers, GROUP_ID)
        await watch.start()
        try:
            print(f"broker {infra.bootstrap_servers}; logs {workdir}")
            for n in range(1, args.cold + 1):
                if process is not None:
                    process.stop()
                database_url = infra.database(f"{SERVICE.name}_restart_{n}")
                process = SERVICE.process(database_url, infra.bootstrap_servers, workdir)
                process.env.update(args.env)
                previous = (await watch.describe()).members  # none, or members that failed to leave
                rounds.append(
                    await measure_start(process, Round("cold", n), watch, previous, infra, args.timeout)
                )
                _print_progress(rounds[-1])
                if rounds[-1].timed_out:
                    raise TimeoutError(f"the cold start did not complete within {args.timeout:.0f}s")
            for kind, count in (("kill", args.kills), ("term", args.terms)):
                for n in range(1, count + 1):
                    round_ = Round(kind, n)
                    await drive(process, round_, args.observations)
                    previous = (await watch.describe()).members
                    if kind == "kill":
                        process.kill()  # SIGKILL: no shutdown hook, the member does not leave its group
                    else:
                        process.stop()  # SIGTERM: uvicorn's shutdown, the broker stopped
                    rounds.append(await measure_start(process, round_, watch, previous, infra, args.timeout))
                    _print_progress(round_)
                    if round_.timed_out:
                        raise TimeoutError(f"{kind} {n} did not complete within {args.timeout:.0f}s")
        except Exception as exc:
            print(f"invalid run: {exc}", file=sys.stderr)
            if process is not None:
                print(f"service log: {process.log_file}\n{process.log_tail(2000)}", file=sys.stderr)
            if rounds:
                report(rounds, args, infra, code, valid=False)
            return 2 if len(rounds) <= 1 else 3
        finally:
            if process is not None:
                process.stop()
            await watch.close()
        report(rounds, args, infra, code, valid=True)
        return 0


# --------------------------------------------------------------------------- the report


def summary(rounds: list[Round]) -> dict:
    by_kind: dict[str, dict] = {}
    for kind in ("cold", "kill", "term"):
        of_kind = [r for r in rounds if r.kind == kind]
        if not of_kind:
            continue
        by_kind[kind] = {
            name: spread([getattr(r, name) for r in of_kind if getattr(r, name) is not None])
            for name in (
                "first_answer_s",
                "first_2xx_s",
                "ready_s",
                "consumers_joined_s",
                "previous_members_gone_s",
                "group_rejoined_s",
            )
        }
    return by_kind


def _cell(value: float | None, width: int) -> str:
    return f"{'—' if value is None else f'{value:.2f}':>{width}}"


def report(
    rounds: list[Round], args: argparse.Namespace, infra: Infrastructure, code: dict, valid: bool
) -> None:
    kills = [r.first_2xx_s for r in rounds if r.kind == "kill" and r.first_2xx_s is not None]
    kill_median = statistics.median(kills) if kills else None
    results = {
        "measured_at": now_utc(),
        "valid": valid,
        "config": {
            "service": SERVICE.name,
            "request": f"POST {REQUEST.path}",
            "consumer_group": GROUP_ID,
            "cold": args.cold,
            "kills": args.kills,
            "terms": args.terms,
            "observations_before_each_stop": args.observations,
            "service_env": dict(args.env),
            "probe_interval_s": PROBE_INTERVAL_S,
            "ready_interval_s": READY_INTERVAL_S,
            "group_interval_s": GROUP_INTERVAL_S,
            "telemetry": "on (OTEL_SDK_DISABLED unset)",
            "postgres": infra.postgres_label,
            "broker": "embedded Tansu (memory)",
            **machine(),
            "source": code,
        },
        "rounds": [asdict(r) for r in rounds],
        "summary": summary(rounds),
        "target": {
            "after_kill_first_2xx_s": TARGET_AFTER_KILL_S,
            "median_after_kill_s": kill_median,
            "met": kill_median is not None and kill_median <= TARGET_AFTER_KILL_S,
        },
    }
    cfg = results["config"]
    titles = ("round", "answer", "2xx", "ready", "joined", "left", "group", "CPU s", "other")
    print()
    print(
        f"{SERVICE.name} start-up — seconds from process start; {cfg['postgres']} PostgreSQL, "
        f"Tansu (memory), {cfg['cpus']} CPUs, source {code['sha256']} (changed {code['newest_change']})"
        + "".join(f"; {name}={value}" for name, value in args.env)
    )
    print(
        "answer / 2xx: first answer / first 2xx to POST /observations · ready: /health/ready 200 · "
        "joined: ready reports the consumers joined · left: the broker no longer lists the previous "
        "process's members · group: the broker shows the group Stable with new members only · "
        "CPU s: the service's CPU time by its first 2xx · other: cores used by other jobs meanwhile"
    )
    header = f"{titles[0]:<8}" + "".join(f"{t:>8}" for t in titles[1:])
    print("-" * len(header))
    print(header)
    print("-" * len(header))
    for r in rounds:
        joined = _cell(r.consumers_joined_s, 8) if r.consumers_reported else f"{'n/r':>8}"
        cells = [
            _cell(r.first_answer_s, 8),
            _cell(r.first_2xx_s, 8),
            _cell(r.ready_s, 8),
            joined,
            _cell(r.previous_members_gone_s, 8),
            _cell(r.group_rejoined_s, 8),
            _cell(r.service_cpu_to_first_2xx_s, 8),
            _cell((r.cpu_cores or {}).get("other"), 8),
        ]
        print(f"{r.kind + ' ' + str(r.n):<8}" + "".join(cells) + ("  timed out" if r.timed_out else ""))
    print("-" * len(header))
    for kind, figures in results["summary"].items():
        first = figures["first_2xx_s"]
        group = figures["group_rejoined_s"]
        if first:
            print(
                f"{kind}: first 2xx median {first['median']:.2f} s "
                f"(min {first['min']:.2f}, max {first['max']:.2f}, n={first['n']})"
                + (f"; group rejoined median {group['median']:.2f} s" if group else "")
            )
    if any(r.group_kept_member_ids for r in rounds):
        print(
            "note: the group kept the previous member ids (static membership); there, group is when the "
            "service said its consumers joined and the broker showed the group Stable"
        )
    if not any(r.consumers_reported for r in rounds):
        print("note: /health/ready does not report the consumers (n/r); its 200 is all it says")
    rejoin = {r.service_says_rejoined for r in rounds if r.service_says_rejoined is not None}
    if rejoin:
        print(f"the service reports a rejoin: {', '.join(str(v) for v in sorted(rejoin))}")
    busy = [
        f"{r.kind} {r.n}" for r in rounds if ((r.cpu_cores or {}).get("other") or 0) >= BUSY_MACHINE_CORES
    ]
    if busy:
        print(
            f"note: other jobs used ≥ {BUSY_MACHINE_CORES} cores during {', '.join(busy)}; "
            "start-up is mostly CPU-bound, so those rounds are slow: rerun on a quiet machine"
        )
    if kill_median is not None:
        print(
            f"target: start → first 2xx after kill -9 ≤ {TARGET_AFTER_KILL_S:g} s → "
            f"{'MET' if results['target']['met'] else 'NOT MET'} (median {kill_median:.2f} s)"
        )
    save_results("restart_after_kill", results)


def _setting(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name:
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    return name, value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=3, help="restarts after SIGKILL (3)")
    parser.add_argument("--cold", type=int, default=1, help="cold starts, each on a fresh database (1)")
    parser.add_argument("--terms", type=int, default=1, help="restarts after SIGTERM (1)")
    parser.add_argument(
        "--observations", type=int, default=200, help="observations driven before each kill or stop (200)"
    )
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="most seconds one start may take to complete (120)"
    )
    parser.add_argument(
        "--env",
        type=_setting,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a further variable for the service, e.g. IDENTIFY_KAFKA_SESSION_TIMEOUT_MS=3000 or "
        "IDENTIFY_KAFKA_GROUP_INSTANCE_ID=identify-0 (repeatable)",
    )
    parser.add_argument("--keep-logs", action="store_true", help="keep the temp dir with the logs")
    args = parser.parse_args()
    if args.cold < 1 or min(args.kills, args.terms, args.observations) < 0 or args.timeout <= 0:
        parser.error("--cold must be ≥ 1; --kills, --terms and --observations ≥ 0; --timeout > 0")
    return run_in_workdir(run, args, prefix="restart-bench-")


if __name__ == "__main__":
    sys.exit(main())

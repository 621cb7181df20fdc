"""A service's start-up, watched from just before its process is created until it serves, says
it is ready, and its consumer group has rejoined as the broker sees it. Three watchers start
with the process and run until each has its answer:

- a probe: a new write every ``PROBE_INTERVAL_S`` until one is answered 2xx (the first answer of
  any status is noted too); until the server listens each attempt is refused at once, so the
  probe costs the starting process next to nothing;
- ``/health/ready`` every ``READY_INTERVAL_S``: its first 200, and the first that says the
  Kafka consumers joined (when it reports them at all);
- the broker's view of the consumer group (DescribeGroups) every ``GROUP_INTERVAL_S``: the
  previous process's members gone, then the group Stable with new ones.

See bench/restart_after_kill.py."""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from aiokafka.errors import KafkaError

from harness.cpu import BUSY_MACHINE_CORES, machine_was_busy, proc_cpu_seconds
from harness.http import LeanHttpClient
from harness.infrastructure import Infrastructure
from harness.kafka import ConsumerGroupWatch
from harness.load import failure_lines, write_all
from harness.processes import ServerProcess
from harness.report import Column, environment, print_table, source_label
from harness.services import WriteRequest, setting
from harness.stats import spread

PROBE_INTERVAL_S = 0.025
READY_INTERVAL_S = 0.05
GROUP_INTERVAL_S = 0.1
LOAD_CONCURRENCY = 8  # the writes before a stop
CONNECTION_ERRORS = (OSError, asyncio.IncompleteReadError)


@dataclass
class Start:
    """One start of a service: seconds from just before its process was created."""

    kind: str  # cold, kill, term…
    n: int
    observations_before: int = 0  # writes answered 2xx before the kill / stop
    first_answer_s: float | None = None  # any HTTP status to the probe's write
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
    cpu_cores: dict | None = None  # over the start
    timed_out: bool = False

    @property
    def label(self) -> str:
        return f"{self.kind} {self.n}"

    def raise_if_timed_out(self, timeout: float) -> None:
        if self.timed_out:
            raise TimeoutError(f"{self.label} did not complete within {timeout:.0f}s")


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


async def probe_first_2xx(process: ServerProcess, start: Start, request: WriteRequest) -> None:
    """A new write every PROBE_INTERVAL_S until one is answered 2xx."""
    client = LeanHttpClient(process.base_url, 1)
    headers = request.headers()
    statuses: Counter = Counter()
    try:
        for i in range(1, 10**9):
            if process.exited() is not None:
                raise RuntimeError(f"{process.name} exited with code {process.exited()}")
            body = request.body(f"P{start.kind}{start.n}-{i:05d}")
            try:
                response = await client.post(request.path, json=body, headers=headers)
            except CONNECTION_ERRORS:  # not listening yet
                await asyncio.sleep(PROBE_INTERVAL_S)
                continue
            elapsed = time.perf_counter() - process.started_at
            if start.first_answer_s is None:
                start.first_answer_s = elapsed
            if 200 <= response.status_code < 300:
                start.first_2xx_s = elapsed
                start.service_cpu_to_first_2xx_s = proc_cpu_seconds(process.pid)
                return
            statuses[str(response.status_code)] += 1
            start.statuses_before_2xx = dict(statuses)
            await asyncio.sleep(PROBE_INTERVAL_S)
    finally:
        await client.aclose()


async def watch_ready(process: ServerProcess, start: Start) -> None:
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
            start.ready_body = body
            joined = consumers_joined(body)
            start.consumers_reported = start.consumers_reported or joined is not None
            if response.status_code == 200:
                if start.ready_s is None:
                    start.ready_s = elapsed
                if joined is None and not start.consumers_reported:
                    return  # it does not report consumers: ready is all it says
                if joined:
                    start.consumers_joined_s = elapsed
                    start.service_says_rejoined = says_rejoined(body)
                    return
            await asyncio.sleep(READY_INTERVAL_S)
    finally:
        await client.aclose()


async def watch_group(
    group: ConsumerGroupWatch, process: ServerProcess, start: Start, previous: frozenset[str]
) -> None:
    """The broker's view: the previous process's members gone, then the group Stable with new
    ones. A static member (``group.instance.id``) keeps its member id across a restart: its group
    has rejoined once it is Stable and the service says its consumers joined."""
    while True:
        try:
            state = await group.describe()
        except KafkaError:  # e.g. the group coordinator still loading: ask again
            await asyncio.sleep(GROUP_INTERVAL_S)
            continue
        elapsed = time.perf_counter() - process.started_at
        if previous and start.previous_members_gone_s is None and not state.members & previous:
            start.previous_members_gone_s = elapsed
        stable = state.state == "Stable" and state.members
        if stable and not state.members & previous:
            start.group_rejoined_s = elapsed
            return
        if stable and start.consumers_joined_s is not None:
            start.group_rejoined_s = elapsed
            start.group_kept_member_ids = True
            return
        await asyncio.sleep(GROUP_INTERVAL_S)


# --------------------------------------------------------------------------- a start


async def watch_start(
    process: ServerProcess,
    start: Start,
    request: WriteRequest,
    group: ConsumerGroupWatch,
    infra: Infrastructure,
    timeout: float,
    stop: Callable[[], None] | None = None,
) -> Start:
    """``stop`` the process before (``ServerProcess.kill`` or ``.stop``), start the process and
    watch it until it serves, is ready and its group has rejoined, or until ``timeout``
    (``start.timed_out``); raises when a watcher fails (the process exited). The previous
    members are the group's as the broker lists them just before the stop."""
    previous = (await group.describe()).members
    start.previous_members = len(previous)
    if stop is not None:
        stop()
    process.start()
    meter = infra.cpu_meter({"service": process.pid})
    meter.start()
    watchers = [
        asyncio.create_task(probe_first_2xx(process, start, request)),
        asyncio.create_task(watch_ready(process, start)),
        asyncio.create_task(watch_group(group, process, start, previous)),
    ]
    done, pending = await asyncio.wait(watchers, timeout=timeout, return_when=asyncio.FIRST_EXCEPTION)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    start.cpu_cores = meter.stop()
    start.timed_out = bool(pending)
    for task in done:
        if task.exception() is not None:
            raise task.exception()
    _print_progress(start)
    return start


async def load_before_stop(process: ServerProcess, start: Start, request: WriteRequest, count: int) -> None:
    """Some writes before a kill or stop, so that it lands on a service that was working."""
    if count < 1:
        return
    keys = [f"D{start.kind}{start.n}-{i:05d}" for i in range(count)]
    phase = await write_all(process.base_url, request, keys, LOAD_CONCURRENCY)
    start.observations_before = phase.ok
    if phase.failed:
        print(
            f"  {phase.failed}/{count} writes before the {start.kind} failed:",
            *failure_lines(phase),
            sep="\n",
        )


def _print_progress(start: Start) -> None:
    def s(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}s"

    joined = s(start.consumers_joined_s) if start.consumers_reported else "not reported"
    print(
        f"{start.kind:>5} {start.n}: first 2xx {s(start.first_2xx_s)}, ready {s(start.ready_s)}, "
        f"consumers joined {joined}, group rejoined (broker) {s(start.group_rejoined_s)}"
        + ("  TIMED OUT" if start.timed_out else "")
    )


# --------------------------------------------------------------------------- the report

FIGURES = (
    "first_answer_s",
    "first_2xx_s",
    "ready_s",
    "consumers_joined_s",
    "previous_members_gone_s",
    "group_rejoined_s",
)


def summary(starts: list[Start]) -> dict:
    """Median, min and max of each figure per kind of start, kinds in their order."""
    kinds = dict.fromkeys(start.kind for start in starts)
    return {
        kind: {
            name: spread(
                [v for start in starts if start.kind == kind and (v := getattr(start, name)) is not None]
            )
            for name in FIGURES
        }
        for kind in kinds
    }


def _cell(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def print_starts(title: str, starts: list[Start], request: WriteRequest) -> None:
    """A row per start, then per kind the median, min and max of the first 2xx and the group."""
    print()
    print(title)
    print(
        f"answer / 2xx: first answer / first 2xx to POST {request.path} · ready: /health/ready 200 · "
        "joined: ready reports the consumers joined · left: the broker no longer lists the previous "
        "process's members · group: the broker shows the group Stable with new members only · "
        "CPU s: the service's CPU time by its first 2xx · other: cores used by other jobs meanwhile"
    )
    titles = ("answer", "2xx", "ready", "joined", "left", "group", "CPU s", "other")
    rows = [
        (
            start.label,
            _cell(start.first_answer_s),
            _cell(start.first_2xx_s),
            _cell(start.ready_s),
            _cell(start.consumers_joined_s) if start.consumers_reported else "n/r",
            _cell(start.previous_members_gone_s),
            _cell(start.group_rejoined_s),
            _cell(start.service_cpu_to_first_2xx_s),
            _cell((start.cpu_cores or {}).get("other")),
            *(["  timed out"] if start.timed_out else []),
        )
        for start in starts
    ]
    print_table([Column("round", 8, left=True), *(Column(t, 8) for t in titles)], rows)
    for kind, figures in summary(starts).items():
        first, group = figures["first_2xx_s"], figures["group_rejoined_s"]
        if first:
            print(
                f"{kind}: first 2xx median {first['median']:.2f} s "
                f"(min {first['min']:.2f}, max {first['max']:.2f}, n={first['n']})"
                + (f"; group rejoined median {group['median']:.2f} s" if group else "")
            )
    for note in start_notes(starts):
        print(note)


def start_notes(starts: list[Start]) -> list[str]:
    notes = []
    if any(start.group_kept_member_ids for start in starts):
        notes.append(
            "note: the group kept the previous member ids (static membership); there, group is when the "
            "service said its consumers joined and the broker showed the group Stable"
        )
    if not any(start.consumers_reported for start in starts):
        notes.append("note: /health/ready does not report the consumers (n/r); its 200 is all it says")
    rejoin = {start.service_says_rejoined for start in starts if start.service_says_rejoined is not None}
    if rejoin:
        notes.append(f"the service reports a rejoin: {', '.join(str(v) for v in sorted(rejoin))}")
    busy = [start.label for start in starts if machine_was_busy(start.cpu_cores)]
    if busy:
        notes.append(
            f"note: other jobs used ≥ {BUSY_MACHINE_CORES} cores during {', '.join(busy)}; "
            "start-up is mostly CPU-bound, so those rounds are slow: rerun on a quiet machine"
        )
    return notes


# --------------------------------------------------------------------------- options and results


def add_options(parser: argparse.ArgumentParser, before: str = "observations") -> None:
    """What every start-up benchmark takes besides its rounds; ``before`` names its writes."""
    parser.add_argument(
        "--observations", type=int, default=200, help=f"{before} driven before each kill or stop (200)"
    )
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="most seconds one start may take to complete (120)"
    )
    parser.add_argument(
        "--env",
        type=setting,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a further variable for the service, e.g. IDENTIFY_KAFKA_SESSION_TIMEOUT_MS=3000 or "
        "IDENTIFY_KAFKA_GROUP_INSTANCE_ID=identify-0 (repeatable)",
    )
    parser.add_argument("--keep-logs", action="store_true", help="keep the temp dir with the logs")


def config(args: argparse.Namespace, request: WriteRequest, infra: Infrastructure, code: dict) -> dict:
    """How the starts were watched, for the results file."""
    return {
        "request": f"POST {request.path}",
        "observations_before_each_stop": args.observations,
        "service_env": dict(args.env),
        "probe_interval_s": PROBE_INTERVAL_S,
        "ready_interval_s": READY_INTERVAL_S,
        "group_interval_s": GROUP_INTERVAL_S,
        "telemetry": "on (OTEL_SDK_DISABLED unset)",
        **environment(infra, code),
    }


def title(service: str, cfg: dict, env: list[tuple[str, str]]) -> str:
    return (
        f"{service} start-up — seconds from process start; {cfg['postgres']} PostgreSQL, "
        f"Tansu (memory), {cfg['cpus']} CPUs, {source_label(cfg['source'])}"
        + "".join(f"; {name}={value}" for name, value in env)
    )

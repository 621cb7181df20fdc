"""Load drivers. A request is a ``Call``: given its index, it sends one request and returns None
when the answer is what was expected, else why not (a failed request)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from harness.http import LeanHttpClient, httpx_limits
from harness.services import WriteRequest
from harness.stats import latency_summary

Call = Callable[[int], Awaitable[str | None]]


@dataclass
class Phase:
    sent: int
    failures: Counter
    latencies_ms: list[float]  # sorted
    started: float  # perf_counter; the open loop: when the schedule began
    finished: float  # perf_counter of the last response
    cpu: dict[str, float | None] | None = None
    client_lag_ms: list[float] | None = None  # open loop: sorted, start time − scheduled time
    scheduled_s: float = 0.0  # open loop: how long the schedule ran
    max_in_flight: int | None = None
    attempts: int = 1  # measured again while other jobs competed for the CPUs

    @property
    def seconds(self) -> float:
        return self.finished - self.started

    @property
    def failed(self) -> int:
        return sum(self.failures.values())

    @property
    def ok(self) -> int:
        return self.sent - self.failed

    def latency(self) -> dict[str, float | None]:
        return latency_summary(self.latencies_ms)


async def checked(call: Call, i: int) -> str | None:
    try:
        return await call(i)
    except Exception as exc:  # a dropped connection, a malformed answer: a failed request
        return f"{type(exc).__name__}: {exc}"[:160]


async def closed_loop(call: Call, count: int, concurrency: int) -> Phase:
    """``concurrency`` workers, each sending its next request as soon as the last one answered."""
    remaining = iter(range(count))
    latencies: list[float] = []
    failures: Counter = Counter()

    async def worker() -> None:
        for i in remaining:  # shared: each request is taken once
            t = time.perf_counter()
            reason = await checked(call, i)
            latencies.append((time.perf_counter() - t) * 1000)
            if reason:
                failures[reason] += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(min(concurrency, count))))
    return Phase(count, failures, sorted(latencies), started, time.perf_counter())


async def open_loop(call: Call, rate: float, seconds: float) -> Phase:
    """Requests started on a fixed schedule (every 1/rate s) whether or not earlier ones have
    answered; each latency runs from the *scheduled* time to the response, so a slow answer
    cannot hide the requests queued behind it (no coordinated omission)."""
    count = round(rate * seconds)
    latencies: list[float] = []
    lags: list[float] = []
    failures: Counter = Counter()
    in_flight = max_in_flight = 0

    async def one(i: int, scheduled: float) -> None:
        nonlocal in_flight, max_in_flight
        lags.append((time.perf_counter() - scheduled) * 1000)
        in_flight += 1
        max_in_flight = max(max_in_flight, in_flight)
        reason = await checked(call, i)
        in_flight -= 1
        latencies.append((time.perf_counter() - scheduled) * 1000)
        if reason:
            failures[reason] += 1

    tasks = []
    start = time.perf_counter() + 0.01
    for i in range(count):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, scheduled)))
    await asyncio.gather(*tasks)
    return Phase(
        count,
        failures,
        sorted(latencies),
        start,
        time.perf_counter(),
        client_lag_ms=sorted(lags),
        scheduled_s=count / rate,
        max_in_flight=max_in_flight,
    )


def _unexpected(response, status: int = 200) -> str | None:
    """Why an answer is not the status expected, or None."""
    return None if response.status_code == status else f"HTTP {response.status_code}: {response.text[:120]}"


def write_call(
    client: LeanHttpClient | httpx.AsyncClient,
    request: WriteRequest,
    headers: dict[str, str],
    keys: list[str],
) -> Call:
    """The ``i``-th write is about ``keys[i]``; it succeeds with the request's status."""

    async def call(i: int) -> str | None:
        response = await client.post(request.path, json=request.body(keys[i]), headers=headers)
        return _unexpected(response, request.ok_status)

    return call


async def write_all(base_url: str, request: WriteRequest, keys: list[str], concurrency: int) -> Phase:
    """One write per key, ``concurrency`` in flight, on a lean client of its own."""
    client = LeanHttpClient(base_url, concurrency)
    try:
        call = write_call(client, request, request.headers(), keys)
        return await closed_loop(call, len(keys), concurrency)
    finally:
        await client.aclose()


Check = Callable[[Any], str | None]  # given an answer's JSON: None when it is right, else what is wrong


def get_call(client: LeanHttpClient, path: str, headers: dict[str, str], check: Check) -> Call:
    """``GET path``: a 200 whose JSON passes ``check``."""

    async def call(_i: int) -> str | None:
        response = await client.get(path, headers)
        return _unexpected(response) or check(orjson.loads(response.text))

    return call


def graphql_call(client: LeanHttpClient, query: str, headers: dict[str, str], check: Check) -> Call:
    """``POST /graphql`` with ``query``: a 200 with no ``errors``, whose ``data`` passes ``check``."""
    body = {"query": query}

    async def call(_i: int) -> str | None:
        response = await client.post("/graphql", body, headers)
        if reason := _unexpected(response):
            return reason
        result = orjson.loads(response.text)
        if result.get("errors"):
            return f"errors: {json.dumps(result['errors'])[:140]}"
        return check(result.get("data") or {})

    return call


def failure_lines(phase: Phase, prefix: str = "", most: int = 10) -> list[str]:
    """The commonest reasons a phase's requests failed, one line each."""
    return [f"  {prefix}{n:>6} × {reason}" for reason, n in phase.failures.most_common(most)]


def add_closed_loop_options(
    parser: argparse.ArgumentParser, count: int, concurrency: int, counted: str, warmup: str
) -> None:
    """``--count`` (what is ``counted``), ``--concurrency`` and ``--warmup`` (sent ``warmup``)."""
    parser.add_argument("--count", type=int, default=count, help=f"{counted} ({count})")
    parser.add_argument(
        "--concurrency", type=int, default=concurrency, help=f"closed-loop requests in flight ({concurrency})"
    )
    parser.add_argument("--warmup", type=int, default=200, help=f"unmeasured requests {warmup} (200)")


def httpx_client(base_url: str, concurrency: int) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base_url, limits=httpx_limits(concurrency), timeout=httpx.Timeout(60.0))


# --------------------------------------------------------------------------- client processes


def _client_process_main(
    base_url: str, request: WriteRequest, headers: dict, keys: list[str], concurrency: int, start_at: float
) -> dict:
    """One load-generating process: its own httpx client and share of the concurrency, starting
    at ``start_at`` (perf_counter is CLOCK_MONOTONIC, the same clock in every process on Linux)."""

    async def go() -> Phase:
        async with httpx_client(base_url, concurrency) as client:
            await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
            return await closed_loop(write_call(client, request, headers, keys), len(keys), concurrency)

    phase = asyncio.run(go())
    return {"latencies_ms": phase.latencies_ms, "failures": dict(phase.failures), "finished": phase.finished}


def _client_process_ready(_: int) -> int:
    return os.getpid()


class ClientProcesses:
    """A pool of load-generating processes, started (and importing httpx) before the clock, for
    machines where one client process saturates before the service does."""

    def __init__(self, count: int) -> None:
        import multiprocessing

        # spawn, not fork: this process runs an event loop and aiokafka's threads
        self._pool = multiprocessing.get_context("spawn").Pool(count)
        self.count = count
        self._pool.map(_client_process_ready, range(count * 4), chunksize=1)  # all imported
        self.pids = [process.pid for process in self._pool._pool]

    async def write(
        self, base_url: str, request: WriteRequest, headers: dict, keys: list[str], concurrency: int
    ) -> Phase:
        start_at = time.perf_counter() + 0.5
        slices = [keys[i :: self.count] for i in range(self.count)]
        shares = [concurrency // self.count + (i < concurrency % self.count) for i in range(self.count)]
        pending = [
            self._pool.apply_async(
                _client_process_main, (base_url, request, headers, part, max(1, share), start_at)
            )
            for part, share in zip(slices, shares, strict=True)
            if part
        ]
        loop = asyncio.get_running_loop()
        parts = [await loop.run_in_executor(None, job.get) for job in pending]
        failures: Counter = Counter()
        for part in parts:
            failures.update(part["failures"])
        return Phase(
            len(keys),
            failures,
            sorted(lat for part in parts for lat in part["latencies_ms"]),
            start_at,
            max(part["finished"] for part in parts),
        )

    def close(self) -> None:
        self._pool.terminate()
        self._pool.join()

"""Optional profiling: ``py-spy record`` on a server process during a measured phase, and where
its busy samples went."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class PySpy:
    """``py-spy record`` on a process, from ``start()`` to ``stop()`` (``--py-spy PATH``)."""

    def __init__(self, executable: str, pid: int, output: Path) -> None:
        self.output = output
        self._cmd = [
            executable,
            "record",
            "--pid",
            str(pid),
            "--rate",
            "200",
            "--nonblocking",
            "--full-filenames",
            "--format",
            "raw",
            "--output",
            str(output),
        ]
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> PySpy:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self._process = subprocess.Popen(self._cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(0.5)  # let it attach

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)  # py-spy writes its output on Ctrl-C
            try:
                self._process.wait(30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()


_PATH_PREFIX = re.compile(r"\((?:.*/site-packages/|.*/lib/python3\.\d+/|.*/src/)")
_LINE_NUMBER = re.compile(r":\d+\)$")
IDLE_LEAVES = ("Condition.wait (threading.py)", "Queue.get (queue.py)")


def short_frame(frame: str) -> str:
    return _LINE_NUMBER.sub(")", _PATH_PREFIX.sub("(", frame, count=1))


def package(frame: str) -> str:
    """``opentelemetry``, ``sqlalchemy``, ``asyncio``… of a shortened frame."""
    inside = frame.rpartition("(")[2].rstrip(")")
    top = inside.split("/", 1)[0]
    return top.removesuffix(".py") or "?"


def _stacks(path: Path) -> Iterator[tuple[str, list[str], int]]:
    """Each collapsed stack of a py-spy ``raw`` file: as recorded, its frames shortened, its
    sample count."""
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if stack and n.isdigit():
            yield stack, [short_frame(f) for f in stack.split(";")], int(n)


def _is_idle(frames: list[str]) -> bool:
    """A worker thread parked in Condition.wait: not a busy sample."""
    return frames[-1] in IDLE_LEAVES


def _shares(counter: Counter, total: int, top: int | None = None) -> list[tuple[str, float]]:
    return [(key, round(100 * n / total, 1)) for key, n in counter.most_common(top)] if total else []


def summarize_profile(path: Path, top: int = 25) -> dict:
    """Shares of the process's busy samples from py-spy's collapsed stacks: self time per
    function and per top-level package, and inclusive time per function. Samples of idle
    worker threads are left out."""
    total = idle = 0
    self_counts: Counter = Counter()
    self_packages: Counter = Counter()
    inclusive: Counter = Counter()
    for _stack, frames, n in _stacks(path):
        if _is_idle(frames):
            idle += n
            continue
        total += n
        self_counts[frames[-1]] += n
        self_packages[package(frames[-1])] += n
        for frame in set(frames):
            inclusive[frame] += n
    if not total:
        return {"samples": 0, "idle_thread_samples": idle}
    return {
        "samples": total,
        "idle_thread_samples": idle,
        "self_pct_by_package": _shares(self_packages, total, top),
        "self_pct": _shares(self_counts, total, top),
        "inclusive_pct": _shares(inclusive, total, top),
    }


# (title, key in the profile, how many lines): self time, the sections every profile has
SELF_TIME = (
    ("self time by package (% of busy samples)", "self_pct_by_package", 12),
    ("self time by function (% of busy samples)", "self_pct", 20),
)


def print_profile(headline: str, profile: dict, sections=SELF_TIME) -> None:
    print(f"\n{headline}")
    for title, key, n in sections:
        print(f"{title}:")
        for frame, pct in profile.get(key, [])[:n]:
            print(f"  {pct:5.1f}%  {frame}")


@dataclass(frozen=True)
class Components:
    """Where a server's busy samples go: to the first subtree whose pattern matches any frame of
    the stack as recorded (a part of handling a request), else to the group of the innermost
    frame's package, else ``other``. The first subtree is also broken down by the package of
    the innermost frame (``<first>_by_package_pct`` in the results)."""

    subtrees: tuple[tuple[str, str], ...]  # label, pattern
    leaf_packages: tuple[tuple[str, tuple[str, ...]], ...]  # label, packages
    first: str  # the first subtree's name in the results

    def shares(self, path: Path) -> dict:
        """Shares of the busy samples of a py-spy ``raw`` file per component, and of the first
        component by package."""
        subtrees = [(label, re.compile(pattern)) for label, pattern in self.subtrees]
        components: Counter = Counter()
        first: Counter = Counter()
        total = 0
        for stack, frames, n in _stacks(path):
            if _is_idle(frames):
                continue
            total += n
            label = next((label for label, pattern in subtrees if pattern.search(stack)), None)
            if label is None:
                top = package(frames[-1])
                label = next((lbl for lbl, packages in self.leaf_packages if top in packages), "other")
            elif label == subtrees[0][0]:
                first[package(frames[-1])] += n
            components[label] += n
        return {
            "components_pct": _shares(components, total),
            f"{self.first}_by_package_pct": _shares(first, total),
        }

    def sections(self) -> tuple[tuple[str, str, int], ...]:
        """What ``print_profile`` prints of a profile with these components."""
        return (
            ("where the time goes (% of busy samples)", "components_pct", 20),
            (f"  of which the {self.first.replace('_', ' ')}, by package", f"{self.first}_by_package_pct", 8),
            *SELF_TIME,
        )


# The gateway's parts. py-spy sees a coroutine resumed by uvloop from its own frame up: a stack
# with any frame of the HTTP client is part of the upstream call even when IdentifyClient is
# not in it.
GATEWAY_COMPONENTS = Components(
    subtrees=(
        (
            "upstream call to identify (httpx on aiohttp + its OTel client span)",
            r"IdentifyClient\._call \(|/httpx/|/httpx_aiohttp/|/aiohttp/|/yarl/|/multidict/|/httpcore/"
            r"|/anyio/|/h11/|instrumentation/httpx",
        ),
        ("GraphQL validation (graphql-core rules + limiters)", r"graphql/validation/|validate_document \("),
        ("GraphQL parsing", r"graphql/language/parser\.py"),
        ("GraphQL execution (without the upstream call)", r"graphql/execution/"),
        ("Strawberry extensions outside validation", r"strawberry/extensions/"),
        ("JWT verification", r"/jwt/|TokenVerifier\."),
    ),
    leaf_packages=(
        ("OpenTelemetry (server span, context)", ("opentelemetry",)),
        ("JSON", ("json", "orjson")),
        ("Strawberry HTTP view and schema glue", ("strawberry",)),
        (
            "HTTP server (uvicorn, Starlette, FastAPI, httptools)",
            ("uvicorn", "starlette", "fastapi", "httptools"),
        ),
        ("asyncio event loop", ("asyncio", "uvloop", "selectors")),
    ),
    first="upstream_call",
)

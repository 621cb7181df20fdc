"""Optional profiling: ``py-spy record`` on a server process during a measured phase, and where
its busy samples went."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from collections import Counter
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


def summarize_profile(path: Path, top: int = 25) -> dict:
    """Shares of the process's busy samples from py-spy's collapsed stacks: self time per
    function and per top-level package, and inclusive time per function. Samples of idle
    worker threads (parked in Condition.wait) are left out."""
    total = idle = 0
    self_counts: Counter = Counter()
    self_packages: Counter = Counter()
    inclusive: Counter = Counter()
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        frames = [short_frame(f) for f in stack.split(";")]
        if frames[-1] in IDLE_LEAVES:
            idle += int(n)
            continue
        total += int(n)
        self_counts[frames[-1]] += int(n)
        self_packages[package(frames[-1])] += int(n)
        for frame in set(frames):
            inclusive[frame] += int(n)
    if not total:
        return {"samples": 0, "idle_thread_samples": idle}

    def share(counter: Counter) -> list[tuple[str, float]]:
        return [(f, round(100 * c / total, 1)) for f, c in counter.most_common(top)]

    return {
        "samples": total,
        "idle_thread_samples": idle,
        "self_pct_by_package": share(self_packages),
        "self_pct": share(self_counts),
        "inclusive_pct": share(inclusive),
    }


def print_profile_summary(profile: dict) -> None:
    print(f"\npy-spy: {profile['samples']} samples → {profile['file']}")
    print("self time by package (% of busy samples):")
    for name, pct in profile.get("self_pct_by_package", [])[:12]:
        print(f"  {pct:5.1f}%  {name}")
    print("top self time (% of busy samples):")
    for frame, pct in profile.get("self_pct", [])[:15]:
        print(f"  {pct:5.1f}%  {frame}")

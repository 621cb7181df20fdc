"""``make run`` as a new user sees it: the launcher, started for real (embedded PostgreSQL, the
Tansu broker, every service, the demo data) on free ports and a fresh ``var/``, prints a line
per component, the table and the tokens, and how long it took; the components' own output is
in ``var/log``. Ctrl-C stops it all, as a success. It speaks Chinese, the default, on a machine
whose ``LANG`` is English: the launcher reads ``BRANCHFLOW_LANG`` only."""

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from branchflow_devstack.components import SERVICES
from branchflow_runtime.embedded import free_port
from branchflow_runtime.embedded.broker import port_is_free

pytestmark = pytest.mark.connected

START_TIMEOUT_SECONDS = 180


def port_base() -> int:
    """A port with the next ones free too, one per service."""
    for _ in range(50):
        base = free_port()
        if all(port_is_free("127.0.0.1", base + offset) for offset in range(len(SERVICES))):
            return base
    raise RuntimeError("no run of free ports")


def read_lines(stream, lines: queue.Queue) -> None:
    for text in stream:
        lines.put(text.rstrip("\n"))
    lines.put(None)


def until(lines: queue.Queue, seen: list[str], pattern: str, timeout: float) -> re.Match:
    deadline = time.monotonic() + timeout
    while True:
        try:
            text = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            text = None
        if text is None or time.monotonic() > deadline:
            pytest.fail(f"no line matching {pattern!r}; the launcher said:\n" + "\n".join(seen))
        seen.append(text)
        if match := re.search(pattern, text):
            return match


def test_a_quiet_start_then_ctrl_c(tmp_path):
    var = tmp_path / "var"
    env = {
        **os.environ,
        "BRANCHFLOW_VAR_DIR": str(var),
        "BRANCHFLOW_PORT_BASE": str(port_base()),
        "BRANCHFLOW_KAFKA_PORT": str(free_port()),
        "COLUMNS": "200",
        "LANG": "en_US.UTF-8",  # not read: branch staff get Chinese unless BRANCHFLOW_LANG=en
    }
    env.pop("BRANCHFLOW_LANG", None)
    launcher = subprocess.Popen(
        [sys.executable, "-m", "branchflow_devstack.launcher", "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=read_lines, args=(launcher.stdout, lines), daemon=True).start()
    seen: list[str] = []
    try:
        took = float(until(lines, seen, r"Branchflow 已启动，用时 (\d+\.\d) 秒", START_TIMEOUT_SECONDS)[1])
    finally:
        launcher.send_signal(signal.SIGINT)  # what Ctrl-C sends
        code = launcher.wait(60)
    until(lines, seen, r"^已停止。$", 5)

    ready = [m[1] for text in seen if (m := re.match(r"  ✓ (\S+)\s+(就绪|\d+ 位客户)", text))]
    # a line per component as it becomes ready (the services in either order), then the demo data
    assert ready[:2] == ["postgres", "kafka"] and ready[-1] == "演示数据", seen
    assert sorted(ready[2:-1]) == sorted(s.name for s in SERVICES), seen
    # the referral day too, with a suggestion from the lobby's identifications filed (10 forms)
    [demo] = [text for text in seen if "演示数据" in text]
    assert "300 位客户、40 条观察记录，10 张推介表、4 条待跟进记录、一场讲座" in demo
    assert any("推介服务 API 文档  http://127.0.0.1:" in text for text in seen)
    assert 0 < took < START_TIMEOUT_SECONDS
    assert len(seen) < 45, "\n".join(seen)  # a table and 9 tokens, not every component's log
    assert not [text for text in seen if " INFO " in text or "Traceback" in text], seen
    assert sum(" eyJ" in text for text in seen) == 9  # a token per role
    assert any("var/log/identify.log" in text for text in seen)
    assert code == 0  # stopped by the user: a success
    assert "created database identify" in (var / "log" / "identify.log").read_text()
    assert "Running commandline" in (var / "log" / "postgres.log").read_text()

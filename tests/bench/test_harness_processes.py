"""The harness with real parts: servers as OS processes started together and stopped, and
identify's start watched on the benchmarks' own infrastructure (its broker and PostgreSQL) as
bench/restart_after_kill.py watches it."""

import json
import sys

import pytest
from harness.infrastructure import Infrastructure
from harness.kafka import ConsumerGroupWatch
from harness.processes import ServerProcess, StartFailed, serving
from harness.services import IDENTIFY, OBSERVATION
from harness.startup import Start, watch_start

from branchflow_runtime.embedded import free_port

pytestmark = pytest.mark.connected


def static_server(name: str, workdir, health: str = "/health.json") -> ServerProcess:
    """Python's own HTTP server on a free port, answering the files of ``workdir``."""
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "http.server",
        "--bind",
        "127.0.0.1",
        "--directory",
        str(workdir),
        str(port),
    ]
    return ServerProcess(name, argv, {}, port, health, workdir)


async def test_serving_starts_the_servers_waits_for_them_and_stops_them(tmp_path):
    (tmp_path / "health.json").write_text(json.dumps({"status": "ok", "live_updates": True}))
    first, second = static_server("first", tmp_path), static_server("second", tmp_path)
    async with serving(first, second):
        assert first.exited() is None and second.exited() is None
        await first.wait_ready(10.0, lambda health: health["live_updates"], "following")
        with pytest.raises(TimeoutError, match="second not following after 1s"):
            await second.wait_ready(1.0, lambda health: health.get("missing"), "following")
    assert first.exited() is not None and second.exited() is not None
    assert "--- first started" in first.log_tail()


async def test_a_server_that_does_not_start_is_named_and_the_others_stopped(tmp_path):
    (tmp_path / "health.json").write_text("{}")
    fine = static_server("fine", tmp_path)
    broken = ServerProcess(
        "broken",
        [sys.executable, "-c", "print('no config'); raise SystemExit(3)"],
        {},
        free_port(),
        "/",
        tmp_path,
    )
    with pytest.raises(StartFailed, match=r"broken did not start: broken exited with code 3(.|\n)*no config"):
        async with serving(fine, broken):
            pytest.fail("served without the broken server")
    assert fine.exited() is not None


async def test_identify_cold_start_is_watched_until_its_group_has_joined(tmp_path):
    async with Infrastructure(tmp_path) as infra:
        group = ConsumerGroupWatch(infra.bootstrap_servers, "identify")
        await group.start()
        process = IDENTIFY.process(infra.database("identify_harness"), infra.bootstrap_servers, tmp_path)
        try:
            start = await watch_start(process, Start("cold", 1), OBSERVATION, group, infra, timeout=90.0)
        finally:
            process.stop()
            await group.close()
    assert not start.timed_out
    assert start.first_answer_s <= start.first_2xx_s  # the first answer is already a success
    assert start.statuses_before_2xx == {}
    assert start.ready_s is not None and start.service_cpu_to_first_2xx_s > 0
    assert start.consumers_reported  # identify's /health/ready says whether its consumers joined
    assert start.consumers_joined_s is not None and start.group_rejoined_s is not None
    assert start.previous_members == 0 and start.previous_members_gone_s is None
    assert set(start.cpu_cores) >= {"service", "broker", "postgres_local", "bench_client", "other"}

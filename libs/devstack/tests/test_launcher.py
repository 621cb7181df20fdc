"""The launcher's parts: the table of services, where each component's output goes, the refusals
it gives in one line, and the table it prints — in English here (the texts are easiest to read
in the msgid's language), in Chinese, the default, at the end."""

import argparse
import io
import socket
from datetime import datetime
from pathlib import Path

import pytest
from honcho.printer import Message
from rich.cells import cell_len
from rich.console import Console

from branchflow_devstack.components import SERVICES, ports_from, service_env
from branchflow_devstack.launcher import (
    DemoLoaded,
    Options,
    Readiness,
    StartRefused,
    check_ports_free,
    launcher_locale,
    table_rows,
)
from branchflow_devstack.terminal import ComponentLogs, Screen
from branchflow_devstack.trace_viewer import TraceViewer
from branchflow_runtime.embedded import free_port
from branchflow_runtime.i18n import use_locale


@pytest.fixture(autouse=True)
def english(request):
    if "chinese" in request.node.name:
        yield
        return
    with use_locale("en"):
        yield


def line(name: str, data: str) -> Message:
    return Message(type="line", data=data, time=datetime(2026, 11, 24, 9, 0, 0), name=name, colour=None)


def screen(root: Path) -> tuple[Screen, io.StringIO]:
    out = io.StringIO()
    return Screen(0.0, root, Console(file=out, width=200, color_system=None)), out


def options(tmp_path: Path, port_base: int = 8000, traces: bool = False) -> Options:
    viewer = TraceViewer(6006, 4317, tmp_path / "traces") if traces else None
    return Options(tmp_path, port_base, 19092, viewer, verbose=False, jwt_secret="s")


def test_each_service_gets_its_settings_and_the_gateway_finds_every_service():
    ports = ports_from(9000)
    assert ports == {"gateway": 9000, "identify": 9001, "referral": 9002}
    identify = next(s for s in SERVICES if s.name == "identify")
    env = service_env(identify, ports, "postgresql+asyncpg://db", "127.0.0.1:1", "secret", {"OTEL_X": "1"})
    assert env["IDENTIFY_HTTP_PORT"] == "9001"
    assert env["IDENTIFY_DATABASE_URL"] == "postgresql+asyncpg://db"
    assert env["IDENTIFY_KAFKA_BOOTSTRAP_SERVERS"] == "127.0.0.1:1"
    assert env["IDENTIFY_JWT_SECRET"] == "secret" and env["IDENTIFY_DEV_MODE"] == "true"
    assert env["GATEWAY_IDENTIFY_URL"] == "http://127.0.0.1:9001"
    assert env["GATEWAY_REFERRAL_URL"] == "http://127.0.0.1:9002"
    assert env["IDENTIFY_KAFKA_SESSION_TIMEOUT_MS"] == "3000"  # groups settle fast on one machine
    assert env["OTEL_X"] == "1"


def test_component_output_goes_to_its_own_log_and_honchos_notes_to_the_launchers(tmp_path, capsys):
    logs = ComponentLogs(tmp_path, echo=False)
    logs.write(line("identify", "2026-11-24 09:00:00,000 INFO identify ready\n"))
    logs.write(line("gateway", b"2026-11-24 09:00:00,000 INFO gateway ready\n"))
    logs.write(line("system", "identify started (pid=42)\n"))
    logs.close()
    assert (tmp_path / "identify.log").read_text() == "2026-11-24 09:00:00,000 INFO identify ready\n"
    assert (tmp_path / "gateway.log").read_text() == "2026-11-24 09:00:00,000 INFO gateway ready\n"
    assert (tmp_path / "launcher.log").read_text() == "2026-11-24 09:00:00 identify started (pid=42)\n"
    assert capsys.readouterr().out == ""  # quiet: nothing on the terminal
    assert not logs.stopping.is_set()


def test_verbose_shows_the_lines_on_the_terminal_too(tmp_path, capsys):
    logs = ComponentLogs(tmp_path, echo=True)
    logs.width = 8
    logs.write(line("identify", "created database identify\n"))
    logs.close()
    assert capsys.readouterr().out == "09:00:00 identify | created database identify\n"
    assert (tmp_path / "identify.log").read_text() == "created database identify\n"


def test_a_stopped_process_or_a_signal_ends_the_start(tmp_path):
    logs = ComponentLogs(tmp_path, echo=False)
    logs.write(line("system", "identify stopped (rc=1)\n"))
    assert logs.stopping.is_set() and logs.stopped == {"identify": 1} and not logs.interrupted
    logs = ComponentLogs(tmp_path, echo=False)
    logs.write(line("system", "SIGINT received\n"))
    assert logs.stopping.is_set() and logs.interrupted


def test_a_service_that_stops_during_start_is_one_line_with_what_it_said_last(tmp_path):
    logs = ComponentLogs(tmp_path, echo=False)
    logs.write(
        line("identify", "2026-11-24 09:00:00,000 INFO branchflow_runtime.database created database\n")
    )
    logs.write(
        line("identify", "2026-11-24 09:00:01,000 CRITICAL branchflow stopped: [Errno 98] address in use\n")
    )
    logs.write(line("system", "identify stopped (rc=1)\n"))
    shown, out = screen(tmp_path)
    unreachable = f"http://127.0.0.1:{free_port()}/health/ready"
    assert Readiness(shown, logs).wait({"identify": unreachable}) is False
    [said] = out.getvalue().splitlines()
    assert said.startswith(
        "  ✗ identify   stopped (exit code 1): 2026-11-24 09:00:01,000 CRITICAL branchflow"
    )
    assert said.endswith("address in use (see identify.log)")


def test_a_taken_port_is_refused_before_anything_starts_naming_it(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(StartRefused, match=rf"port {port} \(gateway\) is taken.*BRANCHFLOW_PORT_BASE"):
            check_ports_free(options(tmp_path, port_base=port))


def test_the_table_says_where_each_component_is_and_where_it_logs(tmp_path):
    logs = ComponentLogs(tmp_path / "var" / "log", echo=False)
    shown, _ = screen(tmp_path)
    rows = table_rows(
        options(tmp_path / "var", traces=True), shown, logs, tmp_path / "var" / "postgres", "h:1"
    )
    assert rows == [
        ("gateway", "GraphiQL  http://127.0.0.1:8000/graphql", "var/log/gateway.log"),
        ("identify", "identify API  http://127.0.0.1:8001/docs", "var/log/identify.log"),
        ("referral", "referral API  http://127.0.0.1:8002/docs", "var/log/referral.log"),
        ("kafka", "h:1  (Tansu, memory storage)", "var/log/kafka.log"),
        ("postgres", "var/postgres  (kept between runs)", "var/log/postgres.log"),
        ("traces", "http://127.0.0.1:6006  (Phoenix: ops' traceUrl opens here)", "var/log/traces.log"),
    ]
    without = table_rows(options(tmp_path / "var"), shown, logs, tmp_path / "var" / "postgres", "h:1")
    assert without[-1] == ("traces", "off (`make run TRACES=1` starts a trace viewer)", "")


def test_in_chinese_by_default_the_table_the_tokens_and_the_demo_summary():
    shown, out = screen(Path("/srv/branchflow"))
    rows = table_rows(
        options(Path("/srv/branchflow/var")),
        shown,
        ComponentLogs(Path("/srv/branchflow/var/log"), echo=False),
        Path("/srv/branchflow/var/postgres"),
        "h:1",
    )
    assert rows[1] == ("identify", "识别服务 API 文档  http://127.0.0.1:8001/docs", "var/log/identify.log")
    assert rows[-2] == ("postgres", "var/postgres  （多次运行之间保留）", "var/log/postgres.log")
    shown.tokens({"lobby_manager": ("S001", "eyJ.a.b"), "head_office": ("H001", "eyJ.c.d")})
    tokens = out.getvalue().splitlines()
    assert tokens[1].startswith("开发用令牌")

    # the role's label, padded by terminal cells (a Chinese character takes two): ids line up
    def column(text: str, staff_id: str) -> int:
        return cell_len(text[: text.index(staff_id)])

    assert column(tokens[2], "S001") == column(tokens[3], "H001")
    assert "大堂经理" in tokens[2] and "总行" in tokens[3]
    summary = DemoLoaded({"customers": 300, "observations": 40}, {"forms": 10, "entries": 4}).summary(2.04)
    assert summary == "300 位客户、40 条观察记录，10 张推介表、4 条待跟进记录、一场讲座，已载入，用时 2.0 秒"


def test_english_on_request_in_any_spelling_and_a_language_it_does_not_speak_is_refused():
    assert [launcher_locale(v) for v in ("en", "EN", "en-US", "en_GB.UTF-8")] == ["en"] * 4
    assert [launcher_locale(v) for v in ("zh", "zh-CN", "zh_CN", "zh-Hans")] == ["zh_CN"] * 4
    with pytest.raises(argparse.ArgumentTypeError, match=r"'fr'.*zh.*en"):
        launcher_locale("fr")

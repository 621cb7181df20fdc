"""The benchmarks' harness (bench/harness) without infrastructure: statistics, tables, load
drivers and checked calls on fake clients, the comparison's phases and results, what a start-up
watcher reads from a health body, profiles, and the raw graphql-core server on a fake upstream."""

import argparse
import json
from collections import Counter
from enum import StrEnum
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from harness import targets as compared
from harness.cpu import cpu_notes
from harness.graphql_core import RawGraphQL, app
from harness.http import RawResponse
from harness.load import Phase, closed_loop, failure_lines, get_call, graphql_call, open_loop
from harness.profiling import Components, summarize_profile
from harness.report import Column, print_table
from harness.services import GATEWAY, IDENTIFY, WriteRequest, setting
from harness.startup import Start, consumers_joined, print_starts, says_rejoined, summary
from harness.stats import percentile, spread

# --------------------------------------------------------------------------- statistics, tables


def test_percentile_is_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0  # not the maximum
    assert percentile(values[:99], 99) == 99.0
    assert percentile(values[:3], 50) == 2.0
    assert percentile([7.0], 99) == 7.0


def test_spread_of_nothing_is_none():
    assert spread([]) is None
    assert spread([3.0, 1.0, 2.0]) == {"median": 2.0, "min": 1.0, "max": 3.0, "n": 3}


def test_print_table_aligns_columns_and_appends_notes(capsys):
    print_table(
        [Column("round", 6, left=True), Column("2xx", 6)],
        [("cold 1", "1.23"), ("kill 1", "—", "  timed out")],
    )
    assert capsys.readouterr().out.splitlines() == [
        "------------",
        "round    2xx",
        "------------",
        "cold 1  1.23",
        "kill 1     —  timed out",
        "------------",
    ]


def test_print_table_without_rules(capsys):
    print_table([Column("", 4, left=True), Column("cpu", 6)], [("a", "0.50")], rules=False)
    assert capsys.readouterr().out.splitlines() == ["       cpu", "a     0.50"]


def test_cpu_notes_name_a_saturated_client_and_a_busy_machine():
    quiet = {"service": 0.9, "bench_client": 0.2, "other": 0.05}
    assert cpu_notes(quiet, "phase") == []
    notes = cpu_notes({"bench_client": 1.8, "other": 0.6}, "rest, open_loop", 2, " (see --client-processes)")
    assert len(notes) == 2
    assert "0.90 of a core per process (rest, open_loop)" in notes[0]
    assert notes[0].endswith("lower bound (see --client-processes)")
    assert "other processes used 0.60 cores (rest, open_loop)" in notes[1]


# --------------------------------------------------------------------------- load drivers


async def test_closed_loop_sends_each_request_once_and_counts_failures():
    seen: list[int] = []

    async def call(i: int) -> str | None:
        seen.append(i)
        if i == 3:
            raise ConnectionResetError("dropped")
        return "wrong" if i % 2 else None

    phase = await closed_loop(call, 10, concurrency=4)
    assert sorted(seen) == list(range(10))
    assert (phase.sent, phase.failed, phase.ok) == (10, 5, 5)
    assert phase.failures["wrong"] == 4
    assert phase.failures["ConnectionResetError: dropped"] == 1
    assert len(phase.latencies_ms) == 10 and phase.latencies_ms == sorted(phase.latencies_ms)
    assert failure_lines(phase, "rest closed: ", most=1) == ["  rest closed:      4 × wrong"]


async def test_open_loop_sends_rate_times_seconds():
    async def call(_i: int) -> None:
        return None

    phase = await open_loop(call, rate=200, seconds=0.1)
    assert phase.sent == 20 and phase.failed == 0
    assert phase.scheduled_s == pytest.approx(0.1)
    assert len(phase.client_lag_ms) == 20
    assert phase.max_in_flight >= 1


class FakeClient:
    """Answers each request with the next of ``answers`` and keeps what was asked."""

    def __init__(self, *answers: RawResponse) -> None:
        self.answers = list(answers)
        self.requests: list[tuple] = []

    async def get(self, path, headers):
        self.requests.append(("GET", path, None, headers))
        return self.answers.pop(0)

    async def post(self, path, json, headers):
        self.requests.append(("POST", path, json, headers))
        return self.answers.pop(0)


def two_rows(rows) -> str | None:
    return None if len(rows) == 2 else f"{len(rows)} rows"


async def test_get_call_checks_the_status_then_the_json():
    client = FakeClient(
        RawResponse(200, "[1, 2]"), RawResponse(200, "[1]"), RawResponse(503, '{"detail": "down"}')
    )
    call = get_call(client, "/rows", {"Authorization": "Bearer t"}, two_rows)
    assert await call(0) is None
    assert await call(1) == "1 rows"
    assert await call(2) == 'HTTP 503: {"detail": "down"}'
    assert client.requests[0] == ("GET", "/rows", None, {"Authorization": "Bearer t"})


async def test_graphql_call_fails_on_errors_and_checks_the_data():
    client = FakeClient(
        RawResponse(200, '{"data": {"list": [1, 2]}}'),
        RawResponse(200, '{"data": null, "errors": [{"message": "no"}]}'),
        RawResponse(200, '{"data": {"list": []}}'),
    )
    call = graphql_call(client, "{ list }", {}, lambda data: two_rows(data["list"]))
    assert await call(0) is None
    assert (await call(1)).startswith("errors: ")
    assert await call(2) == "0 rows"
    assert client.requests[0][:3] == ("POST", "/graphql", {"query": "{ list }"})


# --------------------------------------------------------------------------- comparisons


class FakeMeter:
    """Reports other jobs busy during the first ``busy`` phases."""

    def __init__(self, busy: int) -> None:
        self.busy = busy

    def start(self) -> None:
        pass

    def stop(self) -> dict:
        self.busy -= 1
        return {
            "front": 0.5,
            "identify": 0.2,
            "postgres_local": 0.1,
            "bench_client": 0.05,
            "other": 0.9 if self.busy >= 0 else 0.0,
        }


def load_args(**overrides) -> argparse.Namespace:
    values = dict(
        count=20,
        concurrency=4,
        warmup=2,
        rate=200.0,
        seconds=0.05,
        open_loop_connections=8,
        order=["b", "a"],
        busy_retries=2,
    )
    return argparse.Namespace(**values | overrides)


def fake_target(name: str, front: str | None = None) -> compared.Target:
    def call_on(_client):
        async def call(_i: int) -> None:
            return None

        return call

    return compared.Target(name, f"({name})", "http://127.0.0.1:1", call_on, front)


@pytest.fixture(autouse=True)
def no_settling(monkeypatch):
    monkeypatch.setattr(compared, "SETTLE_S", 0.0)


async def test_a_phase_while_the_machine_is_busy_is_measured_again():
    targets = {"a": fake_target("a", "front"), "b": fake_target("b")}
    phases = await compared.measure_targets(targets, FakeMeter(busy=1), load_args())
    assert list(phases) == ["a", "b"]
    assert phases["b"]["closed"].attempts == 2  # first in --order: the busy phase was measured again
    assert phases["a"]["closed"].attempts == 1
    assert phases["a"]["open"].sent == 10  # rate × seconds


async def test_busy_retries_are_bounded():
    targets = {"a": fake_target("a")}
    phases = await compared.measure_targets(
        targets, FakeMeter(busy=99), load_args(order=["a"], busy_retries=1)
    )
    assert phases["a"]["closed"].attempts == 2
    assert phases["a"]["open"].attempts == 2


def test_targets_json_counts_cpu_per_request_of_the_front_and_the_backends():
    def phase(scheduled_s: float | None = None, seconds: float = 2.0) -> Phase:
        out = Phase(100, Counter(), [1.0, 2.0, 3.0], 0.0, seconds)
        out.cpu = {
            "front": 0.5,
            "identify": 0.25,
            "broker": 0.1,
            "postgres_local": 0.05,
            "bench_client": 0.05,
            "other": 0.0,
        }
        if scheduled_s is not None:
            out.client_lag_ms, out.scheduled_s = [0.1, 0.2], scheduled_s
        return out

    targets = {"a": fake_target("a", "front")}
    kept = compared.targets_json(targets, {"a": {"closed": phase(), "open": phase(2.0)}}, ("identify",))["a"]
    assert kept["closed_loop"]["cpu_ms_per_request"] == {
        "front": 10.0,
        "identify": 5.0,
        "postgres_local": 1.0,
        "bench_client": 1.0,
    }
    assert kept["closed_loop"]["requests_per_s"] == 50.0
    assert "kept_up" not in kept["closed_loop"]
    assert kept["open_loop"]["kept_up"] is True
    late = compared.targets_json(targets, {"a": {"closed": phase(), "open": phase(2.0, seconds=5.0)}}, ())[
        "a"
    ]
    assert late["open_loop"]["kept_up"] is False


# --------------------------------------------------------------------------- start-up


@pytest.mark.parametrize(
    ("body", "joined"),
    [
        ({"status": "ok", "consumers": True}, True),
        ({"status": "ok", "consumers": False}, False),
        ({"status": "ok", "consumers": "off"}, None),  # the service runs none
        ({"status": "ok"}, None),
        ({"kafka": {"consumer_groups": {"identify": {"state": "Stable"}}}}, True),
        ({"consumers": [{"joined": True}, {"joined": False}]}, False),
        ({"consumers": 0}, False),
    ],
)
def test_consumers_joined_reads_the_health_body(body, joined):
    assert consumers_joined(body) is joined


def test_says_rejoined():
    assert says_rejoined({"status": "ok"}) is None
    assert says_rejoined({"consumers": True, "rejoined": "yes"}) is False
    assert says_rejoined({"consumers": True, "rejoined": True}) is True


def test_summary_and_table_of_starts(capsys):
    starts = [
        Start(
            "cold",
            1,
            first_answer_s=1.2,
            first_2xx_s=1.25,
            ready_s=1.2,
            group_rejoined_s=7.0,
            cpu_cores={"other": 0.0},
        ),
        Start(
            "kill",
            1,
            first_2xx_s=1.5,
            ready_s=1.4,
            previous_members_gone_s=9.5,
            group_rejoined_s=20.0,
            cpu_cores={"other": 0.5},
        ),
        Start("kill", 2, first_2xx_s=2.5, timed_out=True),
    ]
    by_kind = summary(starts)
    assert list(by_kind) == ["cold", "kill"]
    assert by_kind["kill"]["first_2xx_s"] == {"median": 2.0, "min": 1.5, "max": 2.5, "n": 2}
    assert by_kind["cold"]["previous_members_gone_s"] is None

    request = WriteRequest("/observations", lambda key: {"customer_id": key})
    print_starts("identify start-up", starts, request)
    out = capsys.readouterr().out.splitlines()
    assert "POST /observations" in out[2]
    assert out[4].split() == [
        "round",
        "answer",
        "2xx",
        "ready",
        "joined",
        "left",
        "group",
        "CPU",
        "s",
        "other",
    ]
    assert out[6].split() == ["cold", "1", "1.20", "1.25", "1.20", "n/r", "—", "7.00", "—", "0.00"]
    assert out[8].endswith("  timed out")
    assert "kill: first 2xx median 2.00 s (min 1.50, max 2.50, n=2); group rejoined median 20.00 s" in out
    assert any("/health/ready does not report the consumers" in line for line in out)
    assert any(line.startswith("note: other jobs used ≥ 0.25 cores during kill 1;") for line in out)


# --------------------------------------------------------------------------- services, profiles


def test_service_process_settings_take_the_prefix(tmp_path):
    gateway = GATEWAY.process(
        None, "127.0.0.1:9092", tmp_path, port=8123, IDENTIFY_URL="http://127.0.0.1:8001"
    )
    assert gateway.argv[1:] == ["-m", "branchflow_gateway"]
    assert gateway.env["GATEWAY_IDENTIFY_URL"] == "http://127.0.0.1:8001"
    assert gateway.env["GATEWAY_LIVE_UPDATES"] == "true"
    assert gateway.env["GATEWAY_HTTP_PORT"] == "8123"
    assert "GATEWAY_DATABASE_URL" not in gateway.env
    identify = IDENTIFY.process("postgresql://db", "127.0.0.1:9092", tmp_path)
    assert identify.env["IDENTIFY_DATABASE_URL"] == "postgresql://db"
    assert identify.env["IDENTIFY_START_SWEEPER"] == "false"


def test_setting_is_name_equals_value():
    assert setting("IDENTIFY_KAFKA_SESSION_TIMEOUT_MS=3000") == ("IDENTIFY_KAFKA_SESSION_TIMEOUT_MS", "3000")
    assert setting("A=") == ("A", "")
    with pytest.raises(argparse.ArgumentTypeError):
        setting("A")


def write_profile(path: Path) -> Path:
    site = "/venv/lib/python3.11/site-packages"
    path.write_text(
        "\n".join(
            [
                f"main (app.py:1);send ({site}/httpx/_client.py:10);read ({site}/h11/_conn.py:5) 30",
                f"main (app.py:1);validate ({site}/graphql/validation/validate.py:3) 20",
                f"main (app.py:1);dumps ({site}/orjson/__init__.py:1) 10",
                "worker (threading.py:1);Condition.wait (threading.py:320) 500",
                f"main (app.py:1);loop ({site}/somewhere/else.py:2) 40",
            ]
        )
    )
    return path


def test_components_share_the_busy_samples(tmp_path):
    components = Components(
        subtrees=(("the upstream call", r"/httpx/"), ("validation", r"graphql/validation/")),
        leaf_packages=(("JSON", ("json", "orjson")),),
        first="upstream_call",
    )
    shares = components.shares(write_profile(tmp_path / "raw.txt"))
    assert shares["components_pct"] == [
        ("other", 40.0),
        ("the upstream call", 30.0),
        ("validation", 20.0),
        ("JSON", 10.0),
    ]
    assert shares["upstream_call_by_package_pct"] == [("h11", 30.0)]
    assert [title for title, _key, _n in components.sections()][:2] == [
        "where the time goes (% of busy samples)",
        "  of which the upstream call, by package",
    ]


def test_summarize_profile_leaves_idle_threads_out(tmp_path):
    summary_ = summarize_profile(write_profile(tmp_path / "raw.txt"))
    assert summary_["samples"] == 100
    assert summary_["idle_thread_samples"] == 500
    assert ("h11", 30.0) in summary_["self_pct_by_package"]


# --------------------------------------------------------------------------- the raw graphql-core server


class Colour(StrEnum):
    DEEP_RED = "deep_red"
    BLUE = "blue"


RAW = RawGraphQL(
    sdl="""enum Colour { DEEP_RED BLUE }
type Item { itemId: ID! colour: Colour! shownAt: String! }
type Query { items(day: String = null): [Item!] }""",
    fields={"items": "/branches/BR001/items"},
    enums={"Colour": Colour},
)


async def test_raw_server_maps_the_upstream_rows_and_forwards_the_caller():
    asked: list[httpx.Request] = []

    def upstream(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(200, json=[{"item_id": "i-1", "colour": "deep_red", "shown_at": "09:30"}])

    server = app("http://upstream", json.loads(RAW.spec()), transport=httpx.MockTransport(upstream))
    async with (
        LifespanManager(server),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=server), base_url="http://raw") as client,
    ):
        body = {"query": '{ items(day: "2026-11-24") { itemId colour shownAt } }'}
        answer = (await client.post("/graphql", json=body, headers={"Authorization": "Bearer t"})).json()
        plain = (await client.post("/graphql", json={"query": "{ items { itemId } }"})).json()
    assert answer == {"data": {"items": [{"itemId": "i-1", "colour": "DEEP_RED", "shownAt": "09:30"}]}}
    assert plain == {"data": {"items": [{"itemId": "i-1"}]}}
    assert asked[0].url.path == "/branches/BR001/items"
    assert asked[0].url.params["day"] == "2026-11-24"
    assert asked[0].headers["authorization"] == "Bearer t"
    assert "day" not in asked[1].url.params  # an argument not given is not sent


async def test_raw_server_answers_graphql_errors():
    server = app(
        "http://upstream",
        json.loads(RAW.spec()),
        transport=httpx.MockTransport(lambda _r: httpx.Response(500)),
    )
    async with (
        LifespanManager(server),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=server), base_url="http://raw") as client,
    ):
        unknown = (await client.post("/graphql", json={"query": "{ nothing }"})).json()
        failing = (await client.post("/graphql", json={"query": "{ items { itemId } }"})).json()
    assert unknown["data"] is None and "nothing" in unknown["errors"][0]["message"]
    assert failing["data"] == {"items": None} and failing["errors"]

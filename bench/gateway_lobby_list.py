"""Gateway lobby-list benchmark: the lobby manager's ``lobbyList`` query (10 items) through the
GraphQL gateway, beside the same data from identify's REST endpoint directly and from a raw
graphql-core server of the same shape, in ONE run on the same services and data.

    uv run python bench/gateway_lobby_list.py [--count N] [--concurrency C] [--rate R]

Targets, each measured closed loop (max req/s) and open loop (latency at a fixed rate), by the
harness (``harness/targets.py``): (a) ``python -m branchflow_gateway``, one worker, → identify
REST; (b) identify's ``GET /branches/BR001/identifications`` directly; (c) the harness's raw
graphql-core server with the gateway's lobby types, whose resolver GETs the same endpoint.
Results in ``bench/results/gateway_lobby_list.json``; see bench/README.md.
"""

from __future__ import annotations

import sys

import httpx
from harness.graphql_core import RawGraphQL
from harness.load import get_call, graphql_call, write_all
from harness.profiling import GATEWAY_COMPONENTS
from harness.report import verdict
from harness.services import GATEWAY, IDENTIFY, OBSERVATION
from harness.targets import Comparison, Target, main

from branchflow_contracts import Channel, GuidanceAction

ITEMS = 10  # seeded by the lobby manager lm-001, in its branch, today
REST_PATH = f"/branches/{OBSERVATION.branch}/identifications"
QUERY = (
    "{ lobbyList { identificationId customerId channel "
    "guidance { action callWealthManager script } identifiedAtLocal } }"
)
THROUGHPUT_RATIO_TARGET = 0.8  # gateway ≥ 0.8 × raw graphql-core, closed loop
P99_RATIO_TARGET = 1.3  # gateway p99 ≤ 1.3 × direct REST p99, open loop
RAW_SERVER = RawGraphQL(  # (c): the gateway's lobby types; its enums hold identify's values
    sdl=f"""scalar Date
scalar DateTime
enum Channel {{ {" ".join(c.name for c in Channel)} }}
enum GuidanceAction {{ {" ".join(a.name for a in GuidanceAction)} }}
type Guidance {{ action: GuidanceAction! callWealthManager: Boolean! alternatives: [GuidanceAction!]!
  script: String! }}
type LobbyIdentification {{ identificationId: ID! customerId: String! channel: Channel! guidance: Guidance!
  callWealthManager: Boolean! identifiedAt: DateTime! identifiedAtLocal: String! }}
type Query {{ lobbyList(day: Date = null): [LobbyIdentification!] }}""",
    fields={"lobbyList": REST_PATH},
    enums={"Channel": Channel, "GuidanceAction": GuidanceAction},
)


def the_rows(rows: list) -> str | None:
    return None if len(rows) == ITEMS else f"{len(rows)} rows, not {ITEMS}"


def the_items(data: dict) -> str | None:
    items = data.get("lobbyList")
    return None if items is not None and len(items) == ITEMS else f"lobbyList {items!r:.60}"


class LobbyList(Comparison):
    name, what = "gateway_lobby_list", f"gateway lobby list — {ITEMS} items"
    order = ("rest", "graphql_core", "gateway")
    backends, sources, extra = ("identify",), (*GATEWAY.sources, *IDENTIFY.sources), {"query": QUERY}
    profiled, components = "gateway", GATEWAY_COMPONENTS

    def add_options(self, parser) -> None:
        parser.add_argument(
            "--lobby-cache-seconds",
            type=float,
            metavar="S",
            help="the gateway's GATEWAY_LOBBY_LIST_CACHE_SECONDS; 0 = every request asks identify "
            "(default: the gateway's own default)",
        )

    def config(self, args) -> dict:
        return {
            "items": ITEMS,
            "gateway_lobby_cache_seconds": args.lobby_cache_seconds,
            "telemetry": "on in identify and gateway (OTEL_SDK_DISABLED unset); none in graphql-core",
        }

    def setup(self, cfg: dict) -> str:
        cache = cfg["gateway_lobby_cache_seconds"]
        cache = "as configured by default" if cache is None else "off" if cache <= 0 else f"{cache:g} s"
        return f"gateway lobby cache {cache}; one worker each; telemetry on in identify and gateway"

    def servers(self, infra, args, workdir) -> list:
        identify = IDENTIFY.process(infra.database("identify_bench"), infra.bootstrap_servers, workdir)
        cache = args.lobby_cache_seconds  # None: the gateway's own default
        settings = {"IDENTIFY_URL": identify.base_url}
        settings |= {} if cache is None else {"LOBBY_LIST_CACHE_SECONDS": str(cache)}
        gateway = GATEWAY.process(None, infra.bootstrap_servers, workdir, **settings)
        return [identify, gateway, RAW_SERVER.process(identify.base_url, workdir)]

    def targets(self, servers) -> dict[str, Target]:
        identify, gateway, raw = servers
        headers = OBSERVATION.headers()

        def lobby_list(client):
            return graphql_call(client, QUERY, headers, the_items)

        def rows(client):
            return get_call(client, REST_PATH, headers, the_rows)

        return {
            "gateway": Target(
                "gateway", "(a) gateway (Strawberry) → REST", gateway.base_url, lobby_list, "gateway"
            ),
            "rest": Target("rest", "(b) identify REST direct", identify.base_url, rows),
            "graphql_core": Target(
                "graphql_core", "(c) raw graphql-core → REST", raw.base_url, lobby_list, "graphql_core"
            ),
        }

    async def prepare(self, servers, targets) -> None:
        """Exactly ``ITEMS`` identifications, the gateway following their topic, and every target
        answering them: the raw server the REST rows, the gateway the same as the raw server."""
        identify, gateway, _ = servers
        seeded = await write_all(identify.base_url, OBSERVATION, [f"L{i:07d}" for i in range(ITEMS)], 1)
        if seeded.failed:
            raise RuntimeError(f"seeding: {dict(seeded.failures)}")
        await gateway.wait_ready(30.0, lambda health: health.get("live_updates"), "following its live feed")
        async with httpx.AsyncClient(headers=OBSERVATION.headers(), timeout=10.0) as client:
            rows = (await client.get(identify.base_url + REST_PATH)).raise_for_status().json()
            answers = {
                name: (await client.post(targets[name].base_url + "/graphql", json={"query": QUERY})).json()
                for name in ("graphql_core", "gateway")
            }
        raw = (answers["graphql_core"].get("data") or {}).get("lobbyList") or []
        if reason := the_rows(rows) or the_rows(raw):
            raise RuntimeError(reason)
        if [item["identificationId"] for item in raw] != [row["identification_id"] for row in rows]:
            raise RuntimeError(f"graphql_core answered {raw!r:.400}, not the REST rows")
        if answers["gateway"] != answers["graphql_core"]:
            raise RuntimeError(f"gateway answered {answers['gateway']!r:.400}, not graphql_core's items")
        print(f"seeded {ITEMS} identifications; the three targets answer the same {ITEMS} items")

    def verdicts(self, t: dict) -> dict:
        """The gateway beside raw graphql-core (throughput) and direct REST (p99)."""
        rps = {name: t[name]["closed_loop"]["requests_per_s"] for name in t}
        p99 = {name: t[name]["open_loop"]["latency_ms"]["p99"] for name in t}
        return {
            "gateway_over_graphql_core_throughput": round(rps["gateway"] / rps["graphql_core"], 3),
            "throughput_target": THROUGHPUT_RATIO_TARGET,
            "throughput_target_met": rps["gateway"] >= THROUGHPUT_RATIO_TARGET * rps["graphql_core"],
            "gateway_over_rest_p99": round(p99["gateway"] / p99["rest"], 3),
            "p99_target": P99_RATIO_TARGET,
            "p99_target_met": p99["gateway"] <= P99_RATIO_TARGET * p99["rest"],
            "graphql_core_over_rest_p99": round(p99["graphql_core"] / p99["rest"], 3),
            "gateway_over_rest_throughput": round(rps["gateway"] / rps["rest"], 3),
        }

    def print_verdicts(self, results: dict) -> None:
        r, rate, gateway = results["ratios"], results["config"]["rate"], results["targets"]["gateway"]
        most = gateway["closed_loop"]["requests_per_s"]
        cannot = f" — the gateway cannot sustain {rate:g} req/s here (max {most:,.0f} req/s)"
        print(
            f"\ngateway / raw graphql-core throughput = {r['gateway_over_graphql_core_throughput']:.3f} "
            f"(target ≥ {THROUGHPUT_RATIO_TARGET}) → {verdict(r['throughput_target_met'])}\n"
            f"gateway / direct REST p99 at {rate:g} req/s = {r['gateway_over_rest_p99']:.3f} "
            f"(target ≤ {P99_RATIO_TARGET}) → {verdict(r['p99_target_met'])}"
            + ("" if gateway["open_loop"]["kept_up"] else cannot)
            + f"\n(for reference: graphql-core / REST p99 = {r['graphql_core_over_rest_p99']:.3f}, "
            f"gateway / REST throughput = {r['gateway_over_rest_throughput']:.3f})"
        )


if __name__ == "__main__":
    sys.exit(main(LobbyList(), __doc__.split("\n\n")[0]))

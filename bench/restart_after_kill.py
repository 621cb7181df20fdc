"""Restart benchmark: how long the identify service takes to serve again after ``kill -9``,
beside a cold start (fresh database) and a restart after a graceful stop (SIGTERM).

    uv run python bench/restart_after_kill.py [--kills K] [--cold C] [--terms T]

A benchmark, not a test: it prints figures and writes them to
``bench/results/restart_after_kill.json``; it asserts nothing about speed. It exits non-zero
only when the measurement itself is invalid (the service did not start, or a restart did not
come back within ``--timeout``).

Each round starts ``python -m identify`` as its own OS process (the embedded PostgreSQL and
Tansu run beside it, on free ports) and watches it (``harness/startup.py``): the first answer
and the first 2xx to ``POST /observations``, ``/health/ready`` and the consumers it reports,
and the consumer group as the broker sees it. Rounds: ``--cold`` cold starts, each on a fresh
database; then ``--kills`` times: drive some observations, SIGKILL, start again (the dead member
stays in the group until its session expires); then ``--terms`` times the same with SIGTERM.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import asdict
from pathlib import Path

from harness import startup
from harness.infrastructure import Infrastructure
from harness.kafka import ConsumerGroupWatch
from harness.report import now_utc, run_in_workdir, save_results, source_fingerprint, verdict
from harness.services import IDENTIFY, OBSERVATION
from harness.startup import Start, watch_start

SERVICE = IDENTIFY
REQUEST = OBSERVATION  # needs no Kafka consumer: it can be served before the group has joined
GROUP_ID = "identify"  # the service's consumer group (IDENTIFY_KAFKA_GROUP_ID unset)
TARGET_AFTER_KILL_S = 3.0


async def measure(
    args: argparse.Namespace,
    infra: Infrastructure,
    group: ConsumerGroupWatch,
    workdir: Path,
    starts: list[Start],
) -> None:
    """The rounds, each added to ``starts`` once it completed: cold, after SIGKILL, after SIGTERM."""
    process = None
    try:
        for n in range(1, args.cold + 1):
            if process is not None:
                process.stop()
            database_url = infra.database(f"{SERVICE.name}_restart_{n}")
            process = SERVICE.process(database_url, infra.bootstrap_servers, workdir)
            process.env.update(args.env)
            starts.append(await watch_start(process, Start("cold", n), REQUEST, group, infra, args.timeout))
            starts[-1].raise_if_timed_out(args.timeout)
        for kind, count in (("kill", args.kills), ("term", args.terms)):
            for n in range(1, count + 1):
                start = Start(kind, n)
                await startup.load_before_stop(process, start, REQUEST, args.observations)
                # SIGKILL: no shutdown hook runs, the member stays in its group; SIGTERM: uvicorn's shutdown
                stop = process.kill if kind == "kill" else process.stop
                starts.append(await watch_start(process, start, REQUEST, group, infra, args.timeout, stop))
                start.raise_if_timed_out(args.timeout)
    except Exception:
        if process is not None:
            print(f"service log: {process.log_file}\n{process.log_tail(2000)}", file=sys.stderr)
        raise
    finally:
        if process is not None:
            process.stop()


async def run(args: argparse.Namespace, workdir: Path) -> int:
    starts: list[Start] = []
    async with Infrastructure(workdir) as infra:
        code = source_fingerprint(*SERVICE.sources)
        group = ConsumerGroupWatch(infra.bootstrap_servers, GROUP_ID)
        await group.start()
        print(f"broker {infra.bootstrap_servers}; logs {workdir}")
        config = {"service": SERVICE.name, "consumer_group": GROUP_ID, "cold": args.cold, "kills": args.kills}
        config |= {"terms": args.terms, **startup.config(args, REQUEST, infra, code)}
        try:
            await measure(args, infra, group, workdir, starts)
        except Exception as exc:
            print(f"invalid run: {exc}", file=sys.stderr)
            if starts:
                report(starts, args, config, valid=False)
            return 2 if len(starts) <= 1 else 3
        finally:
            await group.close()
        report(starts, args, config, valid=True)
        return 0


def report(starts: list[Start], args: argparse.Namespace, config: dict, valid: bool) -> None:
    kills = [start.first_2xx_s for start in starts if start.kind == "kill" and start.first_2xx_s is not None]
    median = statistics.median(kills) if kills else None
    target = {"after_kill_first_2xx_s": TARGET_AFTER_KILL_S, "median_after_kill_s": median}
    target["met"] = median is not None and median <= TARGET_AFTER_KILL_S
    startup.print_starts(startup.title(SERVICE.name, config, args.env), starts, REQUEST)
    if median is not None:
        print(
            f"target: start → first 2xx after kill -9 ≤ {TARGET_AFTER_KILL_S:g} s → "
            f"{verdict(target['met'])} (median {median:.2f} s)"
        )
    rounds = [asdict(start) for start in starts]
    results = {"measured_at": now_utc(), "valid": valid, "config": config, "rounds": rounds}
    save_results("restart_after_kill", results | {"summary": startup.summary(starts), "target": target})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=3, help="restarts after SIGKILL (3)")
    parser.add_argument("--cold", type=int, default=1, help="cold starts, each on a fresh database (1)")
    parser.add_argument("--terms", type=int, default=1, help="restarts after SIGTERM (1)")
    startup.add_options(parser)
    args = parser.parse_args()
    if args.cold < 1 or min(args.kills, args.terms, args.observations) < 0 or args.timeout <= 0:
        parser.error("--cold must be ≥ 1; --kills, --terms and --observations ≥ 0; --timeout > 0")
    return run_in_workdir(run, args, prefix="restart-bench-")


if __name__ == "__main__":
    sys.exit(main())

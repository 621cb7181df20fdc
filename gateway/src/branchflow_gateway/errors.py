"""Errors with a stable ``extensions.code``; everything else is masked. An error the caller
caused says what is wrong in words the caller can act on, once per mistake, and quotes no more
of the input than a short excerpt; it is logged as one line. Unexpected errors are logged with
their stack trace."""

import logging
import re
from collections.abc import Iterable
from enum import StrEnum

from graphql import GraphQLEnumType, GraphQLSchema
from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from branchflow_gateway.language import _
from branchflow_runtime.i18n import N_
from branchflow_runtime.logs import Refusal

log = logging.getLogger(__name__)


class ErrorCode(StrEnum):
    BAD_USER_INPUT = "BAD_USER_INPUT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


# refusals a caller earns by what it sent or who it is: one line at INFO, no stack trace
EXPECTED = {ErrorCode.BAD_USER_INPUT, ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND}


class GatewayError(Refusal):
    """An error the caller may see, with its code (logged as one line: it is an answer, not a bug)."""

    code = ErrorCode.INTERNAL_SERVER_ERROR

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if reason:  # a service's own code for the refusal (graphql-core copies ``extensions``)
            self.extensions = {"code": self.code.value, "reason": reason}


class BadUserInput(GatewayError):
    code = ErrorCode.BAD_USER_INPUT


class Unauthenticated(GatewayError):
    code = ErrorCode.UNAUTHENTICATED


class Forbidden(GatewayError):
    code = ErrorCode.FORBIDDEN


class NotFound(GatewayError):
    code = ErrorCode.NOT_FOUND


class UpstreamUnavailable(GatewayError):
    code = ErrorCode.UPSTREAM_UNAVAILABLE


def code_of(error: GraphQLError) -> ErrorCode:
    """Ours carry their code. Errors without an exception behind them (syntax, validation,
    limits) and graphql-core's own input errors (a variable's value that its type refuses:
    the exception behind it is a GraphQLError) are the caller's. Anything else is a bug."""
    original = error.original_error
    if isinstance(original, GatewayError):
        return original.code
    if original is None or isinstance(original, GraphQLError):
        return ErrorCode.BAD_USER_INPUT
    return ErrorCode.INTERNAL_SERVER_ERROR


class StableErrorCodes(MaskErrors):
    """Errors we raised keep their message and get their code; errors of the query itself
    (syntax, validation, limits, variables) are the caller's: BAD_USER_INPUT; anything else is
    masked as INTERNAL_SERVER_ERROR, so no stack trace or internal message leaves the gateway."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=self._unexpected, error_message=UNEXPECTED)

    @staticmethod
    def _unexpected(error: GraphQLError) -> bool:
        return code_of(error) is ErrorCode.INTERNAL_SERVER_ERROR

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        self.error_message = _(UNEXPECTED)
        masked = super().anonymise_error(error)
        masked.extensions = {"code": ErrorCode.INTERNAL_SERVER_ERROR.value}
        return masked

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return for_caller(super()._process_errors(errors), self.execution_context.schema._schema)


def with_code(error: GraphQLError) -> GraphQLError:
    """Give an error its stable code (masked errors already have theirs)."""
    if error.extensions is None or "code" not in error.extensions:
        error.extensions = {**(error.extensions or {}), "code": code_of(error).value}
    return error


def for_caller(errors: Iterable[GraphQLError], schema: GraphQLSchema) -> list[GraphQLError]:
    """Each error with its code, a hint for a wrong enum value, an excerpt of long input, and
    one error per mistake: the same wrong value in fifty list items is one error that says
    how many. Applied twice, it changes nothing."""
    kept: dict[tuple, tuple[GraphQLError, int]] = {}
    for error in errors:
        error.message = excerpt(_with_enum_hint(error.message, schema))
        with_code(error)
        key = (_LIST_INDEX.sub("[]", error.message), error.extensions["code"], str(error.path))
        first, count = kept.get(key, (error, 0))
        kept[key] = (first, count + 1)
    shaped = []
    for first, count in kept.values():
        if count > 1:
            first.message = _("{message} ({count} places have the same mistake)").format(
                message=first.message, count=count
            )
        shaped.append(first)
    return shaped


def log_error(error: GraphQLError) -> None:
    """One line for a refusal or an unavailable service; the stack trace for a bug."""
    code = code_of(error)
    if code in EXPECTED:
        log.info("%s: %s", code.value, excerpt(error.message))
    elif code is ErrorCode.UPSTREAM_UNAVAILABLE:  # its cause is in the message, in words
        log.warning("%s: %s", code.value, error.message)
    else:
        log.error("%s: %s", code.value, excerpt(error.message), exc_info=error.original_error)


def log_refusal(status: int, code: ErrorCode, message: str) -> None:
    """A request refused before GraphQL saw it (token, body)."""
    log.info("%s (HTTP %d): %s", code.value, status, excerpt(message))


def error_body(message: str, code: ErrorCode) -> dict:
    return {"errors": [{"message": excerpt(message), "extensions": {"code": code.value}}]}


EXCERPT_CHARS = 40
MAX_MESSAGE_CHARS = 600
_QUOTED = re.compile(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"")  # left to right, so quotes pair up
_LIST_INDEX = re.compile(r"\[\d+\]")
_ENUM_NAMED = re.compile(r"in '(\w+)' enum\.|Enum '(\w+)' cannot represent")
# graphql-core's messages about the query itself are English (developer-facing, and cached by the
# query, so one caller's language would reach another): so is this hint to them
_HINT = "Allowed values:"
UNEXPECTED = N_("Unexpected error.")


def excerpt(message: str) -> str:
    """The message with every quoted value cut to its first characters, and no longer than
    ``MAX_MESSAGE_CHARS``: an error about a megabyte of input is not a megabyte itself."""
    if len(message) <= EXCERPT_CHARS:
        return message
    message = _QUOTED.sub(_cut, message)
    if len(message) > MAX_MESSAGE_CHARS:
        message = message[:MAX_MESSAGE_CHARS] + "…"
    return message


def _cut(match: re.Match) -> str:
    quoted = match.group(0)
    if len(quoted) <= EXCERPT_CHARS + 2:
        return quoted
    return f"{quoted[: EXCERPT_CHARS + 1]}…{quoted[-1]}"


def _with_enum_hint(message: str, schema: GraphQLSchema) -> str:
    """graphql-core names the enum a value is not in; outside dev mode it suggests nothing, and
    with introspection off the caller cannot look the values up. They are the caller's own
    schema's, so name them."""
    match = _ENUM_NAMED.search(message)
    if match is None or _HINT in message:
        return message
    enum = schema.type_map.get(match.group(1) or match.group(2))
    if not isinstance(enum, GraphQLEnumType):
        return message
    return f"{message} {_HINT} {', '.join(enum.values)}."

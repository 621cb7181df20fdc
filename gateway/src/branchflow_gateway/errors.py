"""Errors with a stable ``extensions.code``; everything else is masked."""

from enum import StrEnum

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from branchflow_runtime.logs import Refusal


class ErrorCode(StrEnum):
    BAD_USER_INPUT = "BAD_USER_INPUT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class GatewayError(Refusal):
    """An error the caller may see, with its code (logged as one line: it is an answer, not a bug)."""

    code = ErrorCode.INTERNAL_SERVER_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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


class StableErrorCodes(MaskErrors):
    """Errors we raised keep their message and get their code; errors of the query itself
    (syntax, validation, limits) are the caller's: BAD_USER_INPUT; anything else is masked as
    INTERNAL_SERVER_ERROR, so no stack trace or internal message leaves the gateway."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=self._unexpected, error_message="Unexpected error.")

    @staticmethod
    def _unexpected(error: GraphQLError) -> bool:
        return error.original_error is not None and not isinstance(error.original_error, GatewayError)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": ErrorCode.INTERNAL_SERVER_ERROR.value}
        return masked

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = super()._process_errors(errors)
        for error in processed:
            with_code(error)
        return processed


def with_code(error: GraphQLError) -> GraphQLError:
    """Give an error its stable code: ours carry one; the rest are about the query itself."""
    if error.extensions is None or "code" not in error.extensions:
        original = error.original_error
        code = original.code if isinstance(original, GatewayError) else ErrorCode.BAD_USER_INPUT
        error.extensions = {**(error.extensions or {}), "code": code.value}
    return error


def error_body(message: str, code: ErrorCode) -> dict:
    return {"errors": [{"message": message, "extensions": {"code": code.value}}]}

"""Expected refusals are one line at INFO with their code; a bug is a stack trace at ERROR."""

import logging

import pytest

from branchflow_runtime.auth import Role

from .conftest import RATING, graphql, token


def records_with(caplog, text: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if text in r.getMessage()]


@pytest.mark.parametrize(
    ("role", "query", "code"),
    [
        (Role.WEALTH_MANAGER, '{ customerRating(customerId: "X9") { tier } }', "FORBIDDEN"),
        (Role.WEALTH_MANAGER, '{ customerRating(customerId: "Z1") { tier } }', "NOT_FOUND"),
        (Role.TELLER, '{ customerRating(customerId: "C1") { tier } }', "BAD_USER_INPUT"),
    ],
)
async def test_an_expected_refusal_is_one_info_line_with_its_code(gateway, caplog, role, query, code):
    caplog.set_level(logging.INFO)
    body = (await graphql(gateway, query, role=role)).json()
    assert body["errors"][0]["extensions"]["code"] == code
    [record] = records_with(caplog, code)
    assert record.levelno == logging.INFO
    assert record.exc_info is None and "\n" not in record.getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    ("send", "status"),
    [
        (lambda client: client.post("/graphql", json={"query": "{ me { role } }"}), 401),
        (
            lambda client: client.post(
                "/graphql",
                content=b"x" * 70_000,
                headers={"Authorization": f"Bearer {token(Role.TELLER)}", "content-type": "application/json"},
            ),
            413,
        ),
    ],
    ids=["401", "413"],
)
async def test_a_refusal_before_graphql_is_one_info_line(gateway, caplog, send, status):
    caplog.set_level(logging.INFO)
    response = await send(gateway)
    assert response.status_code == status
    [record] = records_with(caplog, f"HTTP {status}")
    assert record.levelno == logging.INFO and record.exc_info is None


async def test_an_unexpected_error_is_a_stack_trace_at_error_and_masked(gateway, caplog, monkeypatch):
    monkeypatch.delitem(RATING, "tier")  # identify answers a rating without its tier: a bug to find
    caplog.set_level(logging.INFO)
    query = '{ customerRating(customerId: "C1") { tier } }'
    body = (await graphql(gateway, query, role=Role.WEALTH_MANAGER)).json()
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "tier" not in body["errors"][0]["message"]
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.exc_info is not None and record.exc_info[0] is KeyError

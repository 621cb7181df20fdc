"""Forms filed at the same moment share transactions (group commit) against the real database:
each person is referred once however many tellers file at once, every refusal says why, and each
event carries the trace of the request that filed its form."""

import asyncio

import pytest
import sqlalchemy as sa

from branchflow_runtime.auth import Role
from branchflow_runtime.messaging.tables import outbox_events

from .conftest import auth

pytestmark = pytest.mark.connected

BRANCH = "BRGRP"


def trace_of(n: int) -> str:
    return f"{n + 1:032x}"


async def test_forms_filed_at_once_are_decided_one_by_one(client, referral_app):
    people = [f"GRP{n}" for n in range(12)]
    filings = [(person, teller) for teller in ("t-grp-1", "t-grp-2") for person in people]

    async def file(n: int, person: str, teller: str):
        return await client.post(
            "/referrals",
            json={"customer_id": person, "status": "referred", "wealth_manager_id": "wm-grp"},
            headers={
                **auth(Role.TELLER, teller, BRANCH),
                "traceparent": f"00-{trace_of(n)}-b7ad6b7169203331-01",
            },
        )

    batches_before = referral_app.state.container.filings.batches
    answers = await asyncio.gather(*(file(n, p, t) for n, (p, t) in enumerate(filings)))
    batches = referral_app.state.container.filings.batches - batches_before

    filed = {}
    for n, ((person, _), answer) in enumerate(zip(filings, answers, strict=True)):
        if answer.status_code == 201:
            assert person not in filed, person
            filed[person] = trace_of(n)
        else:
            assert answer.status_code == 409, answer.text
            assert answer.json()["code"] == "already_referred"
    assert sorted(filed) == sorted(people)  # each person once, by whichever teller came first
    assert batches < len(filings)  # requests shared transactions

    async with referral_app.state.container.engine.connect() as conn:
        rows = (
            await conn.execute(
                sa.select(outbox_events.c.message_key, outbox_events.c.trace_carrier).where(
                    outbox_events.c.message_key.in_(people)
                )
            )
        ).all()
    traces = {row.message_key: row.trace_carrier["traceparent"].split("-")[1] for row in rows}
    assert len(rows) == len(people)
    assert traces == filed  # each event in the trace of the request that filed its form

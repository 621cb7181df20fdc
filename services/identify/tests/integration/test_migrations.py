"""Identify's migrations against a real PostgreSQL: data written before signals aged and before
re-ratings moved out of the identifications is carried over (nothing lost), and the schema the
migrations build is the one the code's tables describe."""

import asyncio
import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from branchflow_runtime.database import alembic_config, async_url, ensure_database
from branchflow_runtime.messaging.tables import messaging_metadata
from identify.adapters.repository import facts_from_row, signals_from_json
from identify.adapters.tables import metadata
from identify.bootstrap import MIGRATIONS

pytestmark = pytest.mark.connected

CHANGED_AT = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


async def _upgrade(url: str, revision: str) -> None:
    await asyncio.to_thread(command.upgrade, alembic_config(MIGRATIONS, url), revision)


async def test_data_of_the_first_schema_is_carried_over(database_factory):
    url = await database_factory("identify_migration")
    await ensure_database(url)
    await _upgrade(url, "0001")
    engine = create_async_engine(async_url(url))
    try:
        async with engine.begin() as conn:
            await conn.execute(
                sa.text(
                    """
                    INSERT INTO customers (customer_id, branch_id, facts, personal_data, signals, updated_at)
                    VALUES ('OLD1', 'BR001', CAST(:facts AS jsonb), '{}'::jsonb, CAST(:signals AS jsonb), :at)
                    """
                ),
                {
                    "facts": json.dumps(
                        {"deposits": "1000", "occupation": "企业主", "social_standing": "royal"}
                    ),
                    "signals": json.dumps(
                        {
                            "luxury_car": {"category": "appearance", "amount": None},
                            "cash_deposit": {"category": "large_business", "amount": "600000"},
                        }
                    ),
                    "at": CHANGED_AT,
                },
            )
            for reason in ("observation", "facts_changed", "periodic_sweep"):
                await conn.execute(
                    sa.text(
                        """
                        INSERT INTO identifications (identification_id, customer_id, branch_id, channel,
                            tier, score, explanation, signals, guidance, reason, identified_at)
                        VALUES (gen_random_uuid(), 'OLD1', 'BR001', :channel, 'premium', 40, '[]', '[]',
                            '{}', :reason, :at)
                        """
                    ),
                    {
                        "channel": "branch" if reason == "observation" else "system",
                        "reason": reason,
                        "at": CHANGED_AT,
                    },
                )

        await _upgrade(url, "head")

        async with engine.connect() as conn:
            row = (await conn.execute(sa.text("SELECT * FROM customers WHERE customer_id = 'OLD1'"))).one()
            signals = {s.kind: s for s in signals_from_json(row.signals)}
            assert signals["luxury_car"].observed_at == CHANGED_AT  # kept no time: as of the last change
            assert signals["cash_deposit"].amount == 600000
            facts = facts_from_row(row)
            assert facts.occupation == "entrepreneur"  # free text of old is read through the vocabulary
            assert facts.social_standing is None and facts.extra == {"unmatched_social_standing": "royal"}
            reasons = (await conn.execute(sa.text("SELECT reason FROM identifications"))).scalars().all()
            assert reasons == ["observation"]
            causes = (
                (await conn.execute(sa.text("SELECT cause FROM reratings ORDER BY cause"))).scalars().all()
            )
            assert causes == ["facts_changed", "periodic_review"]
    finally:
        await engine.dispose()


async def test_the_migrated_schema_is_what_the_tables_describe(database_factory):
    url = await database_factory("identify_schema")
    await ensure_database(url)
    await _upgrade(url, "head")
    engine = create_async_engine(async_url(url))
    try:
        async with engine.connect() as conn:

            def differences(sync_conn):
                context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
                return compare_metadata(context, [metadata, messaging_metadata])

            assert await conn.run_sync(differences) == []
    finally:
        await engine.dispose()


async def test_the_second_migration_goes_back(database_factory):
    url = await database_factory("identify_downgrade")
    await ensure_database(url)
    await _upgrade(url, "head")
    await asyncio.to_thread(command.downgrade, alembic_config(MIGRATIONS, url), "0001")
    await _upgrade(url, "head")


async def test_a_followed_up_date_becomes_a_verdict_and_goes_back(database_factory):
    """0003: the date a customer row held is carried over as a verdict judged when the customer
    last changed; going back puts the date of a verdict that still holds where it was."""
    url = await database_factory("identify_verdicts")
    await ensure_database(url)
    await _upgrade(url, "0002")
    until = datetime(2027, 5, 1, tzinfo=UTC)
    engine = create_async_engine(async_url(url))
    try:
        async with engine.begin() as conn:
            await conn.execute(
                sa.text(
                    """
                    INSERT INTO customers (customer_id, branch_id, facts, personal_data, followed_up_until,
                                           updated_at)
                    VALUES ('FU1', 'BR001', '{}'::jsonb, '{}'::jsonb, :until, :at),
                           ('FU0', 'BR001', '{}'::jsonb, '{}'::jsonb, NULL, :at)
                    """
                ),
                {"until": until, "at": CHANGED_AT},
            )
        await _upgrade(url, "head")
        async with engine.connect() as conn:
            rows = (await conn.execute(sa.text("SELECT * FROM not_premium_verdicts"))).all()
            assert [(r.customer_id, r.branch_id, r.judged_at, r.until) for r in rows] == [
                ("FU1", "BR001", CHANGED_AT, until)
            ]
        await asyncio.to_thread(command.downgrade, alembic_config(MIGRATIONS, url), "0002")
        async with engine.connect() as conn:
            kept = dict(
                (await conn.execute(sa.text("SELECT customer_id, followed_up_until FROM customers"))).all()
            )
            assert kept == {"FU1": until, "FU0": None}
    finally:
        await engine.dispose()


async def test_prospects_recorded_before_keep_their_uuids_and_derived_ids_go_back(database_factory):
    """0004: prospect ids become text; a UUID of old stays (its prospect and identifications read
    as before); going back turns a derived id into one UUID in both tables."""
    url = await database_factory("identify_prospect_ids")
    await ensure_database(url)
    await _upgrade(url, "0003")
    old = "6f1c8e3a-2b1d-4c7e-9a55-0d3f1b2c4e5a"
    insert_prospect = """
        INSERT INTO prospects (prospect_id, branch_id, name, phone, signals, tier, recorded_by, recorded_at)
        VALUES (CAST(:id AS {type}), 'BR001', '李四', '13900001111', '[]'::jsonb, 'to_win', 'lm-1', :at)
    """
    insert_identification = """
        INSERT INTO identifications (identification_id, prospect_id, branch_id, channel, tier, score,
            explanation, signals, guidance, reason, identified_at)
        VALUES (gen_random_uuid(), CAST(:id AS {type}), 'BR001', 'branch', 'to_win', 40, '[]', '[]', '{{}}',
            'observation', :at)
    """
    engine = create_async_engine(async_url(url))
    try:
        async with engine.begin() as conn:
            for sql in (insert_prospect, insert_identification):
                await conn.execute(sa.text(sql.format(type="uuid")), {"id": old, "at": CHANGED_AT})
        await _upgrade(url, "head")
        async with engine.begin() as conn:
            kept = (await conn.execute(sa.text("SELECT prospect_id FROM identifications"))).scalar_one()
            assert kept == old
            for sql in (insert_prospect, insert_identification):
                await conn.execute(
                    sa.text(sql.format(type="text")), {"id": "PAB813C8177C4", "at": CHANGED_AT}
                )
        await asyncio.to_thread(command.downgrade, alembic_config(MIGRATIONS, url), "0003")
        async with engine.connect() as conn:
            joined = (
                (
                    await conn.execute(
                        sa.text(
                            "SELECT p.prospect_id::text FROM prospects p "
                            "JOIN identifications i ON i.prospect_id = p.prospect_id ORDER BY 1"
                        )
                    )
                )
                .scalars()
                .all()
            )
            assert len(joined) == 2 and old in joined  # each prospect still has its identification
    finally:
        await engine.dispose()

"""The body of every service's Alembic ``env.py``: online, async, serialized by an advisory
lock so that replicas starting together do not migrate twice."""

import asyncio

from alembic import context
from sqlalchemy import MetaData, pool, text
from sqlalchemy.ext.asyncio import create_async_engine


def run_env(target_metadata: MetaData | list[MetaData], lock_name: str) -> None:
    config = context.config
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")

    def do_run(connection) -> None:
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": lock_name})
        context.configure(connection=connection, target_metadata=target_metadata)
        context.run_migrations()

    async def run_async() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.begin() as connection:
            await connection.run_sync(do_run)
        await engine.dispose()

    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    else:
        asyncio.run(run_async())

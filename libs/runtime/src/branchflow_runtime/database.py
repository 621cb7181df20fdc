"""Async SQLAlchemy on PostgreSQL: engines, database creation and Alembic migrations.

PostgreSQL only, everywhere: where no server is configured the embedded one is started
(see ``embedded.postgres``), so there is no second dialect to keep in step.
"""

import ast
import asyncio
import logging
from pathlib import Path

import asyncpg
import orjson
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

log = logging.getLogger(__name__)


def async_url(url: str) -> str:
    """Any PostgreSQL URL, in the asyncpg dialect SQLAlchemy needs."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def create_engine(url: str, pool_size: int = 10) -> AsyncEngine:
    # No pre-ping: it costs a round trip on every checkout. Connections are recycled instead,
    # and one that died with its server fails its transaction, which the caller sees as an error.
    return create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_recycle=300,
        json_serializer=_json_dumps,  # orjson: JSONB columns were a tenth of a busy worker
        json_deserializer=orjson.loads,
    )


def _json_dumps(value) -> str:
    return orjson.dumps(value).decode()


def session_factory(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


def _asyncpg_params(url: str) -> dict:
    parsed = make_url(url)
    params = {
        "user": parsed.username or "postgres",
        "password": parsed.password,
        "host": parsed.query.get("host") or parsed.host or "127.0.0.1",
        "port": parsed.port or 5432,
    }
    return params


async def ensure_database(url: str) -> None:
    """Create the URL's database if it does not exist (first start of a service)."""
    name = make_url(url).database
    conn = await asyncpg.connect(database="postgres", **_asyncpg_params(url))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            try:
                await conn.execute(f'CREATE DATABASE "{name}"')
                log.info("created database %s", name)
            except asyncpg.DuplicateDatabaseError:
                pass  # a replica starting beside us won the race
    finally:
        await conn.close()


async def drop_database(url: str) -> None:
    name = make_url(url).database
    conn = await asyncpg.connect(database="postgres", **_asyncpg_params(url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def alembic_config(migrations_dir: Path, url: str):
    from alembic.config import Config  # Alembic only where a migration runs (see migrate)

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.attributes["database_url"] = async_url(url)
    return cfg


async def migrate(migrations_dir: Path, url: str) -> None:
    """Create the database if needed and upgrade it to the newest revision.

    A restart finds the database current: one query says so, and Alembic's environment (a second
    event loop in a worker thread, its own engine and lock) is not run at all — it was most of a
    restarted service's time before it could answer. Importing Alembic at all was a tenth of a
    start, so the heads are read off the revision files (``script_heads``) and Alembic is
    imported only to migrate."""
    await ensure_database(url)
    if await _applied_revisions(url) == script_heads(migrations_dir):
        return
    from alembic import command

    await asyncio.to_thread(command.upgrade, alembic_config(migrations_dir, url), "head")


def script_heads(migrations_dir: Path) -> set[str]:
    """The revisions no other revision follows, from each file's ``revision`` and
    ``down_revision`` assignments (literals, as Alembic writes them). A file that does not say
    both plainly makes this empty, and the caller then lets Alembic decide."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (migrations_dir / "versions").glob("*.py"):
        found = _revision_assignments(path)
        if "revision" not in found or "down_revision" not in found:
            return set()
        revisions.add(found["revision"])
        down = found["down_revision"]
        parents.update([down] if isinstance(down, str) else down or ())
    return revisions - parents


def _revision_assignments(path: Path) -> dict:
    found = {}
    for node in ast.parse(path.read_text()).body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        if isinstance(node, ast.AnnAssign):
            target = node.target
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision") and node.value:
            try:
                found[target.id] = ast.literal_eval(node.value)
            except ValueError:
                return {}
    return found


async def _applied_revisions(url: str) -> set[str]:
    conn = await asyncpg.connect(database=make_url(url).database, **_asyncpg_params(url))
    try:
        return {row[0] for row in await conn.fetch("SELECT version_num FROM alembic_version")}
    except asyncpg.UndefinedTableError:
        return set()
    finally:
        await conn.close()

"""The embedded PostgreSQL starts on a machine whose ``LANG`` names a locale it does not have
(initdb refuses such a locale): a Chinese ``LANG`` on a minimal Linux must not stop ``make run``."""

import asyncio
import os

import asyncpg
import pytest

from branchflow_runtime.embedded import EmbeddedPostgres
from branchflow_runtime.embedded.postgres import _is_installed

pytestmark = pytest.mark.connected

MISSING = "xx_XX.UTF-8"


def test_a_locale_the_machine_lacks_does_not_stop_initdb(tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", MISSING)
    monkeypatch.delenv("LC_ALL", raising=False)
    assert not _is_installed("")  # the situation: initdb alone would refuse it
    with EmbeddedPostgres(tmp_path / "pg", cleanup="delete") as postgres:
        url = postgres.url().replace("postgresql+asyncpg", "postgresql")

        async def encoding() -> str:
            connection = await asyncpg.connect(url)
            try:
                return await connection.fetchval("SHOW server_encoding")
            finally:
                await connection.close()

        assert asyncio.run(encoding()) == "UTF8"
    assert "LC_ALL" not in os.environ  # the fallback was for PostgreSQL's commands only

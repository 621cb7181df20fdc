"""A restarted service decides "already migrated" from its revision files without importing
Alembic (branchflow_runtime.database.script_heads): it must name the heads Alembic would."""

from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from branchflow_runtime.database import script_heads
from branchflow_runtime.settings import project_root

MIGRATIONS = sorted(project_root().glob("services/*/src/*/migrations"))


@pytest.mark.parametrize("migrations", MIGRATIONS, ids=lambda p: p.parents[1].name)
def test_script_heads_are_alembics(migrations: Path):
    config = Config()
    config.set_main_option("script_location", str(migrations))
    assert script_heads(migrations) == set(ScriptDirectory.from_config(config).get_heads())
    assert script_heads(migrations)


def test_a_file_that_does_not_say_its_revision_plainly_leaves_it_to_alembic(tmp_path):
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "0001_a.py").write_text('revision = "0001"\ndown_revision = None\n')
    (versions / "0002_b.py").write_text('revision: str = "0002"\ndown_revision: str | None = "0001"\n')
    assert script_heads(tmp_path) == {"0002"}
    (versions / "0003_c.py").write_text('revision = make_id()\ndown_revision = "0002"\n')
    assert script_heads(tmp_path) == set()

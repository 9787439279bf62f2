"""The Alembic migrations build exactly the schema of the models, from empty, and go back down."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from radio_sched.core.db import alembic_config, current_revision, get_engine, head_revision, upgrade
from radio_sched.core.models import Base

pytestmark = pytest.mark.all_backends


def test_upgrade_from_empty_matches_models(empty_db_url):
    url = empty_db_url
    assert current_revision(url) is None
    before, after = upgrade(url)
    assert before is None and after == head_revision()
    with get_engine(url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_is_idempotent_and_downgrade_empties(empty_db_url):
    url = empty_db_url
    upgrade(url)
    assert upgrade(url) == (head_revision(), head_revision())
    cfg = alembic_config(url)
    with get_engine(url).begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    tables = set(inspect(get_engine(url)).get_table_names())
    assert tables <= {"alembic_version"}
    upgrade(url)
    assert "stations" in inspect(get_engine(url)).get_table_names()

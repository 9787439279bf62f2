"""A rollback undoes what a savepoint (Session.begin_nested) released, on SQLite as on PostgreSQL."""

import pytest
from sqlalchemy import func, select

from radio_sched.core.db import sessionmaker_for
from radio_sched.core.models import Unit


@pytest.mark.all_backends
def test_rollback_after_a_released_savepoint_undoes_it(db_url):
    with sessionmaker_for(db_url)() as s:
        s.scalar(select(func.count(Unit.id)))  # a read first: sqlite3 has not begun a transaction
        with s.begin_nested():
            s.add(Unit(level="province", code="42", name="Hà Tĩnh", province_code="42"))
        s.add(Unit(level="province", code="44", name="Quảng Bình", province_code="44"))
        s.flush()
        s.rollback()
        assert s.scalar(select(func.count(Unit.id))) == 0
        with s.begin_nested():
            s.add(Unit(level="province", code="42", name="Hà Tĩnh", province_code="42"))
        s.commit()
    with sessionmaker_for(db_url)() as fresh:
        assert fresh.scalar(select(func.count(Unit.id))) == 1

"""plan_month on a real SQLite file: stored versions, history across months, pins, strictness."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from radio_sched.core.errors import UserError
from radio_sched.core.models import Airing, AiringItem, Blackout, Schedule, ScheduleStation, Segment
from radio_sched.core.periods import parse_month
from radio_sched.planning.plan import ShortfallError, check_month, plan_month
from radio_sched.planning.instances import current_airings_by_station
from radio_sched.core.scopes import Scope

from .conftest import station_ids

MARCH = parse_month("2024-03")


def planned(session, month=MARCH, **kw):
    """Plan, and run the solver-free validator on what was stored (every test that plans does)."""
    res = plan_month(session, month, **kw)
    session.flush()
    check = check_month(session, month, kw.get("scope"))
    assert check.ok, [(c, str(i.message)) for c, i in check.issues]
    return res


def test_a_month_is_planned_stored_and_checked(province):
    res = planned(province)
    assert (res.version, res.status, res.stations, res.solver_status) == (1, "complete", 5, "optimal")
    assert res.gap == 0 and res.shortfalls == []
    sch = province.get(Schedule, res.schedule_id)
    assert sch.month == "2024-03" and sch.scope == "province" and sch.seed == 0 and sch.workers == 1
    assert sch.stats["solved"] == res.distinct == res.sharing["solved"] and sch.wall_s > 0 and sch.plan_id is not None
    rows = province.scalars(select(ScheduleStation).where(ScheduleStation.schedule_id == sch.id)).all()
    assert len(rows) == 5 and all(len(r.content_sha256) == 64 and r.shortfalls == [] for r in rows)
    n_airings = province.scalar(select(func.count()).select_from(Airing).where(Airing.schedule_id == sch.id))
    n_items = province.scalar(select(func.count()).select_from(AiringItem).join(Airing)
                              .where(Airing.schedule_id == sch.id))
    assert (n_airings, n_items) == (res.airings, res.items)
    # no stored airing is empty, positions run 1..n
    for a in province.scalars(select(Airing).where(Airing.schedule_id == sch.id)):
        assert [i.position for i in a.items] == list(range(1, len(a.items) + 1))
        assert a.capacity_s == 600 and a.start in ("05:30", "17:00")


def test_each_commune_gets_its_own_model_citizen_item_and_its_districts_episodes(province):
    planned(province)
    ids = station_ids(province)
    ref = current_airings_by_station(province, MARCH, list(ids.values()))
    for code, sid in ids.items():
        slugs = {s for _, _, items in ref[sid] for s in items}
        assert f"xa-{code}-guong-dien-hinh-2024-03" in slugs
        assert not any(s.startswith("xa-") and code not in s for s in slugs)
        eps = {s for s in slugs if s.startswith("huyen-")}
        assert len(eps) == 4 and len({e.split("-")[1] for e in eps}) == 1


def test_same_database_rules_and_seed_give_the_same_schedule(province):
    a = planned(province, jobs=1)
    b = planned(province, jobs=2)
    assert (a.version, b.version) == (1, 2)
    digests = lambda sid: dict(province.execute(  # noqa: E731
        select(ScheduleStation.station_id, ScheduleStation.content_sha256)
        .where(ScheduleStation.schedule_id == sid)).all())
    assert digests(a.schedule_id) == digests(b.schedule_id)


def test_versions_are_per_month_and_a_district_can_be_replanned(province):
    planned(province)
    res = planned(province, scope=Scope("district", "440"))
    assert (res.version, res.stations, res.scope) == (2, 2, "district:440")


def test_a_missing_jingle_is_a_clear_error_and_nothing_is_stored(province):
    province.execute(Segment.__table__.delete().where(Segment.slug == "jingle-intro"))
    with pytest.raises(UserError) as err:
        plan_month(province, MARCH)
    assert "jingle-intro" in str(err.value) and "nhạc hiệu" in str(err.value)
    assert province.scalar(select(func.count()).select_from(Schedule)) == 0


def test_strict_refuses_a_month_with_shortfalls(province):
    province.execute(Segment.__table__.update().where(Segment.kind == "home_affairs")
                     .values(status="pending"))
    with pytest.raises(ShortfallError) as err:
        plan_month(province, MARCH, strict=True)
    assert err.value.exit_code == 4 and "home-affairs" in str(err.value)
    assert province.scalar(select(func.count()).select_from(Schedule)) == 0
    res = planned(province)
    assert res.status == "shortfalls" and {s["rule"] for s in res.shortfalls} == {"home-affairs"}
    sf = res.shortfalls[0]
    assert sf["code"] == "no_segment" and sf["required"] == 1 and sf["planned"] == 0
    assert sf["reason"]["en"] == "no home_affairs segment was supplied for this commune in 2024-03"
    assert sf["reason"]["vi"].startswith("không có tin loại home_affairs")


def test_all_days_off_air_for_a_district_explains_every_shortfall(province):
    province.add(Blackout(scope="district:436", date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 3, 31),
                          session="", reason="bão"))
    res = planned(province)
    short_stations = {s["station"] for s in res.shortfalls}
    assert short_stations == {"18073", "18077"}
    assert {s["code"] for s in res.shortfalls} == {"off_air"}


def test_replanning_with_pins_and_a_reference_changes_only_what_it_must(province):
    first = planned(province)
    ids = station_ids(province)
    ref = current_airings_by_station(province, MARCH, list(ids.values()))
    cut = dt.date(2024, 3, 15)
    pins = {sid: [a for a in rows if a[0] < cut] for sid, rows in ref.items()}
    same = planned(province, pinned=pins, freeze_before=cut, reference=ref, kind="replan",
                   parent_id=first.schedule_id, replan_from=cut)
    assert same.version == 2 and same.airings == first.airings
    sch = province.get(Schedule, same.schedule_id)
    assert sch.kind == "replan" and sch.replan_from == cut and sch.parent_id == first.schedule_id
    assert province.scalar(select(func.count()).select_from(Airing).where(
        Airing.schedule_id == same.schedule_id, Airing.pinned.is_(True))) > 0
    # a storm takes one day after the cut off the air for one commune: only that day's sessions move
    storm = min(a[0] for a in ref[ids["18202"]] if a[0] > cut)
    province.add(Blackout(scope="commune:18202", date_from=storm, date_to=storm, session="", reason="bão"))
    again = planned(province, pinned=pins, freeze_before=cut, reference=ref)
    new = current_airings_by_station(province, MARCH, list(ids.values()))
    for code, sid in ids.items():
        before, after = set(map(tuple, ref[sid])), set(map(tuple, new[sid]))
        if code != "18202":
            assert before == after
        else:
            lost = {a for a in before if a[0] == storm}
            assert lost and not (after & lost) and len(after - before) <= len(lost) + 1
    assert again.shortfalls == []


def test_pending_segments_are_never_scheduled(province):
    province.execute(Segment.__table__.update().where(Segment.slug.like("so-noi-vu-%"))
                     .values(status="rejected"))
    res = planned(province)
    used = set(province.scalars(select(Segment.slug).join(AiringItem).join(Airing)
                                .where(Airing.schedule_id == res.schedule_id)))
    assert not any(s.startswith("so-noi-vu-") for s in used)


def test_progress_counts_each_station_built_solved_checked_and_stored(province):
    seen = []
    planned(province, progress=lambda done, total: seen.append((done, total)))
    assert {total for _, total in seen} == {4 * 5}  # one total from the first call: 4 steps x 5 stations
    done = [d for d, _ in seen]
    assert done == sorted(set(done)) and done[0] == 0 and done[-1] == 20
    # every stage ends on its boundary: all built (5), all solved (10), all checked (15), stored
    assert {5, 10, 15, 20} <= set(done)


def test_a_version_taken_meanwhile_is_retried_with_the_next(province, monkeypatch):
    from radio_sched.planning import store

    planned(province)
    real = store.next_version
    calls = []

    def stale(session, month):  # as if another planner stored version 2 after we looked
        calls.append(month)
        return 1 if len(calls) == 1 else real(session, month)

    monkeypatch.setattr(store, "next_version", stale)
    res = planned(province)
    assert res.version == 2 and len(calls) == 2

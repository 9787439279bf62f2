"""Make-goods on the tiny province: the past as aired, the rest solved again close to the last version."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from radio_sched.reports.asrun import record_asrun
from radio_sched.core.errors import NotFound, UserError
from radio_sched.core.models import Airing, AsRun, Schedule, ScheduleStation
from radio_sched.core.periods import parse_month
from radio_sched.planning.plan import check_month, plan_month
from radio_sched.planning.replan import replan_month
from radio_sched.planning.instances import current_airings_by_station
from radio_sched.core.scopes import Scope

from ..scheduler.conftest import add_content, province, station_ids  # noqa: F401 - fixture

MARCH = parse_month("2024-03")
FEB = parse_month("2024-02")
FROM = dt.date(2024, 3, 14)
TODAY = dt.date(2024, 4, 30)
D = lambda day, m=3: dt.date(2024, m, day)  # noqa: E731


def checked(session, month=MARCH, scope=None):
    res = check_month(session, month, scope)
    assert res.ok, [(c, str(i.message)) for c, i in res.issues]
    return res


def airings_of(session, code, month=MARCH):
    ids = station_ids(session)
    return current_airings_by_station(session, month, [ids[code]])[ids[code]]


def missed(session, code, days, *, month=MARCH, sessions=("sáng", "chiều"), reason="mất điện do bão"):
    """As-run rows saying the station was off the air on those days (only planned sessions)."""
    rows = [{"station": code, "date": str(d), "session": s, "status": "missed", "reason": reason}
            for d, s, _ in airings_of(session, code, month) if d.day in days and s in sessions]
    assert rows
    return rows


def sent_code(session, report):
    return next(c for c, i in station_ids(session).items() if i == report.station_id)


def versions(session):
    return session.scalar(select(func.count(Schedule.id)))


@pytest.fixture
def storm(province):
    """March planned; 18073 off the air on the 11th-13th, 18202 missed one morning, 18077 reports
    everything it aired up to the 13th, the others report nothing."""
    plan_month(province, MARCH, jobs=1)
    one = next(a for a in airings_of(province, "18202") if D(10) <= a[0] < FROM)  # one session
    rows = missed(province, "18073", (11, 12, 13)) + [
        {"station": "18202", "date": str(one[0]), "session": one[1], "status": "missed",
         "reason": "mất điện"}]
    rows += [{"station": "18077", "date": str(d), "session": s, "status": "aired"}
             for d, s, _ in airings_of(province, "18077") if d < FROM]
    record_asrun(province, rows, "csv", "test", today=TODAY)
    province.commit()
    return province


@pytest.mark.all_backends
def test_missed_airings_are_made_good_and_the_rest_barely_changes(storm):
    s = storm
    v1 = {c: airings_of(s, c) for c in station_ids(s)}
    res = replan_month(s, MARCH, FROM, jobs=1)
    s.flush()
    checked(s)
    assert res.version == 2 and res.stations == 5
    assert "18073" in res.changed and set(res.changed) <= {"18073", "18202"}
    one = next(a for a in v1["18202"] if D(10) <= a[0] < FROM)
    assert res.past["missed"] == sum(len(a[2]) for a in v1["18073"] if 11 <= a[0].day <= 13) + \
        len(one[2])
    # the new version covers only the stations that changed; the others keep version 1
    covered = s.scalars(select(ScheduleStation.station_id).where(
        ScheduleStation.schedule_id == res.schedule_id)).all()
    assert len(covered) == len(res.changed)
    assert airings_of(s, "18077") == v1["18077"]
    # the days before the date count as aired: the missed sessions count nothing, the others unchanged
    v2 = airings_of(s, "18073")
    assert [a for a in v2 if a[0] < FROM] == [a for a in v1["18073"] if a[0] < D(11)]
    # every change is on or after the date, and the list says exactly what differs
    assert res.changes and all(c.day >= FROM for c in res.changes)
    after = {(d, ss): slugs for d, ss, slugs in v2 if d >= FROM}
    before = {(d, ss): slugs for d, ss, slugs in v1["18073"] if d >= FROM}
    assert {(c.day, c.session) for c in res.changes if c.station == "18073"} == {
        k for k in set(after) | set(before) if after.get(k, ()) != before.get(k, ())}
    # make-goods: each segment lost in the storm whose window is still open airs again after it
    lost = {slug for d, _, slugs in v1["18073"] if 11 <= d.day <= 13 for slug in slugs}
    again = {slug for d, _, slugs in v2 if d >= FROM for slug in slugs}
    short = {u["segment"] for u in res.unrestorable if u["station"] == "18073"}
    for slug in lost:
        if slug.startswith(("huyen-", "dai-ptth-")):  # each_segment windows
            assert slug in again or slug in short, slug
    # what cannot be restored is named, with the storm's loss and a reason
    for u in res.unrestorable:
        assert u["end"] < str(FROM) or u["code"] != "past", u
        assert u["reason"]["vi"] and u["reason"]["en"]
        if u["station"] == "18073":
            assert u["lost"] >= 1 and u["lost_reasons"] == ["mất điện do bão"]


@pytest.mark.all_backends
def test_running_the_same_replan_again_changes_nothing(storm):
    s = storm
    first = replan_month(s, MARCH, FROM, jobs=1)
    s.commit()
    n = versions(s)
    airings = s.scalar(select(func.count(Airing.id)))
    again = replan_month(s, MARCH, FROM, jobs=1)
    assert again.schedule_id is None and again.version is None and again.changes == []
    assert versions(s) == n and s.scalar(select(func.count(Airing.id))) == airings
    assert again.unrestorable == first.unrestorable
    checked(s)
    # a report sent again for a storm day is still accepted (checked against the version then in force)
    sent = s.scalars(select(AsRun).where(AsRun.date.between(D(11), D(13)), AsRun.status == "missed")
                     .order_by(AsRun.date, AsRun.session)).first()
    assert sent.date not in {d for d, _, _ in airings_of(s, sent_code(s, sent))}
    res = record_asrun(s, [{"station": sent_code(s, sent), "date": f"{sent.date:%d/%m/%Y}",
                            "session": sent.session, "status": "missed", "reason": sent.reason}],
                       "api", "op", today=TODAY)
    assert (res.added, res.replaced, res.unchanged) == (0, 0, 1)  # the same report: kept as it was


@pytest.mark.all_backends
def test_check_holds_a_replan_to_its_date_the_days_before_are_as_aired(storm):
    s = storm
    res = replan_month(s, MARCH, FROM, jobs=1)
    s.flush()
    checked(s)
    # a version whose past session is no longer held as aired (as if the re-plan had been free
    # to plan it) is caught: the days before replan_from carry only what is pinned
    past = next(a for a in s.scalars(select(Airing).where(
        Airing.schedule_id == res.schedule_id, Airing.date < FROM).order_by(Airing.date.desc()))
        if all(i.counted for i in a.items))
    assert past.pinned
    past.pinned = False
    s.flush()
    bad = check_month(s, MARCH)
    assert [(code, i.code, i.day) for code, i in bad.issues] == [
        (sent_code(s, past), "frozen", past.date)]


@pytest.mark.all_backends
def test_a_district_replan_leaves_the_other_districts_alone(storm):
    res = replan_month(storm, MARCH, FROM, Scope("district", "436"), jobs=1)
    assert res.stations == 2 and res.changed == ["18073"]
    checked(storm)
    sch = storm.get(Schedule, res.schedule_id)
    assert (sch.kind, sch.replan_from, sch.scope) == ("replan", FROM, "district:436")
    assert storm.get(Schedule, sch.parent_id).version == 1


@pytest.mark.all_backends
def test_refusals_change_nothing(storm):
    n = versions(storm)
    with pytest.raises(UserError, match="không thuộc tháng 2024-03"):
        replan_month(storm, MARCH, dt.date(2024, 4, 2))
    # 18077 reported the days it aired up to the 13th: those days cannot be planned again
    last = storm.scalar(select(func.max(AsRun.date)))
    with pytest.raises(UserError, match=rf"đã có đài báo cáo .* \({last + dt.timedelta(days=1)}\)") as e:
        replan_month(storm, MARCH, D(10))
    assert f"18077 {last}" in str(e.value)
    with pytest.raises(NotFound, match="hãy lập lịch trước"):
        replan_month(storm, parse_month("2024-05"), dt.date(2024, 5, 10))
    assert versions(storm) == n


@pytest.mark.all_backends
def test_airings_missed_last_month_are_made_good_this_month(province):
    """A window crossing the month boundary counts what aired, not what was planned: Feb 26-29 off
    the air at 18073 leaves ISO week 9 (Feb 26 - Mar 3) and the quarter to March."""
    add_content(province, "2024-02")
    plan_month(province, FEB, jobs=1)
    record_asrun(province, missed(province, "18073", (26, 27, 28, 29), month=FEB), "csv", "t",
                 today=TODAY)
    plan_month(province, MARCH, jobs=1)
    checked(province)
    guides = lambda code: sum(  # noqa: E731
        1 for d, _, slugs in airings_of(province, code) if d <= D(3) for slug in slugs
        if slug.startswith("thong-bao-"))
    feb_guides = lambda code: sum(  # noqa: E731
        1 for d, _, slugs in airings_of(province, code, FEB) if d >= D(26, 2) for slug in slugs
        if slug.startswith("thong-bao-"))
    assert feb_guides("18073") >= 1  # it had some planned, all of them missed
    assert guides("18073") == 2  # the week's two notices are due in March's three days
    assert guides("18077") == max(0, 2 - feb_guides("18077"))


@pytest.mark.all_backends
def test_what_cannot_be_restored_is_named_with_its_loss(storm):
    """18073 was also off the air on the 8th-10th: episode 2's window (8th-14th) is over by the
    15th, so its airing on the 8th cannot be made good."""
    s = storm
    record_asrun(s, missed(s, "18073", (8, 9, 10), reason="bão số 3"), "csv", "t", today=TODAY)
    episode = "huyen-436-cchc-2024-03-so-2"
    assert any(episode in slugs and d.day <= 10 for d, _, slugs in airings_of(s, "18073"))
    assert not any(episode in slugs and 11 <= d.day <= 14 for d, _, slugs in airings_of(s, "18073"))
    res = replan_month(s, MARCH, D(15), jobs=1)
    checked(s)
    named = {(u["station"], u["rule"], u["segment"]): u for u in res.unrestorable}
    u = named[("18073", "district-episodes", episode)]
    assert (u["required"], u["planned"], u["code"], u["lost"]) == (1, 0, "past", 1)
    assert u["lost_reasons"] == ["bão số 3"] and not u["before"]
    assert "đã cố định" in u["reason"]["vi"] and "already fixed" in u["reason"]["en"]
    # 18073's other district episodes still air in their windows
    v2 = airings_of(s, "18073")
    for k, first in ((1, 1), (3, 15), (4, 22)):
        slug = f"huyen-436-cchc-2024-03-so-{k}"
        assert any(slug in slugs and D(first) <= d <= D(first + 6) for d, _, slugs in v2), slug


@pytest.mark.all_backends
def test_communes_marked_off_the_air_afterwards_need_no_report(province):
    """In a typhoon the stations cannot report: the district marks them off the air instead (the web
    form's blackouts). Their planned, unreported items of those days are lost, not presumed aired,
    unless a station reports otherwise."""
    from radio_sched.reports.audit import audit
    from radio_sched.reference.blackouts import add_blackout

    plan_month(province, MARCH, jobs=1)
    v1 = airings_of(province, "18202")
    add_blackout(province, "district:440", D(11), D(13), reason="bão số 3, mất điện")
    day, name, _ = next(a for a in airings_of(province, "18205") if D(11) <= a[0] <= D(13))
    record_asrun(province, [{"station": "18205", "date": str(day), "session": name,
                             "status": "aired", "reason": "máy phát điện"}], "csv", "t", today=TODAY)
    province.commit()
    res = replan_month(province, MARCH, FROM, jobs=1)
    checked(province)
    lost = [a for a in v1 if D(11) <= a[0] <= D(13)]
    assert lost and res.past["off_air"] >= sum(len(a[2]) for a in lost)
    assert "18202" in res.changed
    assert [a for a in airings_of(province, "18202") if a[0] < FROM] == [a for a in v1 if a[0] < D(11)]
    # the audit: lost to the blackout, with its reason; the station that reported keeps its airing
    rows = [r for r in audit(province, MARCH, today=TODAY).rows if not r.soft]
    off = [r for r in rows if r.station == "18202" and r.missed]
    assert off and all("bão số 3, mất điện" in r.reason.render("vi") for r in off)
    assert sum(r.aired for r in rows if r.station == "18205") >= 1


@pytest.mark.all_backends
def test_check_takes_the_past_of_a_station_a_replan_left_unchanged_as_stored(province):
    """A typhoon's blackout entered for days already gone by; 18205 aired them anyway (a generator)
    and says so, so the re-plan changes nothing for it and it keeps its version. Its past sessions
    are not reported as off the air by check: the re-plan took them as aired."""
    from radio_sched.reference.blackouts import add_blackout

    plan_month(province, MARCH, jobs=1)
    days = (D(8), D(13))
    assert any(days[0] <= a[0] <= days[1] for a in airings_of(province, "18202"))
    mine = [a for a in airings_of(province, "18205") if days[0] <= a[0] <= days[1]]
    assert mine
    add_blackout(province, "district:440", *days, reason="bão số 3, mất điện")
    record_asrun(province, [{"station": "18205", "date": str(d), "session": s, "status": "aired",
                             "reason": "máy phát điện"} for d, s, _ in mine], "csv", "t", today=TODAY)
    res = replan_month(province, MARCH, FROM, jobs=1)
    assert "18202" in res.changed and "18205" not in res.changed  # 18202 lost its sessions
    province.commit()
    checked(province)
    # the same past checked without the re-plan (its version alone) shows what was excused
    v1 = province.scalar(select(Schedule.id).where(Schedule.version == 1))
    alone = check_month(province, MARCH, schedule_id=v1)
    assert {(c, i.code) for c, i in alone.issues} >= {("18205", "off_air")}


def test_the_first_day_offered_for_a_replan_is_tomorrow_within_the_month():
    from radio_sched.planning.replan import first_day_to_replan

    assert first_day_to_replan(MARCH, D(13)) == D(14)
    assert first_day_to_replan(MARCH, D(31)) == D(31)  # the last day, not April
    assert first_day_to_replan(MARCH, dt.date(2024, 2, 10)) == D(1)  # a month still to come
    assert first_day_to_replan(MARCH, dt.date(2025, 1, 1)) == D(31)  # a month gone by


@pytest.mark.all_backends
def test_the_past_is_never_rewritten_and_carries_its_reported_status(storm):
    from radio_sched.core.models import Station
    from radio_sched.planning.export import month_schedule
    from radio_sched.reports.station_month import schedule_document, station_month

    s = storm
    planned_v1 = month_schedule(s, MARCH, Scope("commune", "18073"))["stations"][0]["airings"]
    res = replan_month(s, MARCH, FROM, jobs=1)
    s.flush()
    checked(s)
    assert "18073" in res.changed
    doc = month_schedule(s, MARCH, Scope("commune", "18073"))
    (st,) = doc["stations"]
    assert st["version"] == res.version == 2
    past = [a for a in st["airings"] if a["date"] < str(FROM)]
    # every airing before the date exactly as version 1 planned it, each with its status
    strip = [{k: v for k, v in a.items() if k != "status"} for a in past]
    assert strip == [a for a in planned_v1 if a["date"] < str(FROM)]
    assert {a["status"] for a in past if 11 <= int(a["date"][-2:]) <= 13} == {"missed"}
    assert {a["status"] for a in past if int(a["date"][-2:]) < 11} == {"unreported"}
    assert all("status" not in a for a in st["airings"] if a["date"] >= str(FROM))
    # the station's month (the station page's data) says the same, airing by airing
    station = s.scalar(select(Station).where(Station.code == "18073"))
    view = station_month(s, station, MARCH)
    page = schedule_document(view, "vi")["stations"][0]["airings"]
    assert [(a["date"], a["session"], a.get("status")) for a in page] == [
        (a["date"], a["session"], a.get("status")) for a in st["airings"]]
    # 18077 reported everything up to the 13th as aired, but kept version 1 (a plan): no status
    other = month_schedule(s, MARCH, Scope("commune", "18077"))["stations"][0]
    assert other["version"] == 1 and all("status" not in a for a in other["airings"])
    # a second re-plan keeps the first one's past too
    record_asrun(s, [{"station": "18073", "date": str(FROM), "session": a["session"], "status": "aired"}
                     for a in st["airings"] if a["date"] == str(FROM)], "csv", "test", today=TODAY)
    later = FROM + dt.timedelta(days=3)
    replan_month(s, MARCH, later, jobs=1)
    s.flush()
    checked(s)
    again = month_schedule(s, MARCH, Scope("commune", "18073"))["stations"][0]["airings"]
    assert [{k: v for k, v in a.items() if k != "status"} for a in again if a["date"] < str(FROM)] == strip
    assert [a["status"] for a in again if a["date"] < str(FROM)] == [a["status"] for a in past]

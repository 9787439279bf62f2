"""Random small provinces in a real database: sessions, off-air days, content and plan rules drawn at
random; every stored month passes the solver-free check, and the next month counts it as history."""

import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings, strategies as st

from radio_sched.core.db import dispose_engines, session_scope, upgrade
from radio_sched.demo.content import add_segments, month_content, stations_by_district
from radio_sched.reference.divisions import load_divisions, stations_in
from radio_sched.core.models import Blackout, SessionTemplate
from radio_sched.core.periods import parse_month
from radio_sched.planning.plan import check_month, plan_month
from radio_sched.reference.plan_rules import load_rules
from radio_sched.core.scopes import PROVINCE

from ..helpers import TINY_DIVISIONS, write

RULE_LINES = {
    "district_episode": 'each_segment = {{ min = {lo}, max = {hi}, within_days = {w} }}\nmin_gap_days = {g}\n',
    "service_guide": 'quota = {{ per = "week", min = {lo}, max = {hi} }}\nmax_per_session = 1\n',
    "model_citizen": 'quota = {{ per = "month", min = {lo}, max = {hi} }}\nprefer_sessions = ["sáng"]\n',
    "provincial_program": 'quota = {{ per = "quarter", min = {lo}, max = {hi} }}\nmin_gap_days = {g}\n',
}
counter = itertools.count()


@st.composite
def provinces(draw):
    rules = ['[plan]\nname = "Ngẫu nhiên"\nyear = 2024\n[session]\nmax_items = %d\ngap_s = %d\n'
             'intro = "jingle-intro"\noutro = "jingle-outro"\n' % (draw(st.integers(1, 3)), draw(st.integers(0, 2)))]
    for n, kind in enumerate(draw(st.lists(st.sampled_from(sorted(RULE_LINES)), min_size=1, max_size=4,
                                           unique=True))):
        lo = draw(st.integers(0, 2))
        rules.append(f'[[rule]]\nid = "r{n}"\nkind = "{kind}"\n' + RULE_LINES[kind].format(
            lo=lo, hi=lo + draw(st.integers(0, 2)) or 1, w=draw(st.integers(1, 10)), g=draw(st.integers(1, 5))))
    if draw(st.booleans()):
        rules.append('[[rule]]\nid = "column"\nkind = "*"\nquota = { per = "week", min = 2 }\nsoft = true\n')
    sessions = [("province", "sáng", "05:30", draw(st.sampled_from(["daily", "mon-fri", "mon,wed,fri"])),
                 draw(st.sampled_from([300, 450, 600])))]
    if draw(st.booleans()):
        sessions.append(("district:440", "chiều", "17:00", "daily", draw(st.sampled_from([0, 200, 600]))))
    blackouts = draw(st.lists(st.tuples(st.sampled_from(["province", "district:436", "commune:18202"]),
                                        st.integers(1, 28), st.integers(0, 6)), max_size=3,
                              unique_by=lambda b: b[:2]))
    return "".join(rules), sessions, blackouts


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(provinces())
def test_random_provinces_plan_and_check(tmp_path, case):
    rules_text, sessions, blackouts = case
    url = f"sqlite:///{tmp_path / f'p{next(counter)}.db'}"
    upgrade(url)
    months = [parse_month("2024-02"), parse_month("2024-03")]
    with session_scope(url) as s:
        load_divisions(s, write(tmp_path / "div.csv", TINY_DIVISIONS))
        for scope, name, start, days, cap in sessions:
            from radio_sched.reference.session_templates import parse_weekdays

            s.add(SessionTemplate(scope=scope, session=name, start=start, weekdays=days,
                                  weekday_mask=parse_weekdays(days), capacity_s=cap))
        for scope, day, length in blackouts:
            first = dt.date(2024, 3, day)
            s.add(Blackout(scope=scope, date_from=first, date_to=first + dt.timedelta(days=length),
                           reason="mất điện"))
        write(tmp_path / "rules.toml", rules_text)
        load_rules(s, tmp_path / "rules.toml")
        for m in months:
            add_segments(s, month_content(stations_by_district(stations_in(s, PROVINCE)), m))
    for m in months:
        with session_scope(url) as s:
            plan_month(s, m, jobs=1)
        with session_scope(url) as s:
            check = check_month(s, m)
            assert check.ok, [(c, str(i.message)) for c, i in check.issues]
    dispose_engines()

"""Alike stations share one problem: local segments become placeholders and come back renamed."""

import dataclasses

from radio_sched.scheduler.canonical import canonical, group, restore
from radio_sched.scheduler.instance import StationInfo, StationInstance
from radio_sched.scheduler.solve import solve
from radio_sched.scheduler.validate import validate

from .build import D, problem, seg

RULES = ('[[rule]]\nid = "mc"\nkind = "model_citizen"\nquota = { per = "month", min = 1 }\n'
         'min_gap_days = 7\n[[rule]]\nid = "ep"\nkind = "district_episode"\n'
         'each_segment = { min = 1, within_days = 7 }\n')


def station(n, code, *, seconds=150, history=()):
    p = problem(RULES, [seg("ep1"), seg(f"xa-{code}-mc", "model_citizen", seconds, local=True)],
                history=history)
    return StationInstance(StationInfo(n, code, f"Xã {code}"), p)


def test_communes_with_their_own_item_of_the_same_shape_share_one_problem():
    a, b, c = station(1, "18073"), station(2, "18077"), station(3, "18080", seconds=120)
    distinct, per = group([a, b, c])
    assert len(distinct) == 2 and per[0][0] == per[1][0] != per[2][0]
    sol = solve(distinct[per[1][0]])
    mine = restore(sol, per[1][1])
    assert any("xa-18077-mc" in x.slugs for x in mine.airings)
    assert not any(s.startswith("~") for x in mine.airings for s in x.slugs)
    assert validate(b.problem, mine.airings, mine.shortfalls) == []


def test_history_of_the_local_item_is_renamed_too():
    h = [(D(2024, 2, 28), "sáng", "xa-18073-mc", "model_citizen")]
    cp, back = canonical(station(1, "18073", history=h).problem)
    assert [a.slug for a in cp.history] == ["~model_citizen~1"] and back == {"~model_citizen~1": "xa-18073-mc"}
    other, _ = canonical(station(2, "18077", history=[(h[0][0], "sáng", "xa-18077-mc", "model_citizen")]).problem)
    assert cp == other


def test_different_history_means_a_different_problem_only_where_a_rule_reads_it():
    h = [(D(2024, 2, 28), "sáng", "ep1", "district_episode")]
    # ep1's window opens on 1 March and episodes keep no gap: no rule reads a February airing
    distinct, _ = group([station(1, "18073"), station(2, "18077", history=h)])
    assert len(distinct) == 1
    # an episode whose window opened on 25 February counts it
    early = [seg("ep1", start=D(2024, 2, 25))]
    a, b = (dataclasses.replace(station(n, c, history=hist).problem, segments=early)
            for n, c, hist in ((1, "18073", ()), (2, "18077", h)))
    assert canonical(a)[0] != canonical(b)[0]


def test_restore_renames_shortfall_params():
    p = dataclasses.replace(station(1, "18073", seconds=900).problem, rules=station(1, "1").problem.rules)
    cp, back = canonical(p)
    sol = restore(solve(cp), back)
    (sf,) = [s for s in sol.shortfalls if s.rule == "mc"]
    assert dict(sf.params)["segment"] == "xa-18073-mc" and sf.code == "too_long"

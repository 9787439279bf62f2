"""prefer_sessions: a wish with an exact penalty per airing outside the preferred sessions."""

from .build import D, paid, problem, seg, solved

RULE = ('[[rule]]\nid = "mc"\nkind = "model_citizen"\nquota = { per = "month", min = 1 }\n'
        'prefer_sessions = ["sáng"]\n')
TWO = (("sáng", "05:30"), ("chiều", "17:00"))


def test_the_preferred_session_is_chosen():
    sol = solved(problem(RULE, [seg("mc1", "model_citizen")], sessions=TWO))
    assert [a.session for a in sol.airings] == ["sáng"] and paid(sol, "mc") == 0


def test_outside_the_preferred_session_costs_exactly_the_prefer_weight():
    off = {(D(2024, 3, d), "sáng"): "sửa loa" for d in range(1, 32)}
    sol = solved(problem(RULE, [seg("mc1", "model_citizen")], sessions=TWO, off_air=off))
    assert [a.session for a in sol.airings] == ["chiều"]
    assert paid(sol, "mc") == 10 and sol.objective == 10 + 1
    (p,) = [p for p in sol.penalties if p.rule == "mc"]
    assert p.name.startswith("prefer[mc|2024-03-") and p.name.endswith("|chiều|mc1]")

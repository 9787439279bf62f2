"""Job kinds for the tests of jobs run in their own process (real database work, real processes)."""

from __future__ import annotations

import time
from pathlib import Path

from radio_sched.reference.divisions import stations_in
from radio_sched.core.errors import UserError
from radio_sched.core.i18n import M
from radio_sched.core.models import Blackout
from radio_sched.core.periods import parse_month
from radio_sched.core.scopes import parse_scope


def close_stations(settings, session, spec, progress):
    """Mark every station of the scope off the air on one day, one station at a time."""
    day = parse_month(spec.month).start
    stations = stations_in(session, parse_scope(spec.scope))
    for n, st in enumerate(stations, 1):
        session.add(Blackout(scope=f"commune:{st.code}", date_from=day, date_to=day, session="",
                             reason=spec.params.get("reason", ""), source="web"))
        progress(n, len(stations))
    return {"closed": len(stations), "schedules_root": str(settings.schedules_root)}


def wait_at_gate(settings, session, spec, progress):
    """Report some progress, write a row (not committed), then wait for a file that a test may
    never create."""
    progress(1, 3)
    day = parse_month(spec.month).start
    session.add(Blackout(scope=spec.scope, date_from=day, date_to=day, session="", reason="x"))
    session.flush()
    Path(spec.params["gate"] + ".written").touch()
    gate = Path(spec.params["gate"])
    end = time.monotonic() + 60
    while not gate.exists() and time.monotonic() < end:
        time.sleep(0.05)
    return {"waited": True}


def refuse(settings, session, spec, progress):
    raise UserError(M("no plan for {m}", "chưa có kế hoạch cho {m}", m=spec.month))


def _wait_for(path: Path, limit_s: float = 60) -> None:
    end = time.monotonic() + limit_s
    while not path.exists() and time.monotonic() < end:
        time.sleep(0.05)


def step_at_gate(settings, session, spec, progress):
    """Report 1/4 and mark it (file `<gate>.step`), wait for the gate, then write a row (holding the
    database until the job ends, on SQLite) and report 3/4 meanwhile, and finish at 4/4."""
    progress(1, 4)
    Path(spec.params["gate"] + ".step").touch()
    _wait_for(Path(spec.params["gate"]))
    if spec.params.get("write"):
        day = parse_month(spec.month).start
        session.add(Blackout(scope="province", date_from=day, date_to=day, session="", reason="x"))
        session.flush()
        progress(3, 4)  # cannot be written now; must neither wait for the lock nor fail the job
    else:
        progress(4, 4)
    return {"ok": True, **spec.params.get("result", {})}

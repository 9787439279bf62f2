"""The demo's web accounts, one per role, with passwords kept in the work folder (demo only)."""

from __future__ import annotations

import dataclasses
import json
import secrets
from pathlib import Path
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.files import write_atomic
from .summary import Account
from ..core.models import Schedule, ScheduleStation, Station, User
from ..core.periods import Period
from ..planning.schedules import current_schedule_ids
from ..access.users import add_user, set_password


def demo_accounts(s: Session, path: Path, *, period: Period, quarter: Period,
                  department: tuple[str, str], district: tuple[str, str] | None,
                  showcase: Sequence[Station], department_home: str | None = None) -> list[Account]:
    """The Department's (department: user name, name), the district's (district: code, name; none
    in a two-tier province) and one station's account, made once: the station is one of
    `showcase` (the storm's). Their passwords are random, printed by the demo and kept in `path`
    (mode 600) so that a second run prints the same; an account whose password the file has lost
    gets a new one. department_home: the Department's first page (default: the quarter's coverage;
    in a two-tier province, where it plans, its planner page)."""
    known = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    station = next((a["scope"].partition(":")[2] for a in known.values() if a["role"] == "station"),
                   None) or showcase_station(s, period, showcase)
    wanted = [(department[0], "department", "province", f"{department[1]} (demo)",
               department_home or f"/department/{quarter.label}/coverage")]
    if district is not None:
        code, name = district
        wanted.append((f"huyen-{code}", "district", f"district:{code}",
                       f"Trung tâm VH-TT {name} (demo)", f"/district/{code}/{period.label}/"))
    wanted.append((f"xa-{station}", "station", f"commune:{station}",
                   f"Đài truyền thanh xã {station} (demo)", f"/station/{station}/{period.label}/"))
    out = []
    for username, role, scope, name, home in wanted:
        password = known.get(username, {}).get("password")
        exists = s.scalar(select(User.id).where(User.username == username)) is not None
        if password is None:
            password = secrets.token_urlsafe(9)
            if exists:
                set_password(s, username, password)
        if not exists:
            add_user(s, username, password, role, scope, display_name=name)
        out.append(Account(username, password, role, scope, name, home))
    data = {a.username: dataclasses.asdict(a) for a in out}
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
    path.chmod(0o600)
    return out


def showcase_station(s: Session, period: Period, stations: Sequence[Station]) -> str:
    """A station whose page reads well: re-planned (its sessions moved off the storm's days), with
    nothing left short in its month if there is one such; else the first by code."""
    mine = {st.id: st.code for st in stations}
    current = current_schedule_ids(s, period.label, list(mine))
    rows = s.execute(select(ScheduleStation.station_id, ScheduleStation.schedule_id,
                            ScheduleStation.shortfalls, Schedule.kind)
                     .join(Schedule).where(ScheduleStation.schedule_id.in_(set(current.values()))))
    rank = {sid: (bool(short), kind != "replan", int(mine[sid])) for sid, sch, short, kind in rows
            if sid in mine and current[sid] == sch}
    return mine[min(rank, key=rank.get)] if rank else min(mine.values(), key=int)

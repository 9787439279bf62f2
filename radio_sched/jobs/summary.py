"""Jobs as people read them: "Lập lịch tháng 03/2024 — xong, 18:02 12/03/2024, bởi Nguyễn Văn A"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.config import as_local
from ..core.i18n import M
from ..core.models import Job, User
from ..reference.places import place_names
from ..reports.readable import read_replan
from .locks import ACTIVE
from .runner import describe

STATUS = {"queued": M("waiting", "đang chờ"), "running": M("running", "đang chạy"),
          "done": M("done", "xong"), "failed": M("failed", "thất bại")}
# what a finished job's result must hold for its page to sum it up: a job the command line ran
# (runner.holding) ends with no result of its own
SUMMARY_KEY = {"plan": "version", "replan": "replan_from", "render": "bundles_new",
               "segments": "added", "bulletin": "slug", "withdraw": "slug", "review": "slug"}
PRIORITY = {"urgent": M("urgent", "khẩn"), "priority": M("priority", "ưu tiên"),
            "normal": M("normal", "thường")}


@dataclass(frozen=True)
class JobLine:
    id: int
    status: str
    active: bool
    what: str  # "Lập lịch tháng 03/2024"
    text: str  # what, then how it stands, when and by whom


def _local(moment: dt.datetime | None) -> str:
    return as_local(moment).strftime("%H:%M %d/%m/%Y") if moment is not None else ""


def _month(label: str | None) -> str:
    if not label or len(label) != 7:
        return label or ""
    return f"{label[5:]}/{label[:4]}"


def _day(iso: Any) -> str:
    text = str(iso or "")
    return f"{text[8:10]}/{text[5:7]}/{text[:4]}" if len(text) == 10 else text


def job_what(job: Job, lang: str) -> str:
    """The work itself: "Lập lịch tháng 03/2024", "Re-planning 03/2024 from 15/03/2024"."""
    params = (job.result or {}).get("params", {}) or {}
    m = _month(job.month)
    if job.kind == "plan":
        msg = M("Planning {m}", "Lập lịch tháng {m}", m=m)
    elif job.kind == "render":
        msg = M("Audio bundles of {m}", "Dựng gói âm thanh tháng {m}", m=m)
    elif job.kind == "replan":
        day = _day(params.get("from"))
        msg = (M("Re-planning {m} from {d}", "Lập lại lịch tháng {m} từ ngày {d}", m=m, d=day)
               if day else M("Re-planning {m}", "Lập lại lịch tháng {m}", m=m))
    elif job.kind == "segments":
        n = len(params.get("files") or [])
        msg = (M("Upload of {n} audio file(s)", "Tải lên {n} tệp âm thanh", n=n) if n else
               M("Upload of audio", "Tải lên âm thanh"))
    elif job.kind == "bulletin":
        level = PRIORITY.get(str((params.get("form") or {}).get("priority")), PRIORITY["normal"])
        msg = M("Adding a bulletin ({p}) from {d}", "Thêm bản tin {p} từ ngày {d}",
                p=level, d=_day(params.get("from")))
    elif job.kind == "withdraw":
        msg = M("Withdrawing a segment from {d}", "Rút tin từ ngày {d}", d=_day(params.get("from")))
    elif job.kind == "review":
        msg = M("Approving a bulletin", "Duyệt bản tin")
    elif job.kind == "import":
        msg = M("Import", "Nhập dữ liệu")
    else:
        msg = M("{k} {m}", "{k} {m}", k=job.kind, m=m)
    return msg.render(lang).strip()


def job_lines(session: Session, jobs: Iterable[Job], lang: str) -> list[JobLine]:
    """Each job as one line: what, how it stands (with its progress while it runs), when, by whom
    (the account's display name)."""
    jobs = list(jobs)
    names = {u.username: (u.display_name or u.username) for u in session.scalars(
        select(User).where(User.username.in_({j.created_by for j in jobs if j.created_by})))}
    out = []
    for job in jobs:
        status = STATUS.get(job.status, M(job.status, job.status)).render(lang)
        if job.status in ACTIVE and job.total:
            status += f" {job.progress}/{job.total}"
        when = _local(job.finished_at if job.status not in ACTIVE else job.created_at)
        by = names.get(job.created_by or "", job.created_by or "")
        tail = M("{s}, {t}", "{s}, {t}", s=status, t=when) if when else M("{s}", "{s}", s=status)
        if by:
            tail = M("{x} by {b}", "{x} bởi {b}", x=tail.render(lang), b=by)
        what = job_what(job, lang)
        out.append(JobLine(job.id, job.status, job.status in ACTIVE, what,
                           f"{what} — {tail.render(lang)}"))
    return out


def job_view(session: Session, job: Job, lang: str) -> dict[str, Any]:
    """The job's page: describe() with its line, the place it works on by name, and whether its
    result can be summed up (a job the command line ran has no result of its own)."""
    out = describe(job, lang)
    line = job_lines(session, [job], lang)[0]
    if job.kind == "replan" and job.status == "done" and out["result"].get("unrestorable") is not None:
        out["result"] = read_replan(session, out["result"])
    out.update(line=line.text, what=line.what,
               place=place_names(session, [job.scope])[job.scope],
               summarised=job.status == "done" and SUMMARY_KEY.get(job.kind, "") in (
                   job.result or {}))
    return out

"""Content approval: the kinds whose district and commune segments wait for the Department, and
approving or refusing them (only approved segments are scheduled)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.errors import FormErrors, NotFound, UserError
from ..core.i18n import M, nfc
from ..core.models import KindApproval, Segment
from ..core.scopes import PROVINCE

MAX_NOTE = 300
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def kinds_needing_approval(session: Session) -> set[str]:
    """The kinds the Department reviews (none by default: every upload is approved at once)."""
    return set(session.scalars(select(KindApproval.kind).where(KindApproval.needs_approval.is_(True))))


def set_needs_approval(session: Session, kind: str, needed: bool, *, by: str | None = None) -> None:
    """The Department's setting for one kind, kept in the database."""
    if not _KIND.match(kind):
        raise UserError(M("'{v}' is not a kind; write it like district_episode (lowercase letters, "
                          "digits, '_')", "'{v}' không phải loại tin; viết như district_episode (chữ "
                          "thường, số, '_')", v=kind))
    row = session.get(KindApproval, kind)
    if row is None:
        row = KindApproval(kind=kind)
        session.add(row)
    row.needs_approval, row.updated_by = needed, by
    session.flush()


def initial_status(session: Session, kind: str, scope: str) -> str:
    """'pending' for a district's or commune's segment of a kind the Department reviews, else
    'approved' (the Department's own segments never wait)."""
    if scope == str(PROVINCE) or scope.startswith("province"):
        return "approved"
    return "pending" if kind in kinds_needing_approval(session) else "approved"


def pending_segments(session: Session) -> list[Segment]:
    """Segments waiting for the Department, oldest first."""
    return list(session.scalars(select(Segment).where(Segment.status == "pending")
                                .order_by(Segment.created_at, Segment.slug)))


def review_segment(session: Session, slug: str, *, approve: bool, by: str | None = None,
                   note: str = "") -> Segment:
    """Approve a pending (or refused) segment, or refuse it with a reason; the next plan or
    re-plan schedules what is approved."""
    seg = session.scalar(select(Segment).where(Segment.slug == slug))
    if seg is None:
        raise NotFound(M("there is no segment '{s}' in the library",
                         "không có mục phát '{s}' trong thư viện", s=slug))
    note = nfc(note or "").strip()
    if not approve and not note:
        raise FormErrors([("reason", M("say why the segment is refused",
                                       "hãy ghi lý do không duyệt"))], {"reason": "--reason"})
    if len(note) > MAX_NOTE:
        raise UserError(M("the reason has {n} characters; at most {m}",
                          "lý do dài {n} ký tự; tối đa {m}", n=len(note), m=MAX_NOTE))
    if approve and seg.status == "approved":
        raise UserError(M("'{s}' is already approved", "'{s}' đã được duyệt", s=slug))
    if not approve and seg.status != "pending":
        raise UserError(M("'{s}' is not waiting for approval: to stop an approved segment, "
                          "withdraw it (segments withdraw)", "'{s}' không chờ duyệt: muốn dừng "
                          "một tin đã duyệt, hãy rút nó (segments withdraw)", s=slug))
    seg.status = "approved" if approve else "rejected"
    seg.approved_by = by if approve else None
    seg.review_note = note
    session.flush()
    return seg

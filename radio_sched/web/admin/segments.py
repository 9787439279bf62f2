"""The segment library per scope: what each segment is, how long and loud, valid when, from whom;
a segment's audio replaced in a job, as 'radio-sched segments add --replace' does."""

from __future__ import annotations


from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from ...core.config import local_today
from ...core.errors import Conflict, UserError
from ...core.models import BEGINNING, END_OF_TIME, Segment
from ...jobs.kinds import discard_upload, upload_specs
from ...jobs.launch import launch
from ...jobs.uploads import save_upload
from ...production.catalogue import list_segments
from ...reference.rule_words import kind_name
from ..common import db, settings, web_settings
from ..content import confirm_withdrawal
from .base import SHORT, labels

bp = Blueprint("segments", __name__, url_prefix="/segments")
STATUS = {"approved": ("approved", "đã duyệt"), "pending": ("waiting for approval", "chờ duyệt"),
          "rejected": ("rejected", "bị từ chối")}


@bp.get("/")
def page():
    return _page(request.args.get("kind", "")[:SHORT], request.args.get("scope", "")[:SHORT])


def _page(kind: str, scope: str, *, error: str | None = None, status: int = 200):
    every = list_segments(db())
    shown = [s for s in every if (not kind or s.kind == kind) and (not scope or s.scope == scope)]
    names = labels({s.scope for s in every})
    return render_template(
        "admin/segments.html", segments=[(s, names[s.scope], kind_name(s.kind)) for s in shown],
        kinds=sorted({(s.kind, kind_name(s.kind)) for s in every}, key=lambda k: k[1]),
        scopes=sorted({(s.scope, names[s.scope]) for s in every}, key=lambda k: k[1]),
        kind=kind, scope=scope, status_words={k: v for k, v in STATUS.items()},
        open_dates=(BEGINNING, END_OF_TIME), today=local_today(), error=error), status


@bp.post("/<int:segment_id>/replace")
def replace(segment_id: int):
    """New audio for a segment, everything else kept: checked, made ready and stored in a job
    (the planner's uploads' job kind), whose page shows the progress."""
    seg = db().get(Segment, segment_id)
    if seg is None:
        abort(404)
    back = (request.form.get("kind", "")[:SHORT], request.form.get("scope", "")[:SHORT])
    upload = request.files.get("file")
    try:
        params = save_upload(settings(), [upload] if upload is not None else [], None,
                             web_settings())
    except UserError as exc:
        return _page(*back, error=str(exc.message), status=400)
    params.update(replace=True, form=_fields(seg))
    try:
        upload_specs(db(), settings(), g.user, params)  # the quick checks, at once
        db().rollback()
        job_id = launch(settings(), "segments", None, seg.scope, params=params,
                        created_by=g.user.username, web=web_settings())
    except UserError as exc:
        discard_upload(settings(), params["upload"])
        db().rollback()
        return _page(*back, error=str(exc.message), status=409 if isinstance(exc, Conflict)
                     else 400)
    except BaseException:
        discard_upload(settings(), params["upload"])
        raise
    return redirect(url_for("jobs.page", job_id=job_id))


def _fields(seg: Segment) -> dict[str, str]:
    """The segment's description as the upload form gives it: only the audio changes."""
    return {"kind": seg.kind, "slug": seg.slug, "title": seg.title, "scope": seg.scope,
            "valid_from": "" if seg.valid_from == BEGINNING else seg.valid_from.isoformat(),
            "valid_until": "" if seg.valid_until == END_OF_TIME else seg.valid_until.isoformat(),
            "topics": seg.topics, "language": seg.language, "producer": seg.producer}


@bp.route("/<int:segment_id>/withdraw", methods=["GET", "POST"])
def withdraw(segment_id: int):
    """The planner's withdrawal, from the Department's library (any segment of the province)."""
    return confirm_withdrawal(segment_id, url_for("admin.segments.page"))

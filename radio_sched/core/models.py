"""The database: typed SQLAlchemy 2.x models of units, stations, content, plans, schedules and reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .text import Line

# Open validity is stored as these sentinels, not NULL, so that unique keys and comparisons work the
# same on SQLite and PostgreSQL.
BEGINNING = dt.date(1900, 1, 1)
END_OF_TIME = dt.date(9999, 12, 31)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


Base.metadata.naming_convention = NAMING


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Unit(Base):
    """An administrative unit (province, district-level or commune-level) over the dates it existed."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("level", "code", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(Line(10))  # province | district | commune
    code: Mapped[str] = mapped_column(Line(12), index=True)  # General Statistics Office code
    name: Mapped[str] = mapped_column(Line(200))
    unit_type: Mapped[str] = mapped_column(Line(40), default="")  # tỉnh, huyện, xã, phường...
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    province_code: Mapped[str] = mapped_column(Line(12), index=True)
    district_code: Mapped[str | None] = mapped_column(Line(12), index=True)
    valid_from: Mapped[dt.date] = mapped_column(Date, default=BEGINNING)
    valid_until: Mapped[dt.date] = mapped_column(Date, default=END_OF_TIME)
    source: Mapped[str] = mapped_column(Line(200), default="")

    parent: Mapped[Unit | None] = relationship(remote_side=[id])


class Station(Base):
    """A commune's radio station (one per commune unless told otherwise)."""

    __tablename__ = "stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(Line(12), index=True)  # the commune's GSO code by default
    name: Mapped[str] = mapped_column(Line(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), unique=True)
    province_code: Mapped[str] = mapped_column(Line(12), index=True)
    district_code: Mapped[str | None] = mapped_column(Line(12), index=True)
    kind: Mapped[str] = mapped_column(Line(10), default="wired")  # wired | fm | ip
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    valid_from: Mapped[dt.date] = mapped_column(Date, default=BEGINNING)
    valid_until: Mapped[dt.date] = mapped_column(Date, default=END_OF_TIME)

    unit: Mapped[Unit] = relationship()


class SessionTemplate(Base):
    """A broadcast session of the stations in a scope (most specific scope wins per session name)."""

    __tablename__ = "session_templates"
    __table_args__ = (UniqueConstraint("scope", "session"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(Line(40), index=True)
    session: Mapped[str] = mapped_column(Line(40))
    start: Mapped[str] = mapped_column(Line(5))  # HH:MM
    weekdays: Mapped[str] = mapped_column(Line(40))  # as written: daily, mon-sat, mon,wed,fri
    weekday_mask: Mapped[int] = mapped_column(Integer)  # bit 0 = Monday
    capacity_s: Mapped[int] = mapped_column(Integer)


class Blackout(Base):
    """Days (and optionally one session) a scope is off the air for the CCHC column."""

    __tablename__ = "blackouts"
    __table_args__ = (UniqueConstraint("scope", "date_from", "date_to", "session"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(Line(40), index=True)
    date_from: Mapped[dt.date] = mapped_column(Date)
    date_to: Mapped[dt.date] = mapped_column(Date)
    session: Mapped[str] = mapped_column(Line(40), default="")  # "" = every session
    reason: Mapped[str] = mapped_column(Line(300), default="")
    source: Mapped[str] = mapped_column(Line(40), default="csv")  # csv | holidays | web


class Segment(Base):
    """A piece of audio content: the original stored by sha256 and its ready-to-air version."""

    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(Line(120), unique=True)  # the segment id users and rules name
    sha256: Mapped[str] = mapped_column(Line(64), index=True)  # of the original file
    title: Mapped[str] = mapped_column(Line(300))
    kind: Mapped[str] = mapped_column(Line(40), index=True)
    scope: Mapped[str] = mapped_column(Line(40), index=True)
    valid_from: Mapped[dt.date] = mapped_column(Date, default=BEGINNING)
    valid_until: Mapped[dt.date] = mapped_column(Date, default=END_OF_TIME)
    topics: Mapped[str] = mapped_column(Line(500), default="")  # ';'-separated
    language: Mapped[str] = mapped_column(Line(10), default="vi")
    producer: Mapped[str] = mapped_column(Line(200), default="")
    original_name: Mapped[str] = mapped_column(Line(300), default="")
    original_duration_s: Mapped[float] = mapped_column(Float, default=0.0)
    duration_s: Mapped[float] = mapped_column(Float, default=0.0)  # of the ready version
    ready_sha256: Mapped[str | None] = mapped_column(Line(64))
    loudness_lufs: Mapped[float | None] = mapped_column(Float)  # measured on the original
    status: Mapped[str] = mapped_column(Line(12), default="approved")  # pending|approved|rejected
    approved_by: Mapped[str | None] = mapped_column(Line(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    withdrawn_from: Mapped[dt.date | None] = mapped_column(Date)  # airs no more from this day
    review_note: Mapped[str] = mapped_column(String(300), default="")  # why it was refused


class KindApproval(Base):
    """A Department setting: segments of this kind from a district or commune wait for approval."""

    __tablename__ = "kind_approvals"

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    needs_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str | None] = mapped_column(String(80))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class Plan(Base):
    """One year's plan rules file as loaded (every load is kept; the newest of a year is active)."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Line(300))
    year: Mapped[int] = mapped_column(Integer, index=True)
    source_text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(Line(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)

    rules: Mapped[list[Rule]] = relationship(back_populates="plan", order_by="Rule.position")


class Rule(Base):
    """One obligation of a plan, its parameters as parsed from the rules file."""

    __tablename__ = "rules"
    __table_args__ = (UniqueConstraint("plan_id", "rule_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    rule_id: Mapped[str] = mapped_column(Line(80))
    title: Mapped[str] = mapped_column(Line(300), default="")
    kind: Mapped[str] = mapped_column(Line(40))
    source: Mapped[str] = mapped_column(Line(200), default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    plan: Mapped[Plan] = relationship(back_populates="rules")


class Schedule(Base):
    """One version of a month's schedule for a scope, with the solver's account of it."""

    __tablename__ = "schedules"
    __table_args__ = (UniqueConstraint("month", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(Line(7), index=True)  # YYYY-MM
    scope: Mapped[str] = mapped_column(Line(40))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(Line(12))  # complete | shortfalls
    kind: Mapped[str] = mapped_column(Line(10), default="plan")  # plan | replan
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("schedules.id"))
    replan_from: Mapped[dt.date | None] = mapped_column(Date)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    solver_status: Mapped[str] = mapped_column(Line(20), default="")
    objective: Mapped[float | None] = mapped_column(Float)
    bound: Mapped[float | None] = mapped_column(Float)
    wall_s: Mapped[float | None] = mapped_column(Float)
    seed: Mapped[int | None] = mapped_column(Integer)
    workers: Mapped[int | None] = mapped_column(Integer)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    created_by: Mapped[str | None] = mapped_column(Line(80))

    stations: Mapped[list[ScheduleStation]] = relationship(back_populates="schedule",
                                                           cascade="all, delete-orphan")


class ScheduleStation(Base):
    """A station covered by a schedule version, with the obligations it could not meet."""

    __tablename__ = "schedule_stations"

    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"),
                                             primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), primary_key=True, index=True)
    shortfalls: Mapped[list[Any]] = mapped_column(JSON, default=list)
    content_sha256: Mapped[str | None] = mapped_column(Line(64))  # of its airings, to see changes

    schedule: Mapped[Schedule] = relationship(back_populates="stations")
    station: Mapped[Station] = relationship()


class Airing(Base):
    """One session occurrence at one station that carries CCHC items."""

    __tablename__ = "airings"
    __table_args__ = (
        UniqueConstraint("schedule_id", "station_id", "date", "session"),
        Index("ix_airings_station_date", "station_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"))
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    session: Mapped[str] = mapped_column(Line(40))
    start: Mapped[str] = mapped_column(Line(5))
    capacity_s: Mapped[int] = mapped_column(Integer)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)

    items: Mapped[list[AiringItem]] = relationship(back_populates="airing",
                                                   order_by="AiringItem.position",
                                                   cascade="all, delete-orphan")


class AiringItem(Base):
    """One segment in an airing, in running order."""

    __tablename__ = "airing_items"
    __table_args__ = (UniqueConstraint("airing_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    airing_id: Mapped[int] = mapped_column(ForeignKey("airings.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id"), index=True)
    kind: Mapped[str] = mapped_column(Line(40))
    duration_s: Mapped[float] = mapped_column(Float)
    # False for a past item that a re-plan kept as planned but did not count as broadcast (it was
    # reported missed, cut short or not confirmed when the version was made): the validator and the
    # solver's pins take only the counted items, the schedule shows them all
    counted: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    airing: Mapped[Airing] = relationship(back_populates="items")
    segment: Mapped[Segment] = relationship()


class AsRun(Base):
    """What a station reports it aired or missed: a whole session (segment '') or one item."""

    __tablename__ = "asrun"
    __table_args__ = (UniqueConstraint("station_id", "date", "session", "segment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    session: Mapped[str] = mapped_column(Line(40))
    segment: Mapped[str] = mapped_column(Line(120), default="")  # segment slug; "" = whole session
    status: Mapped[str] = mapped_column(Line(10))  # aired | missed | partial
    reason: Mapped[str] = mapped_column(Line(300), default="")
    source: Mapped[str] = mapped_column(Line(20), default="csv")  # csv | web | api
    reported_by: Mapped[str | None] = mapped_column(Line(80))
    reported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class Bundle(Base):
    """A station's ready-to-air zip for a month; a new version only when its content changes."""

    __tablename__ = "bundles"
    __table_args__ = (UniqueConstraint("station_id", "month", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), index=True)
    month: Mapped[str] = mapped_column(Line(7), index=True)
    version: Mapped[int] = mapped_column(Integer)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id"))
    path: Mapped[str] = mapped_column(Line(500))  # relative to the schedules root
    sha256: Mapped[str] = mapped_column(Line(64))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class User(Base):
    """A person who signs in: Department (province), district center or station operator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(Line(80), unique=True)
    display_name: Mapped[str] = mapped_column(Line(200), default="")
    password_hash: Mapped[str] = mapped_column(Line(300))
    role: Mapped[str] = mapped_column(Line(12))  # department | district | station
    scope: Mapped[str] = mapped_column(Line(40))  # province | district:<code> | commune:<code>
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    # Kept in the signed cookie and checked on every request: signing out, a new password or
    # disabling the account adds one, and every cookie issued before stops working.
    session_gen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AsRunHistory(Base):
    """A report as it stood before another replaced it: who said what, when, and who replaced it."""

    __tablename__ = "asrun_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    asrun_id: Mapped[int] = mapped_column(ForeignKey("asrun.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(Line(10))
    reason: Mapped[str] = mapped_column(Line(300), default="")
    source: Mapped[str] = mapped_column(Line(20))
    reported_by: Mapped[str | None] = mapped_column(Line(80))
    reported_at: Mapped[dt.datetime] = mapped_column(DateTime)
    replaced_by: Mapped[str | None] = mapped_column(Line(80))
    replaced_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class LoginFailure(Base):
    """One failed sign-in under one throttle key (a digest of account and/or address), kept in the
    database so that every web worker counts the same failures and a restart forgets none."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key_sha256", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_sha256: Mapped[str] = mapped_column(Line(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class DownloadToken(Base):
    """A revocable link that lets a station download its bundles without a password."""

    __tablename__ = "download_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(Line(64), unique=True)  # the token itself is not kept
    label: Mapped[str] = mapped_column(Line(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Job(Base):
    """A long piece of work (plan, render, import) with its progress; lock_key keeps one at a time."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(Line(20))  # plan | render | replan | import
    month: Mapped[str | None] = mapped_column(Line(7))
    scope: Mapped[str] = mapped_column(Line(40), default="province")
    lock_key: Mapped[str | None] = mapped_column(Line(120), unique=True)  # NULL once finished
    status: Mapped[str] = mapped_column(Line(10), default="queued")  # queued|running|done|failed
    progress: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    pid: Mapped[int | None] = mapped_column(Integer)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_by: Mapped[str | None] = mapped_column(Line(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

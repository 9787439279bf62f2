"""Settings: every default lives here; environment variables and CLI options override them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_DB_FILE = "radio-sched.db"
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # radio_sched/
REPO_DIR = PACKAGE_DIR.parent  # templates/ and audio_library/ live beside the package
DATA_DIR = PACKAGE_DIR / "data"  # presets: divisions and plan rules
TEMPLATES_DIR = REPO_DIR / "templates"
GUIDE_DIR = REPO_DIR / "docs" / "huong-dan"  # the user guide, Markdown, served by the web app


@dataclass(frozen=True)
class AudioSettings:
    """How segments are normalised and sessions encoded (the plan file may override the loudness)."""

    loudness_lufs: float = -23.0  # QCVN 115:2017/BTTTT, after EBU R128
    true_peak_dbtp: float = -1.0
    bitrate: str = "64k"  # mono MP3 that an IP speaker fetches over 4G
    sample_rate: int = 44100
    channels: int = 1
    max_segment_s: float = 3600.0  # longer files are refused as absurd
    min_segment_s: float = 1.0
    silence_threshold_dbfs: float = -50.0


@dataclass(frozen=True)
class Settings:
    """Where things are and how users read them."""

    db_url: str = f"sqlite:///{DEFAULT_DB_FILE}"
    library_root: Path = Path("audio_library")
    schedules_root: Path = Path("schedules")
    lang: str = "vi"
    debug: bool = False
    audio: AudioSettings = field(default_factory=AudioSettings)

    def with_(self, **changes) -> "Settings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def from_env(env: dict[str, str] | None = None) -> Settings:
    """Settings from RADIO_SCHED_* environment variables over the defaults."""
    env = os.environ if env is None else env
    s = Settings()
    return s.with_(
        db_url=env.get("RADIO_SCHED_DB") or None,
        library_root=Path(env["RADIO_SCHED_LIBRARY"]) if env.get("RADIO_SCHED_LIBRARY") else None,
        schedules_root=Path(env["RADIO_SCHED_SCHEDULES"]) if env.get("RADIO_SCHED_SCHEDULES") else None,
        lang=env.get("RADIO_SCHED_LANG") or None,
    )


def normalize_db_url(value: str) -> str:
    """Accept a bare file path as a SQLite database, any SQLAlchemy URL otherwise."""
    if "://" in value:
        return value
    return f"sqlite:///{value}"


@dataclass(frozen=True)
class WebSettings:
    """Defaults of the web app and its background jobs (environment variables override some)."""

    max_upload_mb: int = 512  # an hour of stereo WAV is ~600 MB; MP3 originals are far smaller
    max_form_kb: int = 512  # the text fields of any form (MAX_FORM_MEMORY_SIZE)
    max_asrun_kb: int = 1024  # a whole as-run request: form, CSV file or API body
    max_asrun_rows: int = 5000  # reports in one as-run request (a district's month is ~3000)
    max_login_kb: int = 16
    max_upload_files: int = 100  # audio files in one segment upload
    session_hours: int = 12
    min_password_len: int = 8
    job_heartbeat_s: float = 10.0
    job_stale_s: float = 120.0  # a running job silent this long is taken as dead and unlocked
    job_progress_every_s: float = 0.5  # at most this often a job writes its progress
    download_max_age_s: int = 0  # bundles change by version; browsers revalidate with the ETag
    login_failures_per_account: int = 5  # failed sign-ins for one account from one address ...
    login_failures_per_user: int = 50  # ... or for one account from any address ...
    login_failures_per_address: int = 300  # ... or from one address (a 4G carrier's NAT) ...
    login_window_s: int = 900  # ... within this window, then sign-in waits (HTTP 429)


DB_WAIT_S = 30.0  # how long a writer waits for another one to finish before it says so


def db_wait_s(env: dict[str, str] | None = None) -> float:
    """Seconds a statement waits for a lock another writer holds (RADIO_SCHED_DB_WAIT_S)."""
    env = os.environ if env is None else env
    try:
        return max(0.0, float(env.get("RADIO_SCHED_DB_WAIT_S") or DB_WAIT_S))
    except ValueError:
        return DB_WAIT_S


TIMEZONE = "Asia/Ho_Chi_Minh"  # the stations' clock: what "today" means for reports and pages


def local_today(tz: str | None = None, *, now=None):
    """Today's date where the stations are (a server on UTC is 7 hours behind Vietnam's mornings);
    `now`, an aware datetime, stands for the clock."""
    return local_now(tz, now=now).date()


def local_now(tz: str | None = None, *, now=None):
    """The stations' wall clock as an aware datetime (`now`, an aware datetime, stands for it)."""
    import datetime as dt

    name = tz or os.environ.get("RADIO_SCHED_TIMEZONE") or TIMEZONE
    try:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(name)
    except Exception:  # noqa: BLE001 - no tz database: Vietnam has kept UTC+7 without DST since 1975
        zone = dt.timezone(dt.timedelta(hours=7))
    return now.astimezone(zone) if now is not None else dt.datetime.now(zone)


def as_local(moment, tz: str | None = None):
    """A stored moment (naive UTC, as the database keeps it) on the stations' wall clock."""
    import datetime as dt

    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)
    return local_now(tz, now=aware)


@dataclass(frozen=True)
class SchedulerWeights:
    """Objective weights per unit. An obligation airing is raised above the sum of all the rest
    (the model builder checks and raises it if needed), so a wish never costs an obligation."""

    obligation: int = 100_000  # per airing this month owes and does not get (a shortfall)
    finish: int = 1_000  # per airing a window could still get next month, not done now
    change: int = 200  # per session changed from the reference version (re-planning)
    soft_rule: int = 50  # per airing missing from a soft rule (the standing column)
    prefer: int = 10  # per airing outside the rule's preferred sessions
    spread: int = 5  # per airing beyond the first of one kind on one day
    item: int = 1  # per item, so that schedules stay lean unless something asks for more


@dataclass(frozen=True)
class SchedulerSettings:
    """How the scheduler solves: deterministic limits, not wall-clock ones, so results repeat."""

    deterministic_time_s: float = 10.0  # CP-SAT deterministic seconds per distinct station problem
    workers: int = 1  # CP-SAT workers per problem; distinct problems run in parallel over jobs
    seed: int = 0
    weights: SchedulerWeights = field(default_factory=SchedulerWeights)

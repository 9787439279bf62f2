"""radio-sched serve, users and tokens: the web app, its accounts and password-free download links."""

from __future__ import annotations

import sys

import click

from ..core.db import require_current
from ..reference.divisions import station_by_code
from ..core.i18n import tr
from ..access.tokens import create_token, list_tokens, revoke_token, station_codes
from ..access.users import ROLE_NAMES, ROLES, add_user, list_users, set_active, set_password
from .common import FORMATS, AppContext, emit, pass_app


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@pass_app
def serve_cmd(app: AppContext, host: str, port: int) -> None:
    """Run the web app on Flask's development server (local use; see docs/web.md for production)."""
    from ..web import create_app

    require_current(app.settings.db_url)
    web = create_app({"SETTINGS": app.settings})
    click.echo(tr("Serving on http://{h}:{p}/ (development server: for production run a WSGI "
                  "server such as gunicorn or waitress). Ctrl+C stops it.",
                  "Đang phục vụ tại http://{h}:{p}/ (máy chủ thử nghiệm: khi dùng thật hãy chạy một "
                  "máy chủ WSGI như gunicorn hoặc waitress). Nhấn Ctrl+C để dừng.", h=host, p=port),
               err=True)
    web.run(host=host, port=port, threaded=True, debug=False, use_reloader=False)


@click.group("users")
def users_group() -> None:
    """Accounts of the web app."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(tr("Password", "Mật khẩu"), hide_input=True, confirmation_prompt=True)


@users_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(sorted(ROLES)), required=True,
              help="department (scope province), district (district:<code>) or station "
                   "(commune:<code>).")
@click.option("--scope", "scope_text", help="province, district:<code> or commune:<code> "
              "(names work too: district:Hương Sơn) [default for department: province].")
@click.option("--name", "display_name", default="", help="The person's name as pages show it.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of "
              "standard input instead of asking.")
@pass_app
def users_add(app: AppContext, username, role, scope_text, display_name, password_stdin) -> None:
    """Create an account."""
    if scope_text is None:
        if role != "department":
            raise click.UsageError(tr("--scope is required for a {r} account",
                                      "tài khoản {r} cần có --scope", r=role))
        scope_text = "province"
    password = _read_password(password_stdin)
    with app.session() as session:
        user = add_user(session, username, password, role, scope_text, display_name=display_name)
        name, scope, role_name = user.username, user.scope, ROLE_NAMES[role]
    click.echo(tr("Added {role} account '{u}' for {s}.", "Đã thêm tài khoản {role} '{u}' cho {s}.",
                  role=role_name, u=name, s=scope))


@users_group.command("list")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_app
def users_list(app: AppContext, fmt) -> None:
    """List accounts."""
    with app.session() as session:
        rows = [(u.username, u.display_name, u.role, u.scope,
                 tr("yes", "có") if u.active else tr("no", "không"),
                 u.created_at.strftime("%Y-%m-%d")) for u in list_users(session)]
    emit(rows, [tr("user", "tên đăng nhập"), tr("name", "họ tên"), tr("role", "vai trò"),
                tr("scope", "phạm vi"), tr("active", "hoạt động"), tr("created", "ngày tạo")],
         fmt, keys=["username", "name", "role", "scope", "active", "created"])


@users_group.command("disable")
@click.argument("username")
@pass_app
def users_disable(app: AppContext, username) -> None:
    """Stop an account from signing in; its open sessions end at once."""
    with app.session() as session:
        name = set_active(session, username, False).username
    click.echo(tr("Disabled '{u}'.", "Đã khóa tài khoản '{u}'.", u=name))


@users_group.command("enable")
@click.argument("username")
@pass_app
def users_enable(app: AppContext, username) -> None:
    """Let a disabled account sign in again."""
    with app.session() as session:
        name = set_active(session, username, True).username
    click.echo(tr("Enabled '{u}'.", "Đã mở lại tài khoản '{u}'.", u=name))


@users_group.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
@pass_app
def users_passwd(app: AppContext, username, password_stdin) -> None:
    """Set a new password; sessions signed in with the old one end."""
    password = _read_password(password_stdin)
    with app.session() as session:
        name = set_password(session, username, password).username
    click.echo(tr("New password set for '{u}'.", "Đã đặt mật khẩu mới cho '{u}'.", u=name))


@click.group("tokens")
def tokens_group() -> None:
    """Password-free download links for stations."""


@tokens_group.command("create")
@click.option("--station", "station_code", required=True, metavar="CODE", help="The station (commune code).")
@click.option("--label", default="", help="Whose link it is, e.g. the operator's phone.")
@click.option("--base-url", default="http://127.0.0.1:8080", show_default=True,
              help="The site's address as stations reach it.")
@pass_app
def tokens_create(app: AppContext, station_code, label, base_url) -> None:
    """Make a link; it is printed once and only its hash is kept."""
    with app.session() as session:
        station = station_by_code(session, station_code)
        row, token = create_token(session, station, label)
        number, name = row.id, station.name
    click.echo(tr("Link {n} for {s} (keep it private; it is shown only now):",
                  "Đường dẫn số {n} cho {s} (giữ kín; chỉ hiện lần này):", n=number, s=name), err=True)
    click.echo(f"{base_url.rstrip('/')}/d/{token}/")


@tokens_group.command("list")
@click.option("--station", "station_code", metavar="CODE", help="Only this station's links.")
@click.option("--all", "show_all", is_flag=True, help="Revoked links too.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_app
def tokens_list(app: AppContext, station_code, show_all, fmt) -> None:
    """List links (never the tokens themselves, which are not kept)."""
    with app.session() as session:
        station = station_by_code(session, station_code) if station_code else None
        tokens = list_tokens(session, station, include_revoked=show_all)
        codes = station_codes(session, tokens)
        rows = [(t.id, codes.get(t.station_id, "?"), t.label, t.created_at.strftime("%Y-%m-%d"),
                 t.revoked_at.strftime("%Y-%m-%d") if t.revoked_at else "") for t in tokens]
    emit(rows, [tr("number", "số"), tr("station", "đài"), tr("label", "ghi chú"),
                tr("created", "ngày tạo"), tr("revoked", "ngày thu hồi")], fmt,
         keys=["id", "station", "label", "created", "revoked"])


@tokens_group.command("revoke")
@click.argument("number", type=int)
@pass_app
def tokens_revoke(app: AppContext, number) -> None:
    """End a link for good."""
    with app.session() as session:
        revoke_token(session, number)
    click.echo(tr("Link {n} revoked.", "Đã thu hồi đường dẫn số {n}.", n=number))


def register(cli: click.Group) -> None:
    for command in (serve_cmd, users_group, tokens_group):
        cli.add_command(command)

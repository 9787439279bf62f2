"""radio-sched users and tokens through click's CliRunner; serve's refusal on an empty database."""

from click.testing import CliRunner

from radio_sched.cli import cli
from radio_sched.core.db import session_scope
from radio_sched.access.tokens import resolve_token
from radio_sched.access.users import authenticate


def test_users_add_list_disable(runner, tiny, db_url):
    r = runner(["users", "add", "huongson", "--role", "district", "--scope", "district:Hương Sơn",
                "--name", "Chị Hoa", "--password-stdin"], input="mật khẩu dài\n")
    assert r.exit_code == 0, r.output
    assert "Đã thêm tài khoản trung tâm huyện 'huongson' cho district:440." in r.output
    r = runner(["users", "add", "so", "--role", "department"], input="12345678\n12345678\n")
    assert r.exit_code == 1 and "mật khẩu này thuộc loại phổ biến nhất" in r.output
    r = runner(["users", "add", "so", "--role", "department"],
               input="ba con mèo nhỏ\nba con mèo nhỏ\n")
    assert r.exit_code == 0, r.output
    r = runner(["--lang", "en", "users", "list", "--format", "csv"])
    lines = r.output.strip().splitlines()
    assert lines[0] == "username,name,role,scope,active,created"
    assert lines[1].startswith("so,,department,province,yes,")
    assert lines[2].startswith("huongson,Chị Hoa,district,district:440,yes,")
    r = runner(["users", "disable", "huongson"])
    assert r.exit_code == 0 and "Đã khóa tài khoản 'huongson'." in r.output
    with session_scope(db_url) as s:
        assert authenticate(s, "huongson", "mật khẩu dài") is None
    runner(["users", "enable", "huongson"])
    runner(["users", "passwd", "huongson", "--password-stdin"], input="mật khẩu mới nè\n")
    with session_scope(db_url) as s:
        assert authenticate(s, "huongson", "mật khẩu mới nè") is not None


def test_users_add_errors_are_one_clear_line(runner, tiny):
    r = runner(["users", "add", "xy", "--role", "station", "--scope", "commune:18073",
                "--password-stdin"], input="short\n")
    assert r.exit_code == 1 and r.output.startswith("Lỗi: ") and "ít nhất 8" in r.output
    assert "Traceback" not in r.output
    r = runner(["users", "add", "x", "--role", "station", "--password-stdin"], input="12345678\n")
    assert r.exit_code == 2 and "cần có --scope" in r.output
    r = runner(["users", "disable", "ghost"])
    assert r.exit_code == 1 and "không có người dùng 'ghost'" in r.output


def test_tokens_create_list_revoke(runner, tiny, db_url):
    r = runner(["tokens", "create", "--station", "18073", "--label", "anh Ba",
                "--base-url", "https://radio.example.vn/"])
    assert r.exit_code == 0, r.output
    link = r.stdout.strip().splitlines()[-1]
    assert link.startswith("https://radio.example.vn/d/") and link.endswith("/")
    token = link.split("/d/")[1].strip("/")
    with session_scope(db_url) as s:
        assert resolve_token(s, token) is not None
    r = runner(["tokens", "list", "--format", "csv"])
    assert r.output.strip().splitlines()[1].startswith("1,18073,anh Ba,")
    assert token not in r.output
    assert runner(["tokens", "revoke", "1"]).exit_code == 0
    assert runner(["tokens", "list", "--format", "csv"]).output.strip().count("\n") == 0
    assert "1,18073,anh Ba" in runner(["tokens", "list", "--all", "--format", "csv"]).output
    with session_scope(db_url) as s:
        assert resolve_token(s, token) is None
    r = runner(["tokens", "create", "--station", "99999"])
    assert r.exit_code == 1 and "không có đài nào mã 99999" in r.output


def test_serve_refuses_an_empty_database(tmp_path):
    r = CliRunner().invoke(cli, ["--db", str(tmp_path / "none.db"), "serve"])
    assert r.exit_code == 1 and "radio-sched init" in r.output

"""The CLI through click's CliRunner: init, listing, imports, and how errors reach the user."""

from click.testing import CliRunner

from radio_sched.cli import cli

from .helpers import TINY_DIVISIONS, write


def run(*args, **kw):
    return CliRunner().invoke(cli, list(args), **kw)


def test_init_preset_then_list(tmp_path):
    db = str(tmp_path / "x.db")
    res = run("--db", db, "init", "--preset", "ha-tinh-2024")
    assert res.exit_code == 0, res.output
    assert "210" in res.output
    res = run("--db", db, "stations", "list")
    assert res.exit_code == 0
    assert res.output.strip().splitlines()[-1] == "210 đài trong 12 huyện"
    res = run("--db", db, "--lang", "en", "stations", "list", "--district", "436", "--format", "csv")
    lines = res.output.strip().splitlines()
    assert lines[0] == "code,name,district,district_name,kind,valid_from,valid_until"
    assert lines[1].startswith("18073,Phường Nam Hà,436,Thành phố Hà Tĩnh")
    # the default database is a file in the working folder
    res = run("init", "--preset", "ha-tinh-2025")
    assert res.exit_code == 0 and (tmp_path / "radio-sched.db").exists()
    res = run("stations", "list")
    assert "69 đài, không có cấp huyện" in res.output


def test_env_var_chooses_the_database(tmp_path):
    db = tmp_path / "env.db"
    res = run("init", "--divisions", str(write(tmp_path / "d.csv", TINY_DIVISIONS)),
              env={"RADIO_SCHED_DB": f"sqlite:///{db}"})
    assert res.exit_code == 0, res.output
    assert db.exists()


def test_uninitialised_database_is_a_clear_error(tmp_path):
    res = run("--db", str(tmp_path / "none.db"), "stations", "list")
    assert res.exit_code == 1
    assert "radio-sched init" in res.output and "Traceback" not in res.output


def test_bad_import_exits_nonzero_with_located_message(runner, tmp_path):
    runner(["init", "--divisions", str(write(tmp_path / "d.csv", TINY_DIVISIONS))])
    res = runner(["sessions", "import", str(write(tmp_path / "s.csv",
                                                  "scope,session,start,weekdays,capacity_s\n"
                                                  "province,sáng,5h30,daily,600\n"))])
    assert res.exit_code == 1
    assert "s.csv, dòng 2, cột 'start'" in res.output
    assert "Traceback" not in res.output
    res = runner(["sessions", "list", "--format", "json"])
    assert res.output.strip() == "[]"


def test_imports_and_lists(runner, tmp_path):
    runner(["init", "--divisions", str(write(tmp_path / "d.csv", TINY_DIVISIONS))])
    res = runner(["sessions", "import", str(write(tmp_path / "s.csv",
                                                  "scope,session,start,weekdays,capacity_s\n"
                                                  "province,sáng,05:30,daily,600\n"
                                                  "district:440,sáng,05:00,mon-sat,300\n"))])
    assert res.exit_code == 0 and "thêm 2 buổi" in res.output
    res = runner(["sessions", "list", "--district", "436"])
    assert "district:440" not in res.output and "province" in res.output
    res = runner(["blackouts", "import", "--holidays", "2024"])
    assert res.exit_code == 0, res.output
    res = runner(["blackouts", "list", "--month", "2024-09", "--format", "csv"])
    assert "2024-09-02" in res.output and "Quốc khánh" in res.output


def test_unexpected_errors_hide_the_traceback_unless_debug(runner, db_url, monkeypatch):
    import radio_sched.cli.stations as stations_cli

    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(stations_cli, "stations_in", boom)
    res = runner(["stations", "list"])
    assert res.exit_code == 70
    assert "disk on fire" in res.output and "--debug" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(cli, ["--db", db_url, "--debug", "stations", "list"])
    assert isinstance(res.exception, RuntimeError)  # --debug lets the traceback through

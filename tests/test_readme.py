"""The README's command reference is the CLI's own --help (regenerate: python -m radio_sched.cli.reference)."""

from pathlib import Path

from radio_sched.cli.reference import updated_readme

README = Path(__file__).resolve().parents[1] / "README.md"


def test_cli_reference_in_readme_is_current():
    text = README.read_text(encoding="utf-8")
    assert updated_readme(text) == text, "run: python -m radio_sched.cli.reference"


def test_readme_first_screen_gives_the_two_commands():
    first_screen = "\n".join(README.read_text(encoding="utf-8").splitlines()[:40])
    assert "bash scripts/demo.sh" in first_screen and "bash scripts/test.sh" in first_screen

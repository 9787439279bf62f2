"""Errors a user may meet: each says what went wrong and where, in the user's language."""

from __future__ import annotations

from .i18n import M, Msg


class RadioSchedError(Exception):
    """Base of every error the program expects; the CLI and web show its message, not a traceback."""

    exit_code = 1

    def __init__(self, message: Msg | str):
        self.message = message
        super().__init__(str(message))

    def __str__(self) -> str:
        return str(self.message)


class UserError(RadioSchedError):
    """The user asked for something that cannot be done as asked."""


class NotFound(UserError):
    """Something named by the user does not exist."""


class Conflict(UserError):
    """Another job holds what this one needs; try again later."""

    exit_code = 3


class Busy(Conflict):
    """Another program held the database longer than we wait; nothing was changed."""


class InputError(UserError):
    """One bad value in a file the user gave: names file, line and column and says what was expected."""

    def __init__(self, file: str, line: int | None, column: str | None, problem: Msg | str):
        self.file, self.line, self.column, self.problem = file, line, column, problem
        super().__init__(self._compose())

    def _compose(self) -> Msg:
        where_en, where_vi = str(self.file), str(self.file)
        if self.line is not None:
            where_en += f", line {self.line}"
            where_vi += f", dòng {self.line}"
        if self.column:
            where_en += f", column '{self.column}'"
            where_vi += f", cột '{self.column}'"
        return M("{where_en}: {problem}", "{where_vi}: {problem}", where_en=where_en,
                 where_vi=where_vi, problem=self.problem)


class InputErrors(UserError):
    """All the bad values found in one file; nothing was imported."""

    MAX_SHOWN = 20

    def __init__(self, file: str, errors: list[InputError]):
        self.file, self.errors = file, errors
        shown = [e.message for e in errors[: self.MAX_SHOWN]]
        more = len(errors) - self.MAX_SHOWN
        extra_en = f"\n  ... and {more} more" if more > 0 else ""
        extra_vi = f"\n  ... và {more} lỗi khác" if more > 0 else ""
        super().__init__(M(
            "{file}: {n} error(s); nothing was imported:\n{shown}{extra_en}",
            "{file}: {n} lỗi; không nhập dữ liệu nào:\n{shown}{extra_vi}",
            file=file, n=len(errors), shown=shown, extra_en=extra_en, extra_vi=extra_vi))


class FormErrors(UserError):
    """Every bad field of one form or command, at once: (field, problem) pairs, each problem worded
    without the field's name, so that the command line names its option (`flags`) and a page
    names the field by the label it shows (`worded`)."""

    def __init__(self, problems: list[tuple[str, Msg]], flags: dict[str, str] | None = None):
        self.problems, self.flags = list(problems), dict(flags or {})
        super().__init__(self.worded({k: self.flags.get(k, k) for k, _p in self.problems}))

    def worded(self, labels: dict[str, Msg | str]) -> Msg:
        """The problems one a line, each after its field's label ('Số ngày: từ 1 đến 93…')."""
        lines = [M("{f}: {p}", "{f}: {p}", f=labels.get(k, k), p=p) for k, p in self.problems]
        if len(lines) == 1:
            return lines[0]
        return M("{n} problems:\n{lines}", "{n} lỗi:\n{lines}", n=len(lines), lines=lines)

    def fields(self) -> set[str]:
        return {k for k, _p in self.problems}


def raise_problems(problems: list[tuple[str, Msg]], flags: dict[str, str] | None = None) -> None:
    """FormErrors for the problems found, if any."""
    if problems:
        raise FormErrors(problems, flags)

"""Which passwords an account may have: long enough, not common, not trivial, not its own name."""

from __future__ import annotations

import functools
import string

from ..core.config import DATA_DIR, WebSettings
from ..core.errors import UserError
from ..core.i18n import M, Msg

_RUNS = (string.digits + string.digits, string.ascii_lowercase, "qwertyuiopasdfghjklzxcvbnm",
         string.digits[::-1] + string.digits[::-1], string.ascii_lowercase[::-1])


@functools.lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The committed list (radio_sched/data/common_passwords.txt), lower case, no spaces."""
    lines = (DATA_DIR / "common_passwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(_key(x) for x in lines if x.strip() and not x.startswith("#"))


def _key(password: str) -> str:
    return "".join(password.split()).casefold()


def password_problem(password: str, username: str = "",
                     settings: WebSettings = WebSettings()) -> Msg | None:
    """Why this password is refused (bilingual), or None if it will do."""
    if len(password) < settings.min_password_len:
        return M("the password must have at least {n} characters",
                 "mật khẩu phải có ít nhất {n} ký tự", n=settings.min_password_len)
    key = _key(password)
    if len(set(key)) <= 2:
        return M("the password is one or two characters repeated (or only spaces); choose a "
                 "phrase of several words",
                 "mật khẩu chỉ là một hai ký tự lặp lại (hoặc toàn dấu cách); hãy chọn một câu "
                 "gồm vài từ")
    if any(key in run for run in _RUNS) or key in common_passwords() or (
            key.rstrip(string.digits + "!@#.") in common_passwords()):
        return M("the password is one of the most common ones and is guessed first; choose a "
                 "phrase of several words",
                 "mật khẩu này thuộc loại phổ biến nhất, bị đoán ra đầu tiên; hãy chọn một câu "
                 "gồm vài từ")
    name = _key(username)
    if name and (name == key or (len(name) >= 3 and name in key) or key in name):
        return M("the password must not contain the user name",
                 "mật khẩu không được chứa tên đăng nhập")
    return None


def check_password(password: str, username: str = "",
                   settings: WebSettings = WebSettings()) -> None:
    problem = password_problem(password, username, settings)
    if problem is not None:
        raise UserError(problem)

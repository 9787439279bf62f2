"""Errors as people meet them: a page or the API's JSON in the user's language, never a traceback."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, RequestedRangeNotSatisfiable

from ..core.db import as_busy
from ..core.errors import Conflict, NotFound, RadioSchedError
from ..core.i18n import M, Msg

log = logging.getLogger(__name__)
csrf = CSRFProtect()

_ERRORS = {
    400: M("The request cannot be understood.", "Yêu cầu không hợp lệ."),
    401: M("Sign in first.", "Hãy đăng nhập trước."),
    403: M("You may not see this page: it belongs to another station, district or role.",
           "Bạn không có quyền xem trang này: trang thuộc đài, huyện hoặc vai trò khác."),
    404: M("There is no such page or file.", "Không có trang hoặc tệp này."),
    405: M("This address does not take that kind of request.", "Địa chỉ này không nhận yêu cầu đó."),
    413: M("The upload is larger than {mb} MB.", "Tệp tải lên lớn hơn {mb} MB."),
    500: M("Something went wrong on the server; the error is logged.",
           "Máy chủ gặp lỗi; lỗi đã được ghi lại."),
}


def _render_msg(value: Any) -> str:
    return value.render() if isinstance(value, Msg) else str(value)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: Msg | str) -> Response:
    """The error as JSON for the API, else as a page, in the user's language; never a traceback."""
    text = _render_msg(message)
    if wants_json():
        resp = jsonify({"error": text, "status": status})
    else:
        resp = make_response(render_template("error.html", status=status, message=text))
    resp.status_code = status
    return resp


def register_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return error_response(400, M(
            "The form has expired or did not come from this site ({why}); reload the page and try "
            "again.", "Biểu mẫu đã hết hạn hoặc không gửi từ trang này ({why}); hãy tải lại trang và "
            "thử lại.", why=exc.description))

    @app.errorhandler(RequestedRangeNotSatisfiable)
    def _range(exc):
        return exc  # keeps its Content-Range: bytes */size

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if exc.code in _ERRORS:
            msg = _ERRORS[exc.code]
            if exc.code == 413:
                limit = request.max_content_length or app.config["MAX_CONTENT_LENGTH"]
                msg = M(msg.en, msg.vi, mb=f"{limit / 1048576:g}")
            resp = error_response(exc.code, msg)
            if exc.code == 401:
                resp.headers["WWW-Authenticate"] = 'Bearer realm="radio-sched"'
            return resp
        return exc

    @app.errorhandler(RadioSchedError)
    def _user_error(exc: RadioSchedError):
        status = 404 if isinstance(exc, NotFound) else 409 if isinstance(exc, Conflict) else 400
        return error_response(status, exc.message)

    @app.errorhandler(Exception)
    def _internal(exc: Exception):
        busy = as_busy(exc)  # another writer held the database too long: say so, not "error"
        if busy is not None:
            log.warning("database busy on %s %s: %s", request.method, request.path, exc)
            if g.get("db") is not None:
                g.db.rollback()  # the page below reads the user through the same session
            resp = error_response(503, busy.message)
            resp.headers["Retry-After"] = "30"
            return resp
        if app.testing and not app.config.get("INTERNAL_ERROR_PAGE"):
            raise exc  # tests see the real failure
        log.exception("internal error on %s %s", request.method, request.path)
        return error_response(500, _ERRORS[500])

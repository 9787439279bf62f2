"""Month (or report period) navigation: the links to the period before and after, for every page."""

from __future__ import annotations

from typing import Any

from flask import url_for

from ..core.periods import Period, adjacent, period_phrase


def period_links(period: Period, endpoint: str, key: str = "month", **args: Any) -> dict:
    """{"prev": (label, url), "next": (label, url)} for a page at endpoint whose period argument
    is `key`; other arguments (a code, ?district=) stay as they are."""
    before, after = adjacent(period)
    return {"prev": (period_phrase(before), url_for(endpoint, **{**args, key: before})),
            "next": (period_phrase(after), url_for(endpoint, **{**args, key: after})),
            "this": period_phrase(period.label)}

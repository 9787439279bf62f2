"""Month (or report period) navigation: the links to the period before and after, for every page."""

from __future__ import annotations

from typing import Any

from flask import url_for

from ..core.periods import Period, adjacent


def period_links(period: Period, endpoint: str, key: str = "month", **args: Any) -> dict:
    """{"prev": (label, url), "next": (label, url)} for a page at endpoint whose period argument
    is `key`; other arguments (a code, ?district=) stay as they are."""
    before, after = adjacent(period)
    return {"prev": (before, url_for(endpoint, **{**args, key: before})),
            "next": (after, url_for(endpoint, **{**args, key: after}))}

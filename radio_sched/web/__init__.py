"""The web app: `create_app()` for a WSGI server, one blueprint per audience."""

from .app import create_app

__all__ = ["create_app"]

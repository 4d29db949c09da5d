"""REST API (FastAPI) — thin: parse, call a service, serialise. ``create_app()`` builds the server."""

from qiankua.api.app import API_PREFIX, Settings, create_app

__all__ = ["API_PREFIX", "Settings", "create_app"]

"""``python -m qiankua.api [--host H] [--port P] [--multi-user] [--home DIR] [--db FILE]``.

The same server as ``qiankua serve``, without the Typer CLI (used by the browser tests and the
load benchmark, so that they start exactly this app).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from qiankua.api.app import Settings, serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m qiankua.api", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--multi-user", action="store_true")
    parser.add_argument("--home", type=Path)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--no-ui", action="store_true", help="REST API only (no NiceGUI pages)")
    args = parser.parse_args(argv)
    serve(Settings(multi_user=args.multi_user, home=args.home, db=args.db, ui=not args.no_ui), args.host, args.port)


if __name__ == "__main__":
    main()

"""The read-only search site for CPOs: `recueil serve`.

Server-rendered French pages over the same library calls as the CLI
(``run_search``, ``similar``, the catalogue's reads), one module per kind of
page (``home``, ``results``, ``document``, ``themes``, ``health``) on a shared
base (``base``); every page's JSON answer comes from the same function as its
HTML. Pages work without JavaScript; the templates and the style sheet ship
inside the package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from recueil.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from recueil.web.app import create_app

        return create_app
    raise AttributeError(f"module 'recueil.web' has no attribute {name!r}")

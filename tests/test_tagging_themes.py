"""Theme data: the built-in file, and errors that name the line and the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recueil.config import resolve_settings
from recueil.errors import ThemeDataError
from recueil.tagging.themes import load_themes, parse_themes

GOOD = """{
  "version": 1,
  "threshold": 0.4,
  "common_terms": ["quartier"],
  "themes": [
    {
      "code": "petite-enfance",
      "label": "Petite enfance",
      "terms": ["crèche", "petite enfance"],
      "acronyms": {"PMI": "protection maternelle et infantile"}
    },
    {
      "code": "sante",
      "label": "Santé",
      "terms": ["santé"]
    }
  ]
}
"""


def test_builtin_themes_are_the_eleven_national_themes() -> None:
    themes = load_themes()
    assert len(themes.themes) == 11
    assert themes.codes[0] == "petite-enfance" and themes.codes[-1] == "gouvernance"
    assert themes.get("reussite-scolaire") is not None
    assert themes.get("reussite-scolaire").acronyms["PRE"] == "programme de réussite éducative"  # type: ignore[union-attr]
    assert 0 < themes.threshold < 1
    assert len(themes.digest) == 64


def test_theme_file_from_settings_replaces_builtin(tmp_path: Path) -> None:
    path = tmp_path / "themes.json"
    path.write_text(GOOD, encoding="utf-8")
    settings = resolve_settings(home=tmp_path, theme_file=path)
    themes = load_themes(settings)
    assert themes.codes == ["petite-enfance", "sante"]
    assert themes.threshold == 0.4
    assert themes.source == str(path)
    # <home>/themes.json is picked up without any option
    assert load_themes(resolve_settings(home=tmp_path)).codes == ["petite-enfance", "sante"]


def test_digest_follows_the_content() -> None:
    one = parse_themes(GOOD, None)
    two = parse_themes(GOOD.replace('"santé"]', '"santé", "bien-être"]'), None)
    assert one.digest != two.digest
    assert parse_themes(GOOD, None).digest == one.digest


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        # syntax error: the parser's line and column
        (GOOD.replace('"Santé",', '"Santé"'), r"line 15, column 7: invalid JSON"),
        # schema errors: line, theme and field
        (
            GOOD.replace('"code": "sante"', '"code": "Santé!"'),
            r"line 13, theme #2 \(Santé!\), field 'code'",
        ),
        (
            GOOD.replace('"terms": ["santé"]', '"terms": "santé"'),
            r"line 15, theme #2 \(sante\), field 'terms'",
        ),
        (
            GOOD.replace('"label": "Santé",', '"labell": "Santé",'),
            r"line 14, theme #2 \(sante\), field 'labell': unknown field",
        ),
        (
            GOOD.replace('"label": "Petite enfance",', '"label": "",'),
            r"line 8, theme #1 \(petite-enfance\), field 'label'",
        ),
        (
            GOOD.replace('{"PMI": "protection maternelle et infantile"}', '["PMI"]'),
            r"line 10, theme #1 \(petite-enfance\), field 'acronyms'",
        ),
        (GOOD.replace('"threshold": 0.4', '"threshold": 4'), r"line 3, field 'threshold'"),
        (
            GOOD.replace('"version": 1', '"version": 2'),
            r"line 2, field 'version': unsupported version 2",
        ),
        (
            GOOD.replace('"code": "sante"', '"code": "petite-enfance"'),
            r"line 13, theme #2 \(petite-enfance\), field 'code': duplicate",
        ),
    ],
)
def test_theme_file_errors_name_line_and_field(tmp_path: Path, broken: str, expected: str) -> None:
    path = tmp_path / "themes.json"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ThemeDataError, match=expected) as info:
        load_themes(resolve_settings(home=tmp_path, theme_file=path))
    assert str(path) in info.value.message
    assert info.value.code == "E200" and info.value.hint


def test_unreadable_theme_file(tmp_path: Path) -> None:
    with pytest.raises(ThemeDataError, match="cannot read"):
        load_themes(resolve_settings(home=tmp_path, theme_file=tmp_path / "absent.json"))


def test_builtin_file_is_valid_json_with_terms_for_every_theme() -> None:
    themes = load_themes()
    for theme in themes.themes:
        assert theme.label and theme.description
        assert len(theme.all_terms()) >= 10, theme.code
    raw = json.loads(
        Path(__file__).parent.parent.joinpath("src/recueil/data/themes.json").read_text("utf-8")
    )
    assert raw["version"] == 1

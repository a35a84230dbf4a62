"""French dates: day first, accents, weekdays, ranges, years from context, main date."""

from __future__ import annotations

import datetime as dt

import pytest

from recueil.tagging.dates import choose_main_date, collect_dates, dates_in_text, parse_hint

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Le 9 juin 2022 se déroulait la 6e rencontre", [(D(2022, 6, 9), "day", "9 juin 2022")]),
        ("Lundi 21 novembre 2022 - 11:15", [(D(2022, 11, 21), "day", "Lundi 21 novembre 2022")]),
        ("réunion du 09/06/2022 à Lille", [(D(2022, 6, 9), "day", "09/06/2022")]),
        ("modifié le 20/02/2023", [(D(2023, 2, 20), "day", "20/02/2023")]),
        ("le 1er décembre 2021", [(D(2021, 12, 1), "day", "1er décembre 2021")]),
        ("le 3 fevrier 2020 (sans accent)", [(D(2020, 2, 3), "day", "3 fevrier 2020")]),
        ("le 12 févr. 2021", [(D(2021, 2, 12), "day", "12 févr. 2021")]),
        ("le 15 AOÛT 2023", [(D(2023, 8, 15), "day", "15 AOÛT 2023")]),
        ("publié le 2021-03-04", [(D(2021, 3, 4), "day", "2021-03-04")]),
        ("le 5.10.2021", [(D(2021, 10, 5), "day", "5.10.2021")]),
        ("en septembre 2021, puis", [(D(2021, 9, 1), "month", "septembre 2021")]),
        (
            "programme 2020-2022",
            [(D(2020, 1, 1), "year", "2020-2022"), (D(2022, 1, 1), "year", "2020-2022")],
        ),
        ("labellisée en 2019", [(D(2019, 1, 1), "year", "en 2019")]),
        # not dates: impossible days, phone numbers, counts, bare numbers
        ("le 31/02/2022 n'existe pas", []),
        ("2500 élèves et 1200 familles", []),
        ("tél. 03 20 12 34 56", []),
        ("rencontre 2022-10 à Rennes", []),
    ],
)
def test_dates_in_text(text: str, expected: list[tuple[dt.date, str, str]]) -> None:
    found, _ = dates_in_text(text)
    assert [(d.value, d.precision, d.raw) for d in found] == expected


@pytest.mark.parametrize(
    ("raw", "source", "expected"),
    [
        ("D:20220609120000+02'00'", "pdf:CreationDate", (D(2022, 6, 9), "day")),
        ("2022-06-27", "pdf:CreationDate", (D(2022, 6, 27), "day")),
        ("Mercredi 22 janvier 2020 - 17:00", "web:Dates", (D(2020, 1, 22), "day")),
        ("modifié le 24/03/2023 - 15:59", "web:modified", (D(2023, 3, 24), "day")),
        ("2021", "marc:210d", (D(2021, 1, 1), "year")),
    ],
)
def test_hints(raw: str, source: str, expected: tuple[dt.date, str]) -> None:
    found, _ = parse_hint(raw, source)
    assert [(d.value, d.precision) for d in found][:1] == [expected]
    assert found[0].source == source and found[0].raw == raw


def test_year_completed_from_the_other_dates_of_the_text() -> None:
    dates = collect_dates("", "Prochaine réunion le mardi 11 février. Bilan du 20 mars 2020.", [])
    inferred = [d for d in dates if d.year_inferred]
    assert [(d.value, d.raw) for d in inferred] == [(D(2020, 2, 11), "mardi 11 février")]


def test_weekday_picks_the_year_among_context_years() -> None:
    # 11 February is a Tuesday in 2020, not in 2021: the weekday decides.
    dates = collect_dates(
        "", "Le mardi 11 février. Suivi 2021. Le 3 mars 2021.", [("2020", "marc:210d")]
    )
    assert [d.value for d in dates if d.year_inferred] == [D(2020, 2, 11)]


def test_year_completed_from_the_hints() -> None:
    dates = collect_dates(
        "", "Rendez-vous le 3 mars à Lille.", [("D:20190215093000", "pdf:CreationDate")]
    )
    inferred = [d for d in dates if d.year_inferred]
    assert [(d.value, d.source) for d in inferred] == [(D(2019, 3, 3), "text")]


def test_date_without_any_year_context_is_dropped() -> None:
    assert collect_dates("", "le mardi 11 février", []) == []


def test_main_date_prefers_title_then_stated_then_first_page() -> None:
    text = "Compte rendu\nLe 9 juin 2022 se déroulait la rencontre. Prochaine : 15 septembre 2022."
    hints = [("D:20220627120000", "pdf:CreationDate")]
    main = choose_main_date(collect_dates("6e rencontre des CPO", text, hints))
    assert main is not None and (main.value, main.source) == (D(2022, 6, 9), "text")
    main = choose_main_date(collect_dates("Rencontre du 17/11/2022", text, hints))
    assert main is not None and (main.value, main.source) == (D(2022, 11, 17), "title")
    web = [
        ("Mercredi 22 janvier 2020 - 17:00", "web:Dates"),
        ("modifié le 24/03/2023 - 15:59", "web:modified"),
    ]
    main = choose_main_date(collect_dates("Webinaire", "Texte sans date précise, 2019-2020.", web))
    assert main is not None and (main.value, main.source) == (D(2020, 1, 22), "web:Dates")


def test_main_date_falls_back_to_file_dates_before_bare_years() -> None:
    hints = [("D:20220627120000", "pdf:CreationDate")]
    main = choose_main_date(collect_dates("Synthèse", "Période 2019-2022.", hints))
    assert main is not None and main.source == "pdf:CreationDate"
    main = choose_main_date(collect_dates("Synthèse", "Période 2019-2022.", []))
    assert main is not None and (main.value, main.precision) == (D(2019, 1, 1), "year")
    assert choose_main_date([]) is None

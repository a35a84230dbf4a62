"""Web-page exports (.txt, .md, .html) of CRPV sites: body, dates, source, links."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from recueil.config import resolve_settings
from recueil.errors import EmptyDocumentError, MalformedFileError
from recueil.ingest.base import ExtractContext, ExtractedDocument
from recueil.ingest.registry import find_extractor, read_head
from recueil.ingest.webpage import WebPageExtractor

TXT = """6ème rencontre des chefs de projet des Cités éducatives des Hauts-de-France

Dates: Mercredi 22 janvier 2020 - 17:00

L’IREV a réuni les chefs de projet opérationnels des cités éducatives de la région à Lille.
Les échanges ont porté sur la continuité éducative et l’accompagnement à la scolarité.

Compte rendu de la rencontre (PDF) [1]
Poids : 286.44 Ko

Programme de la journée [2]

URL de la source (modifié le 24/03/2023 - 15:59): <https://www.irev.fr/actualites/6eme-rencontre-cpo>

Liens
[1] https://www.irev.fr/sites/default/files/cr-6e-rencontre.pdf
[2] https://www.irev.fr/agenda/programme
"""

MD = """# Café des parents à Roubaix

**Dates:** Lundi 21 novembre 2022 - 11:15

La cité éducative de Roubaix ouvre un *café des parents* au collège
[Samain](https://www.roubaix.fr/college_samain) avec l'appui des __adultes-relais__.

URL de la source (modifié le 20/02/2023 - 10:02): <https://www.villes-au-carre.fr/cafe-parents>
"""

HTML = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Santé mentale des jeunes | Villes au Carré</title>
<style>p { color: red }</style><script>var x = "<p>script</p>";</script></head>
<body><nav><a href="https://www.villes-au-carre.fr/">Accueil</a> Menu principal</nav>
<article><header><h1>Santé mentale des jeunes&nbsp;: retour d’expérience</h1></header>
<p>Dates: Jeudi 9 juin 2022 - 09:30</p>
<p>Les <b>compétences psychosociales</b> sont au cœur du projet de la cité éducative
de Tours.<br>Un atelier par semaine.</p>
<ul><li>Premiers secours en santé mentale</li><li>Maison des adolescents</li></ul>
<p>Document : <a href="https://www.villes-au-carre.fr/files/sante.pdf">synthèse</a> [1]</p>
</article>
<div class="print-source_url"><strong>URL de la source (modifié le 24/03/2023 - 15:59):</strong>
<a href="https://www.villes-au-carre.fr/sante-mentale">https://www.villes-au-carre.fr/sante-mentale</a></div>
<div class="print-links"><p><strong>Liens</strong><br>[1] https://www.villes-au-carre.fr/files/sante.pdf<br></p></div>
<footer>Mentions légales</footer></body></html>
"""


@pytest.fixture
def ctx(tmp_path: Path) -> ExtractContext:
    return ExtractContext(settings=resolve_settings(home=tmp_path / "home"))


def extract(path: Path, ctx: ExtractContext) -> ExtractedDocument:
    (document,) = list(WebPageExtractor().extract(path, ctx))
    assert isinstance(document, ExtractedDocument)
    return document


def test_text_export(tmp_path: Path, ctx: ExtractContext) -> None:
    path = tmp_path / "rencontre.txt"
    path.write_text(TXT, encoding="utf-8")
    doc = extract(path, ctx)
    assert (doc.kind, doc.doc_type, doc.mime_type, doc.text_origin) == (
        "web",
        "page-web",
        "text/plain",
        "web",
    )
    assert doc.title == (
        "6ème rencontre des chefs de projet des Cités éducatives des Hauts-de-France"
    )
    assert doc.source_url == "https://www.irev.fr/actualites/6eme-rencontre-cpo"
    assert doc.date_hints == [
        ("Mercredi 22 janvier 2020 - 17:00", "web:Dates"),
        ("modifié le 24/03/2023 - 15:59", "web:modified"),
    ]
    assert ("web", "Poids", "286.44 Ko") in doc.metadata
    links = [v for ns, k, v in doc.metadata if (ns, k) == ("web", "link")]
    assert links == [
        "https://www.irev.fr/sites/default/files/cr-6e-rencontre.pdf",
        "https://www.irev.fr/agenda/programme",
    ]
    assert ("web", "pdf", links[0]) in doc.metadata
    (page,) = doc.pages
    assert page.origin == "web" and page.number == 1
    assert "L'IREV a réuni" in page.text  # straight apostrophe
    assert "Compte rendu de la rencontre (PDF)\n" in page.text  # [1] dropped
    for noise in ("URL de la source", "Poids", "https://", "[1]", "Liens"):
        assert noise not in page.text
    assert doc.word_ratio is not None and doc.word_ratio > 0.8 and doc.garbage_ratio == 0.0


def test_markdown_export(tmp_path: Path, ctx: ExtractContext) -> None:
    path = tmp_path / "cafe.md"
    path.write_text(MD, encoding="utf-8")
    doc = extract(path, ctx)
    assert doc.doc_type == "page-web" and doc.mime_type == "text/markdown"
    assert doc.title == "Café des parents à Roubaix"
    assert ("Lundi 21 novembre 2022 - 11:15", "web:Dates") in doc.date_hints
    assert doc.source_url == "https://www.villes-au-carre.fr/cafe-parents"
    assert ("web", "link", "https://www.roubaix.fr/college_samain") in doc.metadata
    assert "un café des parents au collège\nSamain avec l'appui des adultes-relais." in doc.text
    assert "*" not in doc.text and "#" not in doc.text


def test_html_export(tmp_path: Path, ctx: ExtractContext) -> None:
    path = tmp_path / "sante.html"
    path.write_text(HTML, encoding="utf-8")
    doc = extract(path, ctx)
    assert doc.doc_type == "page-web" and doc.mime_type == "text/html"
    assert doc.title == "Santé mentale des jeunes : retour d'expérience"
    assert doc.source_url == "https://www.villes-au-carre.fr/sante-mentale"
    assert ("Jeudi 9 juin 2022 - 09:30", "web:Dates") in doc.date_hints
    assert ("web", "pdf", "https://www.villes-au-carre.fr/files/sante.pdf") in doc.metadata
    text = doc.text
    assert "compétences psychosociales sont au cœur du projet" in text
    assert "Premiers secours en santé mentale\n" in text
    for gone in ("Menu principal", "script", "color", "Mentions légales", "[1]"):
        assert gone not in text


def test_plain_text_without_markers_is_not_a_page_web(tmp_path: Path, ctx: ExtractContext) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Notes du comité technique\n\nPoints à revoir en juin.\n", encoding="utf-8")
    doc = extract(path, ctx)
    assert doc.doc_type is None and doc.kind == "web"
    assert doc.title == "Notes du comité technique" and doc.date_hints == []


def test_title_falls_back_to_html_title(tmp_path: Path, ctx: ExtractContext) -> None:
    path = tmp_path / "t.htm"
    path.write_text(
        "<html><head><title>Plan mercredi | IREV</title></head><body><p>Texte.</p></body></html>",
        encoding="utf-8",
    )
    assert extract(path, ctx).title == "Plan mercredi"


def test_legacy_encodings(tmp_path: Path, ctx: ExtractContext) -> None:
    path = tmp_path / "ancien.txt"
    path.write_bytes("Le comité s’est réuni à Amiens.\n".encode("cp1252"))
    assert extract(path, ctx).text == "Le comité s'est réuni à Amiens."
    path.write_bytes("Rencontre à Évry\n".encode("utf-16"))
    assert extract(path, ctx).text == "Rencontre à Évry"
    html = (
        '<html><head><meta charset="iso-8859-1"></head><body><p>Élèves allophones</p></body></html>'
    )
    (tmp_path / "latin.html").write_bytes(html.encode("latin-1"))
    assert extract(tmp_path / "latin.html", ctx).text == "Élèves allophones"


def test_binary_file_with_text_extension_is_malformed(tmp_path: Path, ctx: ExtractContext) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(MalformedFileError) as caught:
        extract(path, ctx)
    assert caught.value.code == "E103"


def test_empty_files(tmp_path: Path, ctx: ExtractContext) -> None:
    (tmp_path / "vide.txt").write_text("  \n\n", encoding="utf-8")
    with pytest.raises(EmptyDocumentError):
        extract(tmp_path / "vide.txt", ctx)
    (tmp_path / "vide.html").write_text("<html><body><script>x()</script></body></html>")
    with pytest.raises(EmptyDocumentError):
        extract(tmp_path / "vide.html", ctx)


def test_sniff_and_registry(tmp_path: Path) -> None:
    extractor = WebPageExtractor()
    assert extractor.sniff(tmp_path / "a.txt", b"texte")
    assert extractor.sniff(tmp_path / "a.HTML", b"<p>x</p>")
    assert extractor.sniff(tmp_path / "page", b"<!DOCTYPE html><html>")
    assert not extractor.sniff(tmp_path / "a.docx", b"PK\x03\x04")
    assert not extractor.sniff(tmp_path / "a.txt", b"%PDF-1.7")
    name = unicodedata.normalize("NFD", "compte-rendu-réunion.md")
    path = tmp_path / name
    path.write_text("# Réunion\n\nDates: 9 juin 2022\n", encoding="utf-8")
    found = find_extractor(path, read_head(path))
    assert found is not None and found.name == "webpage"
    (doc,) = list(found.extract(path, ExtractContext(settings=resolve_settings(home=tmp_path))))
    assert isinstance(doc, ExtractedDocument) and doc.title == "Réunion"

"""Web-page extractor: text exports (.txt, .md, .html) of CRPV web pages.

A CRPV page export (the "printer-friendly" version of a Drupal site) is the body
text followed by lines such as::

    Dates: Mercredi 22 janvier 2020 - 17:00
    Poids : 286.44 Ko
    URL de la source (modifié le 24/03/2023 - 15:59): <https://www.irev.fr/…>
    Liens
    [1] https://www.irev.fr/sites/default/files/cr.pdf

Those lines become metadata (``web`` namespace), date hints and the source URL;
the ``[n]`` references are dropped from the body. ``doc_type`` is ``page-web``
only when such markers are present: any other text or HTML file is read as a
plain page of kind ``web``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from recueil.catalogue.vocabulary import TextOrigin
from recueil.errors import EmptyDocumentError, MalformedFileError
from recueil.ingest import registry
from recueil.ingest.base import ExtractContext, ExtractedDocument, ExtractedPage, RecordFailure
from recueil.ingest.htmltext import HtmlText, html_to_text, markdown_to_text
from recueil.ingest.normalise import normalise_text
from recueil.ingest.quality import garbage_ratio, word_ratio

TEXT_SUFFIXES = frozenset({".txt", ".text"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
MIME = {"text": "text/plain", "markdown": "text/markdown", "html": "text/html"}

HTML_HEAD = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S
)
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)

DATES = re.compile(r"^\s*Dates?\s*:\s*(?P<value>\S.*?)\s*$", re.I | re.M)
SOURCE = re.compile(
    r"^\s*(?:URL de la source|Source URL)\s*"
    r"(?:\(\s*(?P<modified>(?:modifié le|modified on)\s[^)]*?)\s*\))?\s*:\s*"
    r"<?(?P<url>https?://[^\s>]+)>?\s*$",
    re.I | re.M,
)
WEIGHT = re.compile(r"^\s*Poids\s*:\s*(?P<value>\S.*?)\s*$", re.I | re.M)
LINKS_HEADER = re.compile(r"^\s*(?:Liens|Links)\s*:?\s*$", re.I)
LINK_ITEM = re.compile(r"^\s*\[(?P<n>\d{1,4})\]\s*:?\s*<?(?P<url>https?://[^\s>]+)>?\s*$")
REFERENCE = re.compile(r"\s?\[\d{1,4}\](?!\()")


@dataclass(slots=True)
class WebPage:
    body: str
    dates: list[str] = field(default_factory=list)
    source_url: str | None = None
    modified: str | None = None
    weights: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    @property
    def is_page_web(self) -> bool:
        return bool(self.dates or self.source_url or self.links)


# Unicode category Cc (C0, DEL, C1) but for the line and page breaks and the tab.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def decode_bytes(data: bytes, name: str) -> str:
    """Text of an export: UTF-8 (BOM or not), UTF-16 with a BOM, the charset an HTML
    page declares, else cp1252 then latin-1. Binary content is a MalformedFileError."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
        raise MalformedFileError(f"{name} is not a text file (binary content)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        declared = META_CHARSET.search(data[:4096])
        text = ""
        for encoding in (declared.group(1).decode("ascii") if declared else None, "cp1252"):
            if encoding is None:
                continue
            try:
                text = data.decode(encoding)
                break
            except (UnicodeDecodeError, LookupError):
                continue
        else:
            text = data.decode("latin-1")
    controls = len(CONTROL_CHARS.findall(text, 0, 8192))
    if controls > max(8, len(text[:8192]) // 50):
        raise MalformedFileError(f"{name} is not a text file (control characters)")
    return text


def parse_page(text: str) -> WebPage:
    """Split a page export into its body and its page-web fields."""
    page = WebPage(body="")
    page.dates = [m.group("value") for m in DATES.finditer(text)]
    source = SOURCE.search(text)
    if source:
        page.source_url = source.group("url")
        page.modified = source.group("modified")
    page.weights = [m.group("value") for m in WEIGHT.finditer(text)]
    body: list[str] = []
    in_links = False
    for line in text.split("\n"):
        item = LINK_ITEM.match(line)
        if LINKS_HEADER.match(line):
            in_links = True
        elif item and (in_links or page.links):
            if item.group("url") not in page.links:
                page.links.append(item.group("url"))
        elif in_links and line.strip():
            in_links = False
            body.append(line)
        elif not (SOURCE.match(line) or WEIGHT.match(line) or in_links):
            body.append(line)
    joined = "\n".join(body)
    page.body = REFERENCE.sub("", joined) if page.links else joined
    return page


def _read(path: Path) -> tuple[str, HtmlText]:
    data = path.read_bytes()
    if not data.strip():
        raise EmptyDocumentError(f"{path.name} is empty")
    text = decode_bytes(data, path.name)
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES or HTML_HEAD.match(data[:1024]):
        return "html", html_to_text(text)
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown", markdown_to_text(text)
    return "text", HtmlText(text)


def _title(page: WebPage, found: HtmlText) -> str | None:
    for candidate in (found.heading, found.title and found.title.split(" | ")[0]):
        if candidate and candidate.strip():
            return normalise_text(candidate).replace("\n", " ")[:300]
    for line in page.body.split("\n"):
        if sum(1 for c in line if c.isalpha()) >= 3 and not DATES.match(line):
            return line.strip()[:300]
    return None


def extract_web_page(path: Path) -> ExtractedDocument:
    form, found = _read(path)
    page = parse_page(normalise_text(found.text))
    body = normalise_text(page.body)
    if not any(char.isalnum() for char in body):
        raise EmptyDocumentError(f"{path.name} has no text")
    metadata = [("web", "Dates", d) for d in page.dates]
    if page.modified:
        metadata.append(("web", "modified", page.modified))
    metadata += [("web", "Poids", w) for w in page.weights]
    links = page.links + [u for u in found.links if u not in page.links and u != page.source_url]
    metadata += [("web", "link", url) for url in links]
    metadata += [("web", "pdf", url) for url in links if url.lower().split("?")[0].endswith(".pdf")]
    hints = [(d, "web:Dates") for d in page.dates]
    if page.modified:
        hints.append((page.modified, "web:modified"))
    return ExtractedDocument(
        kind="web",
        mime_type=MIME[form],
        title=_title(page, found),
        pages=[
            ExtractedPage(
                1, body, origin=TextOrigin.WEB, garbage_ratio=round(garbage_ratio(found.text), 4)
            )
        ],
        metadata=metadata,
        date_hints=hints,
        doc_type="page-web" if page.is_page_web else None,
        source_url=page.source_url,
        garbage_ratio=round(garbage_ratio(found.text), 4),
        word_ratio=None if (ratio := word_ratio(body)) is None else round(ratio, 4),
        text_origin=TextOrigin.WEB,
    )


class WebPageExtractor:
    """Reads web-page exports: .txt, .md, .html/.htm, or any file that is HTML."""

    name = "webpage"
    isolated = False  # plain text or HTML, parsed in linear time

    def sniff(self, path: Path, head: bytes) -> bool:
        suffix = path.suffix.lower()
        if suffix in TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES:
            return not head.startswith(b"%PDF-")
        return HTML_HEAD.match(head[:1024]) is not None

    def extract(
        self, path: Path, ctx: ExtractContext
    ) -> Iterator[ExtractedDocument | RecordFailure]:
        yield extract_web_page(path)


registry.register(WebPageExtractor())

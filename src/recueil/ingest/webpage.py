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
SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES
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

# A text whose non-ASCII characters decode as UTF-8 at least this many times more often
# than they fail is UTF-8 with a few damaged bytes (a truncated copy, a bad paste), not
# text in another encoding (where accented letters never form valid UTF-8 sequences).
UTF8_MAJORITY = 4


@dataclass(slots=True)
class Decoded:
    text: str
    warning: str | None = None


def _mostly_utf8(data: bytes) -> bool:
    text = data.decode("utf-8", "replace")
    invalid = text.count("\ufffd")
    valid = sum(1 for c in text if c > "\x7f") - invalid
    return valid > 0 and valid >= UTF8_MAJORITY * invalid


def decode_bytes(data: bytes, name: str) -> Decoded:
    """Text of an export: UTF-8 (BOM or not), UTF-16 with a BOM, the charset an HTML
    page declares, else cp1252 then latin-1. UTF-8 with a few damaged bytes stays
    UTF-8 (the bad bytes replaced, with a warning). Binary content is a MalformedFileError."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Decoded(data.decode("utf-16"))
    if b"\x00" in data[:8192]:
        raise MalformedFileError(f"{name} is not a text file (binary content)")
    warning = None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        declared = META_CHARSET.search(data[:4096])
        text = ""
        if _mostly_utf8(data):
            text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
            count = text.count("\ufffd")
            warning = f"{count} byte(s) that are not UTF-8 replaced by \ufffd"
        else:
            text = _decode_legacy(data, declared.group(1).decode("ascii") if declared else None)
    controls = len(CONTROL_CHARS.findall(text, 0, 8192))
    if controls > max(8, len(text[:8192]) // 50):
        raise MalformedFileError(f"{name} is not a text file (control characters)")
    return Decoded(text, warning)


def _decode_legacy(data: bytes, declared: str | None) -> str:
    for encoding in (declared, "cp1252"):
        if encoding is None:
            continue
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1")


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


def _read(path: Path) -> tuple[str, HtmlText, str | None]:
    data = path.read_bytes()
    if not data.strip():
        raise EmptyDocumentError(f"{path.name} is empty")
    decoded = decode_bytes(data, path.name)
    text, warning = decoded.text, decoded.warning
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES or HTML_HEAD.match(data[:1024]):
        return "html", html_to_text(text), warning
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown", markdown_to_text(text), warning
    return "text", HtmlText(text), warning


def _title(page: WebPage, found: HtmlText) -> str | None:
    for candidate in (found.heading, found.title and found.title.split(" | ")[0]):
        if candidate and candidate.strip():
            return normalise_text(candidate).replace("\n", " ")[:300]
    for line in page.body.split("\n"):
        if sum(1 for c in line if c.isalpha()) >= 3 and not DATES.match(line):
            return line.strip()[:300]
    return None


def extract_web_page(path: Path) -> ExtractedDocument:
    form, found, warning = _read(path)
    text = normalise_text(found.text)
    page = parse_page(text)
    # Normalised text stays normalised (idempotence): only a body that lost lines is redone.
    body = text if page.body == text else normalise_text(page.body)
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
    garbage = round(garbage_ratio(found.text), 4)
    return ExtractedDocument(
        kind="web",
        mime_type=MIME[form],
        title=_title(page, found),
        pages=[ExtractedPage(1, body, origin=TextOrigin.WEB, garbage_ratio=garbage)],
        metadata=metadata,
        date_hints=hints,
        doc_type="page-web" if page.is_page_web else None,
        source_url=page.source_url,
        garbage_ratio=garbage,
        word_ratio=None if (ratio := word_ratio(body)) is None else round(ratio, 4),
        text_origin=TextOrigin.WEB,
        warnings=[warning] if warning else [],
    )


class WebPageExtractor:
    """Reads web-page exports: .txt, .md, .html/.htm, or any file that is HTML."""

    name = "webpage"
    isolated = False  # plain text or HTML, parsed in linear time

    def sniff(self, path: Path, head: bytes) -> bool:
        suffix = path.suffix.lower()
        if suffix in SUFFIXES:
            return not head.startswith(b"%PDF-")
        return HTML_HEAD.match(head[:1024]) is not None

    def extract(
        self, path: Path, ctx: ExtractContext
    ) -> Iterator[ExtractedDocument | RecordFailure]:
        yield extract_web_page(path)


registry.register(WebPageExtractor())

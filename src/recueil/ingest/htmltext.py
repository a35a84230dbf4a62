"""Plain text from HTML (standard library parser) and from Markdown.

Both keep what a reader sees as lines and paragraphs and report the links they
found, so that the web-page extractor reads one plain-text form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

SKIPPED = frozenset(
    {"script", "style", "nav", "noscript", "svg", "template", "iframe", "form", "button", "select"}
)
# Page furniture, skipped unless it sits inside the content (an article's own header).
FURNITURE = frozenset({"header", "footer", "aside"})
CONTENT = frozenset({"article", "main"})
PARAGRAPH = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre", "ul", "ol", "dl", "hr"}
)
LINE = frozenset(
    {"br", "div", "li", "tr", "section", "article", "main", "dt", "dd", "figure", "figcaption"}
    | {"header", "footer", "address", "caption", "body"}
)
VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "wbr"})
HEADINGS = frozenset({"h1", "h2", "h3"})


@dataclass(slots=True)
class HtmlText:
    text: str
    title: str | None = None  # the <title>
    heading: str | None = None  # the first h1 (else h2, h3)
    links: list[str] = field(default_factory=list)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[str] = []
        self.skip_depth = 0
        self.title_parts: list[str] | None = None
        self.title: str | None = None
        self.heading_parts: list[str] | None = None
        self.headings: dict[str, str] = {}
        self.links: list[str] = []

    def _in_content(self) -> bool:
        return any(tag in CONTENT for tag in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append(tag)
        if self.skip_depth or tag in SKIPPED or (tag in FURNITURE and not self._in_content()):
            if tag not in VOID:
                self.skip_depth += 1
            return
        if tag == "title":
            self.title_parts = []
        elif tag in HEADINGS and tag not in self.headings:
            self.heading_parts = []
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith(("http://", "https://")) and href not in self.links:
                self.links.append(href)
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(f" {alt} ")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        self._block(tag)

    def _block(self, tag: str) -> None:
        if tag in PARAGRAPH:
            self.parts.append("\n\n")
        elif tag in LINE:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or tag not in self.stack:
            return
        while self.stack:  # close implicitly closed elements (<p> without </p>)
            open_tag = self.stack.pop()
            if self.skip_depth:
                self.skip_depth -= 1
                if open_tag == tag:
                    return
                continue
            self._close(open_tag)
            if open_tag == tag:
                return

    def _close(self, tag: str) -> None:
        if tag == "title" and self.title_parts is not None:
            self.title = " ".join("".join(self.title_parts).split()) or None
            self.title_parts = None
        elif tag in HEADINGS and self.heading_parts is not None and tag not in self.headings:
            text = " ".join("".join(self.heading_parts).split())
            if text:
                self.headings[tag] = text
            self.heading_parts = None
        self._block(tag)

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.title_parts is not None:
            self.title_parts.append(data)
            return
        if "head" in self.stack and "body" not in self.stack:
            return
        if self.heading_parts is not None:
            self.heading_parts.append(data)
        # Source line breaks are spaces in HTML; <pre> keeps them.
        self.parts.append(data if "pre" in self.stack else re.sub(r"\s+", " ", data))


def html_to_text(markup: str) -> HtmlText:
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    heading = next((parser.headings[h] for h in ("h1", "h2", "h3") if h in parser.headings), None)
    return HtmlText(text, parser.title, heading, parser.links)


MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
MD_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)(?:\s+\"[^\"]*\")?\)")
MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
MD_EMPHASIS = (
    re.compile(r"(\*\*|\*)(?=\S)(.+?)(?<=\S)\1"),
    # underscores only around words: URLs and file names keep theirs
    re.compile(r"(?<![\w/])(__|_)(?=\S)(.+?)(?<=\S)\1(?!\w)"),
)
MD_FENCE = re.compile(r"^\s*(```|~~~)")
MD_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
MD_QUOTE = re.compile(r"^\s*>\s?")


def markdown_to_text(source: str) -> HtmlText:
    """Markdown without its markup: headings, emphasis, links (kept as link text)."""
    links: list[str] = []
    heading = None
    lines = []
    for line in source.split("\n"):
        if MD_FENCE.match(line) or MD_RULE.match(line):
            lines.append("")
            continue
        match = MD_HEADING.match(line)
        if match:
            line = match.group(1)
            heading = heading or line.strip() or None
        line = MD_QUOTE.sub("", line)
        line = MD_IMAGE.sub(r"\1", line)
        for found in MD_LINK.finditer(line):
            if found.group(2) not in links:
                links.append(found.group(2))
        line = MD_LINK.sub(r"\1", line)
        for emphasis in MD_EMPHASIS:
            line = emphasis.sub(r"\2", line)
        lines.append(line)
    return HtmlText("\n".join(lines), None, heading, links)

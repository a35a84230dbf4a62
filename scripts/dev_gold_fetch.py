"""Rebuild the texts of corpus-dev/ that the repository does not hold.

    .venv/bin/python scripts/dev_gold_fetch.py [--check] [--timeout 15]

Texts under a licence that allows it (Licence Ouverte, CC BY-SA) are in
corpus-dev/texts/. The others were labelled on an extract of the public page
named by their ``url``; this script downloads each page into
corpus-dev/.cache/texts/<id>.txt (not committed) and keeps its readable text.
A page that changed since it was labelled gives a different text: the script
says so (sha256 differs) and the labels may then need a look. ``--check``
only reports which texts are at hand and whether they are the labelled ones.
"""

from __future__ import annotations

import argparse
import html.parser
import sys
import urllib.error
import urllib.request

from dev_gold_common import DEV, LABELS, TEXT_FOLDERS

from recueil.tagging.devset import attach_texts, read_dev_labels, text_digest
from recueil.tagging.themes import load_themes

CACHE = DEV / ".cache" / "texts"
SKIP = {"script", "style", "nav", "header", "footer", "noscript", "svg", "form"}
BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "section", "article"}


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in SKIP:
            self.skipping += 1
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).splitlines())
        return "\n".join(line for line in lines if line) + "\n"


def page_text(url: str, timeout: float) -> str:
    request = urllib.request.Request(url, headers={"User-Agent": "recueil dev-gold rebuild"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        raw = response.read(5_000_000)
        charset = response.headers.get_content_charset() or "utf-8"
    parser = _Text()
    parser.feed(raw.decode(charset, errors="replace"))
    return parser.text()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--timeout", type=float, default=15.0)
    args = parser.parse_args()
    docs = read_dev_labels(LABELS, list(load_themes().codes))
    at_hand = {d.id for d in attach_texts(docs, TEXT_FOLDERS)}
    same = sum(1 for d in docs if d.text is not None and text_digest(d.text) == d.sha256)
    print(
        f"{len(docs)} documents; {len(at_hand)} texts at hand, {same} identical to the labelled ones"
    )
    if args.check:
        return 0 if len(at_hand) == len(docs) else 1
    CACHE.mkdir(parents=True, exist_ok=True)
    failed = 0
    for doc in docs:
        if doc.id in at_hand:
            continue
        try:
            text = page_text(doc.url, args.timeout)
        except (OSError, urllib.error.URLError, ValueError) as exc:
            failed += 1
            print(f"  {doc.id}: not fetched ({exc})", file=sys.stderr)
            continue
        (CACHE / f"{doc.id}.txt").write_text(text, encoding="utf-8")
        print(f"  {doc.id}: rebuilt from the live page (differs from the labelled extract)")
    print(f"{failed} not fetched")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

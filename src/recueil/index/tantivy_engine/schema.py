"""The tantivy schema of the index fields, and records as tantivy documents.

Text is analysed by recueil's own French analysis (``french.py``), not by a
tantivy analyzer: each text field receives its index terms, in order,
joined by spaces (no term holds ASCII white space, see ``french.fold_word``),
and tantivy's whitespace tokenizer (far cheaper than a regex one) indexes
them with the same positions as Whoosh does. Both engines therefore hold
exactly the same terms.
What a hit shows is stored once, as JSON, in ``payload``. The words of the
texts as written (for "did you mean" and wildcards) are not a field of each
document but the generation's vocabulary file (``index.vocabulary``).
"""

from __future__ import annotations

import json
from typing import Any

import tantivy

from recueil.index import french
from recueil.index.schema import (
    CODES_FIELD,
    STORED_FIELDS,
    TEXT_FIELDS,
    digest,
)

TOKENIZER = "recueil_terms"
MAX_TERM_BYTES = 1000  # tantivy rejects huge terms; no real word is that long
INTEGER_FIELDS = ("id", "stamp", "year", "day_min", "day_max")
FAST_TEXT_FIELDS = ("themes", "cite", "cite_name", "doc_type", "sort_title")


def analyzer() -> tantivy.TextAnalyzer:
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
    return builder.filter(tantivy.Filter.remove_long(MAX_TERM_BYTES)).build()


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in INTEGER_FIELDS:
        builder.add_integer_field(name, indexed=name != "stamp", fast=True)
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name=TOKENIZER, index_option="position")
    builder.add_text_field(CODES_FIELD, tokenizer_name=TOKENIZER, index_option="freq")
    for name in FAST_TEXT_FIELDS:
        builder.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_bytes_field("payload", stored=True)
    return builder.build()


def prepare(fields: dict[str, Any], text_terms: str | None = None) -> dict[str, Any]:
    """The analysed values of a record (the CPU-bound part, picklable for other processes).
    ``text_terms``: ``french.joined_terms`` of its text when already known."""
    texts = {name: french.joined_terms(fields[name])
             for name in TEXT_FIELDS if name != "text" and fields.get(name)}  # fmt: skip
    if fields.get("text"):
        texts["text"] = french.joined_terms(fields["text"]) if text_terms is None else text_terms
    if fields.get(CODES_FIELD):
        texts[CODES_FIELD] = fields[CODES_FIELD]  # codes, space-separated
    payload = {name: fields.get(name) for name in STORED_FIELDS}
    return {
        "integers": {"id": int(fields["id"]), "stamp": digest(fields["stamp"]),
                     **{name: int(fields[name]) for name in ("year", "day_min", "day_max")
                        if fields.get(name) is not None}},
        "texts": texts,
        "keys": [("themes", code) for code in (fields.get("themes") or "").split()]
                + [(name, fields[name]) for name in ("cite", "cite_name", "doc_type", "sort_title")
                   if fields.get(name)],
        "payload": json.dumps(payload, ensure_ascii=False).encode("utf-8"),
    }  # fmt: skip


def to_document(prepared: dict[str, Any]) -> tantivy.Document:
    doc = tantivy.Document()
    for name, number in prepared["integers"].items():
        doc.add_integer(name, number)
    for name, text in prepared["texts"].items():
        doc.add_text(name, text)
    for name, value in prepared["keys"]:
        doc.add_text(name, value)
    doc.add_bytes("payload", prepared["payload"])
    return doc


def stored(doc: tantivy.Document) -> dict[str, Any]:
    data = doc.get_first("payload")
    value = json.loads(bytes(data).decode("utf-8")) if data is not None else {}
    return value if isinstance(value, dict) else {}

"""Names the dead-code check (vulture, in `make test`) must not report.

Each entry says why the name is used although nothing in src/recueil calls it.
A new unused function, method, constant or variable fails `make test`: delete
it, or add it here with the reason. Not a test module (pytest does not collect it).
"""

# ruff: noqa: B018

from vulture.whitelist_utils import Whitelist

_ = Whitelist()

# Python protocols: PEP 562 lazy module attributes.
_.__getattr__
_.__dir__

# Called by frameworks: click (commands registered by their decorators, ParamType
# hooks), fpdf (page footer), html.parser, json's decoder, spaCy (factory, Doc and
# Token attributes), whoosh (analyzer and token attributes), SQLAlchemy.
_.rebuild_command
_.sync_command
_.info_command
_.get_metavar
_.footer
_.handle_starttag
_.handle_endtag
_.handle_data
_.parse_object
_.object_hook
_.object_pairs_hook
_.make_theme_scorer
_.cats
_.norm_
_.has_morph
_.stopped
_.startchar
_.endchar
_.type_annotation_map
_.impl  # SQLAlchemy TypeDecorator (catalogue.models.EnumText) and its hooks
_.cache_ok
_.process_bind_param
_.process_result_value

# Data fields: written, and read back through the database, dataclasses.asdict or
# JSON output rather than by name.
_.finished_at
_.schema_version
_.built_at
_.complete_size
_.subject
_.expect
_.departement
_.region
_.date_text
# Keeps the tantivy index alive as long as its searcher.
_._index

# Used by the tests only.
_.with_changes
_.source_fields
_.analyse_one

# Unused today: delete each with its line here.
_.is_blank  # ingest/quality.py
_.is_garbage_char  # ingest/quality.py
_.document_record  # ingest/records/unimarc_out.py
_.MARC_NS  # ingest/records/xmlformats.py
_.DOC_TYPES  # tagging/doctype.py

# urllib's redirect handler dispatches on http_error_<code>: the harvester's guard
# checks every redirect's target (ingest/records/fetch.py).
_.http_error_301
_.http_error_303
_.http_error_307
_.http_error_308
# The learned theme model and the development gold set: library functions used by
# scripts/train_theme_model.py, scripts/eval_dev_gold.py, scripts/dev_gold_fetch.py and
# tests/test_tagging_classifier.py (training from scratch needs the full corpus-dev texts;
# `recueil train` extends the built-in model instead).
_.train
_.examples_from_labels
_.text_digest
_.side_by_side
# TagSource members the tagger's decisions name by value (TagSource(decision.source)).
_.RULES
_.RULES_MODEL
_.licence  # DevDoc field: the licence of each labelled text (corpus-dev/labels.jsonl)
_.redistributable  # DevDoc field: whether the text ships in corpus-dev/texts/

"""tagging figures in columns: no more document.theme_scores

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 07:30:00

The last tagging run's version, threshold and word count become columns of
``document``, the JSON list ``set_by_rules`` two booleans, and the per-theme
scores and evidence live once, in ``theme_tag`` (a manual tag keeps the
rules' figures for its theme). The data of ``theme_scores`` moves there
before the column goes.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

document = sa.table(
    "document",
    sa.column("id", sa.Integer),
    sa.column("theme_scores", sa.JSON),
    sa.column("tagger_version", sa.String),
    sa.column("tag_threshold", sa.Float),
    sa.column("tagged_words", sa.Integer),
    sa.column("doc_type_by_rules", sa.Boolean),
    sa.column("cite_by_rules", sa.Boolean),
)
theme_tag = sa.table(
    "theme_tag",
    sa.column("id", sa.Integer),
    sa.column("document_id", sa.Integer),
    sa.column("theme_code", sa.String),
    sa.column("score", sa.Float),
    sa.column("source", sa.String),
    sa.column("active", sa.Boolean),
    sa.column("evidence", sa.JSON),
    sa.column("tagger_version", sa.String),
    sa.column("created_at", sa.DateTime),
)
theme = sa.table("theme", sa.column("code", sa.String))


def upgrade() -> None:
    op.add_column("document", sa.Column("tagger_version", sa.String(length=80), nullable=True))
    op.add_column("document", sa.Column("tag_threshold", sa.Float(), nullable=True))
    op.add_column("document", sa.Column("tagged_words", sa.Integer(), nullable=True))
    for name in ("doc_type_by_rules", "cite_by_rules"):
        op.add_column(
            "document",
            sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false()),
        )
    conn = op.get_bind()
    known = set(conn.scalars(sa.select(theme.c.code)))
    rows = conn.execute(
        sa.select(document.c.id, document.c.theme_scores).where(
            document.c.theme_scores.is_not(None)
        )
    ).all()
    for doc_id, stored in rows:
        _move_document(conn, doc_id, stored or {}, known)
    op.drop_column("document", "theme_scores")


def _move_document(conn: Any, doc_id: int, stored: dict[str, Any], known: set[str]) -> None:
    set_by_rules = set(stored.get("set_by_rules") or [])
    conn.execute(
        sa.update(document)
        .where(document.c.id == doc_id)
        .values(
            tagger_version=stored.get("tagger_version"),
            tag_threshold=stored.get("threshold"),
            tagged_words=stored.get("words"),
            doc_type_by_rules="doc_type" in set_by_rules,
            cite_by_rules="cite" in set_by_rules,
        )
    )
    scores: dict[str, Any] = stored.get("scores") or {}
    tags = conn.execute(
        sa.select(
            theme_tag.c.id, theme_tag.c.theme_code, theme_tag.c.source, theme_tag.c.active
        ).where(theme_tag.c.document_id == doc_id)
    ).all()
    tagged = set()
    for tag_id, code, source, active in tags:
        tagged.add(code)
        entry = scores.get(code)
        if source == "rules":
            continue  # the rules' tag already holds the same score and evidence
        values = (
            {"score": entry.get("score", 0.0), "evidence": entry.get("evidence")}
            if entry is not None
            else {"score": 1.0 if active else 0.0, "evidence": None}
        )
        conn.execute(sa.update(theme_tag).where(theme_tag.c.id == tag_id).values(**values))
    for code, entry in scores.items():
        if code not in tagged and code in known:  # a score without a tag: keep it, inactive
            conn.execute(
                sa.insert(theme_tag).values(
                    document_id=doc_id,
                    theme_code=code,
                    score=entry.get("score", 0.0),
                    source="rules",
                    active=False,
                    evidence=entry.get("evidence"),
                    tagger_version=stored.get("tagger_version"),
                    created_at=sa.func.current_timestamp(),
                )
            )


def downgrade() -> None:
    op.add_column("document", sa.Column("theme_scores", sa.JSON(), nullable=True))
    conn = op.get_bind()
    docs = conn.execute(
        sa.select(
            document.c.id,
            document.c.tagger_version,
            document.c.tag_threshold,
            document.c.tagged_words,
            document.c.doc_type_by_rules,
            document.c.cite_by_rules,
        ).where(document.c.tagger_version.is_not(None))
    ).all()
    for doc_id, version, threshold, words, doc_type_by_rules, cite_by_rules in docs:
        tags = conn.execute(
            sa.select(theme_tag.c.theme_code, theme_tag.c.score, theme_tag.c.evidence).where(
                theme_tag.c.document_id == doc_id
            )
        ).all()
        stored = {
            "tagger_version": version,
            "threshold": threshold,
            "words": words,
            "scores": {c: {"score": s, "evidence": e} for c, s, e in tags if e is not None},
            "set_by_rules": [
                name
                for name, flag in (("cite", cite_by_rules), ("doc_type", doc_type_by_rules))
                if flag
            ],
        }
        conn.execute(sa.update(document).where(document.c.id == doc_id).values(theme_scores=stored))
    for name in ("cite_by_rules", "doc_type_by_rules", "tagged_words", "tag_threshold"):
        op.drop_column("document", name)
    op.drop_column("document", "tagger_version")

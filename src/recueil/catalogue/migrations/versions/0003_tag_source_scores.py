"""theme tags keep each source's score; source may be rules+model

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 10:00:00

Tags now come from the rules and the learned model combined: ``score`` is
the combined score, ``rules_score`` and ``model_score`` each source's own,
and ``source`` may read ``rules+model`` (12 characters). Existing tags keep
everything: the rules' score they hold becomes their ``rules_score`` too
(a manual tag the rules never scored has none); ``model_score`` stays empty
until the next ``recueil retag``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

theme_tag = sa.table(
    "theme_tag",
    sa.column("id", sa.Integer),
    sa.column("score", sa.Float),
    sa.column("rules_score", sa.Float),
    sa.column("source", sa.String),
    sa.column("evidence", sa.JSON),
)


def upgrade() -> None:
    with op.batch_alter_table("theme_tag") as batch:
        batch.add_column(sa.Column("rules_score", sa.Float(), nullable=True))
        batch.add_column(sa.Column("model_score", sa.Float(), nullable=True))
        batch.alter_column(
            "source",
            existing_type=sa.String(length=10),
            type_=sa.String(length=12),
            existing_nullable=False,
        )
    conn = op.get_bind()
    conn.execute(
        sa.update(theme_tag)
        .where(theme_tag.c.source == "rules")
        .values(rules_score=theme_tag.c.score)
    )
    # A manual tag holds the rules' figures when it has their evidence (JSON null: none).
    manual = conn.execute(
        sa.select(theme_tag.c.id, theme_tag.c.evidence).where(theme_tag.c.source != "rules")
    ).all()
    for tag_id, evidence in manual:
        if evidence:
            conn.execute(
                sa.update(theme_tag)
                .where(theme_tag.c.id == tag_id)
                .values(rules_score=theme_tag.c.score)
            )


def downgrade() -> None:
    # Revision 0002 knows only rules, model and manual: a tag both sources set is the rules'.
    op.execute(
        sa.update(theme_tag).where(theme_tag.c.source == "rules+model").values(source="rules")
    )
    with op.batch_alter_table("theme_tag") as batch:
        batch.alter_column(
            "source",
            existing_type=sa.String(length=12),
            type_=sa.String(length=10),
            existing_nullable=False,
        )
        batch.drop_column("model_score")
        batch.drop_column("rules_score")

"""Commands of the ingestion part: ingest, show, list, runs."""

from __future__ import annotations

import click

commands: list[click.Command] = []

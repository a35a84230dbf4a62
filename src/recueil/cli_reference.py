"""The command-line reference, docs/cli.md, generated from the click commands.

``python -m recueil.cli_reference docs/cli.md`` (``make docs``) writes it;
``make test`` checks that the checked-in file equals a fresh one, so every command
and option a release has is in the reference.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click

# Help is rendered at a fixed width, whatever the terminal, so that the file is stable.
WIDTH = 90

HEADER = """\
# Command-line reference

Every `recueil` command with its `--help`. This file is generated from the
commands by `make docs` (`python -m recueil.cli_reference docs/cli.md`); `make
test` fails when it is out of date. The global options (`--home`, `--db`,
`--themes`, `-v`, `-q`) work before the command and after it.
"""


def walk(
    command: click.Command, ctx: click.Context
) -> Iterator[tuple[click.Command, click.Context]]:
    """The command and, for a group, each of its commands in name order, depth first."""
    yield command, ctx
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                sub_ctx = click.Context(sub, info_name=name, parent=ctx, **sub.context_settings)
                yield from walk(sub, sub_ctx)


def root_context() -> click.Context:
    from recueil.cli import cli

    settings = {**cli.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    return click.Context(cli, info_name="recueil", **settings)


def _anchor(path: str) -> str:
    return path.replace(" ", "-")


def render() -> str:
    """The reference as Markdown: a table of contents, then each command's help."""
    root = root_context()
    commands = list(walk(root.command, root))
    lines = [HEADER]
    for command, ctx in commands[1:]:
        depth = ctx.command_path.count(" ") - 1
        summary = command.get_short_help_str(limit=WIDTH)
        lines.append(
            f"{'  ' * depth}- [`{ctx.command_path}`](#{_anchor(ctx.command_path)}): {summary}"
        )
    for command, ctx in commands:
        lines.append(f"\n## {ctx.command_path}\n")
        lines.append("```text")
        lines.append(command.get_help(ctx).rstrip())
        lines.append("```")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if not args or args[0] == "-":
        sys.stdout.write(text)
    else:
        Path(args[0]).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

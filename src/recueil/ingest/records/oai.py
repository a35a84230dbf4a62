"""A small OAI-PMH client: ListRecords pages to files, resumptionToken, bounded retries.

Each page is streamed to a file (``fetch.download``) and its envelope read from
there without holding the body in memory. Transient failures (HTTP 5xx and 429,
``503 Retry-After``, timeouts, refused or reset connections, a response too
slow) are retried with exponential backoff, and the final error lists every
cause; anything else is a coded ``HarvestError`` at once. The harvest stops
with a coded error when the server repeats a resumptionToken or sends too many
pages without records (E401), past the page cap or the overall deadline
(E402), on a page above the size cap (E403), on a redirect off http(s) or to
another host (E404).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
import urllib.error
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import IO

from recueil.errors import (
    HarvestError,
    HarvestLimitError,
    HarvestLoopError,
    ResponseTooSlowError,
)
from recueil.ingest.records.fetch import USER_AGENT, HarvestLimits, check_address, download

__all__ = ["USER_AGENT", "HarvestLimits", "OaiClient", "OaiPage", "RetryPolicy"]

PREFIXES = ("pmb_xml_unimarc", "oai_dc")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5
    backoff_s: float = 1.0
    max_wait_s: float = 120.0
    timeout_s: float = 60.0  # one socket read


@dataclass(frozen=True, slots=True)
class OaiPage:
    path: Path  # the response as received (a temporary file the caller keeps or removes)
    response_date: str | None
    token: str | None  # resumptionToken for the next page; None on the last page
    records: int
    complete_size: int | None = None


class ResumptionTokenExpired(HarvestError):
    """The server no longer knows a stored resumptionToken (badResumptionToken)."""


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _retry_after(headers: Message | None) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _oai_error(code: str, text: str) -> HarvestError:
    message = f"the OAI-PMH server answered {code}: {text.strip()}"
    if code == "badResumptionToken":
        return ResumptionTokenExpired(message)
    return HarvestError(
        message, hint="Check --prefix, --set and --from against the server's Identify and ListSets."
    )


def parse_page(path: Path) -> OaiPage:
    """Read the envelope of one OAI-PMH response from its file, element by element."""
    try:
        with path.open("rb") as handle:
            return _read_envelope(path, handle)
    except ET.ParseError as exc:
        raise HarvestError(f"the OAI-PMH response is not XML ({exc})") from exc


def _read_envelope(path: Path, handle: IO[bytes]) -> OaiPage:
    response_date: str | None = None
    token: str | None = None
    size: str | None = None
    records = depth = 0
    root = ""
    for event, element in ET.iterparse(handle, events=("start", "end")):
        name = _local(element.tag)
        if event == "start":
            depth += 1
            root = root or name
            if root != "OAI-PMH":
                raise HarvestError(f"not an OAI-PMH response (root element <{root}>)")
            continue
        depth -= 1
        if name == "responseDate" and depth == 1:
            response_date = element.text
        elif name == "error" and depth == 1:
            code = element.get("code") or "error"
            if code == "noRecordsMatch":
                return OaiPage(path, response_date, None, 0)
            raise _oai_error(code, element.text or "")
        elif name == "header":
            records += 1
        elif name == "resumptionToken":
            token = (element.text or "").strip() or None
            size = element.get("completeListSize")
        if depth <= 2:  # a record, or a verb element, is done: free it
            element.clear()
    return OaiPage(
        path, response_date, token, records, int(size) if size and size.isdigit() else None
    )


class OaiClient:
    def __init__(
        self,
        base_url: str,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        limits: HarvestLimits | None = None,
    ) -> None:
        self.base_url = base_url
        self.policy = policy or RetryPolicy()
        self.limits = limits or HarvestLimits()
        self.sleep = sleep
        self.retries = 0  # transient failures recovered from, for the report
        self.deadline = time.monotonic() + self.limits.deadline_s
        check_address(base_url, None, self.limits.redirect_hosts)

    def url(self, params: dict[str, str]) -> str:
        separator = "&" if "?" in self.base_url else "?"
        return self.base_url + separator + urllib.parse.urlencode(params)

    def _past_deadline(self, url: str, causes: list[str]) -> HarvestLimitError:
        tried = f" after {_summary(causes)}" if causes else ""
        return HarvestLimitError(
            f"the harvest deadline (--deadline {self.limits.deadline_s:g} s) passed while "
            f"fetching {url}{tried}"
        )

    def fetch_to(self, params: dict[str, str], dest: Path) -> None:
        """One request into ``dest``, retried on transient failures within the deadline."""
        url = self.url(params)
        causes: list[str] = []
        slow = False
        for attempt in range(self.policy.attempts):
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise self._past_deadline(url, causes)
            wait: float | None = None
            slow = False
            try:
                download(
                    url, dest, limits=self.limits, read_timeout_s=self.policy.timeout_s,
                    deadline=time.monotonic() + min(left, self.limits.request_timeout_s),
                    origin=self.base_url,
                )  # fmt: skip
                return
            except urllib.error.HTTPError as exc:
                if exc.code < 500 and exc.code != 429:
                    raise HarvestError(f"HTTP {exc.code} {exc.reason} from {url}") from exc
                causes.append(f"HTTP {exc.code} {exc.reason}")
                wait = _retry_after(exc.headers)
            except (urllib.error.URLError, OSError) as exc:
                reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
                causes.append(f"{type(exc).__name__}: {reason}")
            except ResponseTooSlowError as exc:
                causes.append(exc.message)
                slow = True
            if attempt + 1 < self.policy.attempts:
                self.retries += 1
                delay = wait if wait is not None else self.policy.backoff_s * 2**attempt
                delay = min(delay, self.policy.max_wait_s)
                if time.monotonic() + delay >= self.deadline:  # waiting would pass it
                    raise self._past_deadline(url, causes)
                self.sleep(delay)
        error = ResponseTooSlowError if slow else HarvestError
        raise error(f"{url} failed {len(causes)} times: {_summary(causes)}")

    def fetch(self, params: dict[str, str]) -> bytes:
        """A small response (Identify) as bytes, with the same bounds."""
        with tempfile.TemporaryDirectory(prefix="recueil-oai-") as folder:
            dest = Path(folder) / "response.xml"
            self.fetch_to(params, dest)
            return dest.read_bytes()

    def granularity(self) -> str:
        """The datestamp granularity the server accepts for ``from`` (Identify)."""
        try:
            root = ET.fromstring(self.fetch({"verb": "Identify"}))
        except HarvestError as exc:
            if exc.code != HarvestError.code:  # refused address, too large: not a soft failure
                raise
            return "YYYY-MM-DD"
        except ET.ParseError:
            return "YYYY-MM-DD"
        found = next((e.text for e in root.iter() if _local(e.tag) == "granularity"), None)
        return (found or "YYYY-MM-DD").strip()

    def list_records(
        self,
        prefix: str,
        set_spec: str | None = None,
        from_: str | None = None,
        token: str | None = None,
        folder: Path | None = None,
    ) -> Iterator[OaiPage]:
        """Every page of ListRecords, following resumptionToken, each saved in ``folder``."""
        params: dict[str, str]
        if token:
            params = {"verb": "ListRecords", "resumptionToken": token}
        else:
            params = {"verb": "ListRecords", "metadataPrefix": prefix}
            params.update({k: v for k, v in (("set", set_spec), ("from", from_)) if v})
        seen = {token} if token else set()
        empty = 0
        for _ in range(self.limits.max_pages):
            page = self._page(params, folder)
            yield page
            if not page.token:
                return
            empty = empty + 1 if page.records == 0 else 0
            _check_progress(page.token, seen, empty, self.limits)
            seen.add(page.token)
            params = {"verb": "ListRecords", "resumptionToken": page.token}
        raise HarvestLimitError(
            f"stopped after {self.limits.max_pages} pages (--max-pages); the server still had more"
        )

    def _page(self, params: dict[str, str], folder: Path | None) -> OaiPage:
        descriptor, name = tempfile.mkstemp(dir=folder, prefix=".page-", suffix=".part")
        os.close(descriptor)
        path = Path(name)
        try:
            self.fetch_to(params, path)
            return parse_page(path)
        except BaseException:
            with contextlib.suppress(OSError):
                path.unlink()
            raise


def _check_progress(token: str, seen: set[str], empty: int, limits: HarvestLimits) -> None:
    if token in seen:
        raise HarvestLoopError(
            f"the server sent the resumptionToken {token!r} a second time: the harvest would loop"
        )
    if empty > limits.max_empty_pages:
        raise HarvestLoopError(
            f"the server sent {empty} pages in a row without any record, each with a new "
            "resumptionToken: the harvest would not end"
        )


def _summary(causes: list[str]) -> str:
    """``HTTP 503 Service Unavailable, then HTTP 500 Internal Server Error (×2)``."""
    runs: list[tuple[str, int]] = []
    for cause in causes:
        if runs and runs[-1][0] == cause:
            runs[-1] = (cause, runs[-1][1] + 1)
        else:
            runs.append((cause, 1))
    return ", then ".join(f"{c} (×{n})" if n > 1 else c for c, n in runs)


def format_from(datestamp: str, granularity: str) -> str:
    """A stored datestamp in the granularity the server accepts."""
    return datestamp[:10] if granularity == "YYYY-MM-DD" else datestamp

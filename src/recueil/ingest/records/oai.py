"""A small OAI-PMH client on urllib: ListRecords pages, resumptionToken, retries with backoff.

Transient failures (HTTP 5xx and 429, ``503 Retry-After``, timeouts, refused or
reset connections) are retried with exponential backoff; anything else is a
``HarvestError`` at once.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import Message

from recueil import __version__
from recueil.errors import HarvestError

USER_AGENT = f"recueil/{__version__} (OAI-PMH harvester)"
PREFIXES = ("pmb_xml_unimarc", "oai_dc")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5
    backoff_s: float = 1.0
    max_wait_s: float = 120.0
    timeout_s: float = 60.0


@dataclass(frozen=True, slots=True)
class OaiPage:
    data: bytes
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


def parse_page(data: bytes) -> OaiPage:
    """Read the envelope of one OAI-PMH response (the records are read at ingestion)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise HarvestError(f"the OAI-PMH response is not XML ({exc})") from exc
    if _local(root.tag) != "OAI-PMH":
        raise HarvestError(f"not an OAI-PMH response (root element <{_local(root.tag)}>)")
    response_date = next((e.text for e in root if _local(e.tag) == "responseDate"), None)
    for element in root:
        if _local(element.tag) == "error":
            code = element.get("code") or "error"
            if code == "noRecordsMatch":
                return OaiPage(data, response_date, None, 0)
            message = f"the OAI-PMH server answered {code}: {(element.text or '').strip()}"
            if code == "badResumptionToken":
                raise ResumptionTokenExpired(message)
            raise HarvestError(
                message,
                hint="Check --prefix, --set and --from against the server's Identify and ListSets.",
            )
    token_element = next((e for e in root.iter() if _local(e.tag) == "resumptionToken"), None)
    token = (token_element.text or "").strip() or None if token_element is not None else None
    size = token_element.get("completeListSize") if token_element is not None else None
    records = sum(1 for e in root.iter() if _local(e.tag) == "header")
    return OaiPage(
        data, response_date, token, records, int(size) if size and size.isdigit() else None
    )


class OaiClient:
    def __init__(
        self,
        base_url: str,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.retries = 0  # transient failures recovered from, for the report

    def url(self, params: dict[str, str]) -> str:
        separator = "&" if "?" in self.base_url else "?"
        return self.base_url + separator + urllib.parse.urlencode(params)

    def fetch(self, params: dict[str, str]) -> bytes:
        url = self.url(params)
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        last_error = ""
        for attempt in range(self.policy.attempts):
            wait: float | None = None
            try:
                with urllib.request.urlopen(request, timeout=self.policy.timeout_s) as response:
                    return bytes(response.read())
            except urllib.error.HTTPError as exc:
                if exc.code < 500 and exc.code != 429:
                    raise HarvestError(f"HTTP {exc.code} {exc.reason} from {url}") from exc
                last_error = f"HTTP {exc.code} {exc.reason}"
                wait = _retry_after(exc.headers)
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
                last_error = f"{type(exc).__name__}: {reason}"
            if attempt + 1 < self.policy.attempts:
                self.retries += 1
                delay = wait if wait is not None else self.policy.backoff_s * 2**attempt
                self.sleep(min(delay, self.policy.max_wait_s))
        raise HarvestError(f"{url} failed {self.policy.attempts} times; last error: {last_error}")

    def granularity(self) -> str:
        """The datestamp granularity the server accepts for ``from`` (Identify)."""
        try:
            root = ET.fromstring(self.fetch({"verb": "Identify"}))
        except (HarvestError, ET.ParseError):
            return "YYYY-MM-DD"
        found = next((e.text for e in root.iter() if _local(e.tag) == "granularity"), None)
        return (found or "YYYY-MM-DD").strip()

    def list_records(
        self,
        prefix: str,
        set_spec: str | None = None,
        from_: str | None = None,
        token: str | None = None,
    ) -> Iterator[OaiPage]:
        """Every page of ListRecords, following resumptionToken."""
        params: dict[str, str]
        if token:
            params = {"verb": "ListRecords", "resumptionToken": token}
        else:
            params = {"verb": "ListRecords", "metadataPrefix": prefix}
            if set_spec:
                params["set"] = set_spec
            if from_:
                params["from"] = from_
        while True:
            page = parse_page(self.fetch(params))
            yield page
            if not page.token:
                return
            params = {"verb": "ListRecords", "resumptionToken": page.token}


def format_from(datestamp: str, granularity: str) -> str:
    """A stored datestamp in the granularity the server accepts."""
    return datestamp[:10] if granularity == "YYYY-MM-DD" else datestamp

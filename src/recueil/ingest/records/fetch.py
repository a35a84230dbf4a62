"""Bounded HTTP GET for the harvester: the body streamed to a file, never trusted.

Each response is written chunk by chunk to a file on disk (never held in
memory), and refused as soon as it passes the size cap; the whole request
has a deadline checked after every chunk (a server trickling one byte at a
time is cut off, not only a silent one); redirects are followed only to
http/https on the endpoint's own host, or to hosts the user allowed.
"""

from __future__ import annotations

import time
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPMessage
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin, urlparse

from recueil import __version__
from recueil.errors import (
    HarvestAddressRefusedError,
    ResponseTooLargeError,
    ResponseTooSlowError,
)

USER_AGENT = f"recueil/{__version__} (OAI-PMH harvester)"
CHUNK = 64 * 1024
MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class HarvestLimits:
    """What a harvest accepts from a server before it stops with a coded error."""

    max_pages: int = 10_000  # 1,000,000 records at PMB's 100 a page
    deadline_s: float = 6 * 3600.0  # the whole harvest, retries and waits included
    max_response_bytes: int = 100 * MB  # one page
    request_timeout_s: float = 300.0  # one request, headers to last byte
    max_empty_pages: int = 50  # pages in a row with a new token but no record
    redirect_hosts: frozenset[str] = field(default_factory=frozenset)


def check_address(url: str, origin: str | None, allowed_hosts: frozenset[str]) -> None:
    """Refuse anything but http(s), and another host than the origin's unless allowed."""
    parsed = urlparse(url)
    if parsed.scheme.lower() not in ("http", "https") or not parsed.hostname:
        raise HarvestAddressRefusedError(
            f"refused address {url!r}: only http:// and https:// addresses are harvested"
        )
    if origin is None:
        return
    host, origin_host = parsed.hostname.lower(), (urlparse(origin).hostname or "").lower()
    if host != origin_host and host not in allowed_hosts:
        raise HarvestAddressRefusedError(
            f"refused redirect from {origin_host} to another host: {url!r}"
        )


class _RedirectGuard(urllib.request.HTTPRedirectHandler):
    """Checks every redirect's target before urllib follows it."""

    def __init__(self, origin: str, allowed_hosts: frozenset[str]) -> None:
        self.origin = origin
        self.allowed_hosts = allowed_hosts

    def http_error_302(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: HTTPMessage
    ) -> Any:
        location = headers.get("location") or headers.get("uri")
        if location:
            check_address(urljoin(req.full_url, location), self.origin, self.allowed_hosts)
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def download(
    url: str,
    dest: Path,
    *,
    limits: HarvestLimits,
    read_timeout_s: float,
    deadline: float,
    origin: str,
) -> None:
    """GET ``url`` into ``dest``; raise a coded error on a refused redirect, size or slowness.

    ``deadline`` is a ``time.monotonic()`` instant after which the request stops;
    network failures (``urllib.error.URLError``, ``TimeoutError``…) propagate to the
    caller, which decides on retries.
    """
    check_address(url, None, limits.redirect_hosts)
    started = time.monotonic()
    opener = urllib.request.build_opener(_RedirectGuard(origin, limits.redirect_hosts))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    timeout = max(0.05, min(read_timeout_s, deadline - time.monotonic()))
    with opener.open(request, timeout=timeout) as response, dest.open("wb") as out:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limits.max_response_bytes:
            raise _too_large(url, int(declared), limits)
        total = 0
        while chunk := response.read1(CHUNK):
            total += len(chunk)
            if total > limits.max_response_bytes:
                raise _too_large(url, total, limits)
            out.write(chunk)
            if time.monotonic() > deadline:
                raise ResponseTooSlowError(
                    f"{url} was still sending after {time.monotonic() - started:.0f} s "
                    f"({total} bytes received)"
                )


def _too_large(url: str, size: int, limits: HarvestLimits) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"{url} sends more than {limits.max_response_bytes / MB:g} MB "
        f"(at least {size / MB:.1f} MB); the response was refused"
    )

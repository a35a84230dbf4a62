"""ASGI middleware of the site: security headers, access control, one log line per request.

Plain ASGI classes (no BaseHTTPMiddleware): they wrap ``send`` to add headers
and time the answer, without buffering bodies (downloads stream).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import time
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("recueil.web")

# No script at all: the pages work without JavaScript. Styles and images from the site only.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
OPEN_PATHS = ("/sante", "/healthz")  # monitoring reaches them without the password

UNAUTHORISED_PAGE = (
    '<!doctype html><html lang="fr"><meta charset="utf-8"><title>Accès protégé</title>'
    "<h1>Accès protégé</h1><p>Ce site demande un mot de passe. Demandez-le à l'équipe "
    "qui administre recueil.</p></html>"
).encode()


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:  # an original download sets a stricter policy
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def token_matches(headers: Headers, token: str) -> bool:
    """``Authorization: Bearer <token>``, or HTTP Basic with the token as password."""
    given = headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    secret = ""
    if scheme.lower() == "bearer":
        secret = value.strip()
    elif scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        secret = decoded.partition(":")[2]
    return bool(secret) and hmac.compare_digest(secret.encode(), token.encode())


class AccessControl:
    """The whole site behind one password (or token), when the operator sets one."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        if token_matches(Headers(scope=scope), self.token):
            await self.app(scope, receive, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"www-authenticate", b'Basic realm="recueil", charset="UTF-8"'),
                    (b"content-length", str(len(UNAUTHORISED_PAGE)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": UNAUTHORISED_PAGE})


def _printable(text: str) -> str:
    """No control character (newline, terminal escape) reaches the log from a request."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


class RequestLog:
    """One line per request on stderr (client, method, path and query, status, time),
    and the server's time in a ``Server-Timing`` header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: dict[str, Any] = {"code": 500}

        async def send_timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                # The server's own time, for the benchmark and the browser's network panel.
                elapsed = (time.perf_counter() - started) * 1000
                MutableHeaders(scope=message).append("Server-Timing", f"app;dur={elapsed:.2f}")
            await send(message)

        try:
            await self.app(scope, receive, send_timed)
        finally:
            client = scope.get("client") or ("-", 0)
            query = scope.get("query_string", b"").decode("latin-1")
            target = _printable(scope["path"] + (f"?{query[:300]}" if query else ""))
            elapsed = (time.perf_counter() - started) * 1000
            log.info(
                '%s "%s %s" %s %.1f ms',
                client[0], scope["method"], target, status["code"], elapsed,
            )  # fmt: skip

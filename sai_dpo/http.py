"""Optional HTTP front end (``serve`` extra: FastAPI + uvicorn) for clients outside Ray.

Endpoints (JSON): ``POST /report``, ``POST /draw``, ``GET /table``, ``GET /stats``,
``GET /summary``, ``GET /healthz``. Every call goes to the same service (the Ray actor through a
``ServiceClient``, or a plain ``SelectionService``) and is validated with the same rules as a
Python call; a bad batch gets HTTP 400 with the reason and changes nothing.

Safety: the server binds to 127.0.0.1 unless told otherwise; on any other address it refuses to
start without a bearer token, read from ``$SAI_DPO_TOKEN`` or a file (never from the command
line, where other users could read it in the process list). Request bodies over
``max_body_bytes`` are refused with HTTP 413 before they are read whole.

Example:
    >>> app = create_app(connect(), token=os.environ["SAI_DPO_TOKEN"])   # doctest: +SKIP
    >>> # curl -H "Authorization: Bearer $SAI_DPO_TOKEN" -d '{"key": "r0", "n": 8}' host:8000/draw
"""

# No `from __future__ import annotations`: FastAPI must see the real classes defined inside
# create_app (imported lazily, so that this module imports without the `serve` extra).
import asyncio
import hmac
import importlib.util
import inspect
import ipaddress
import os
from pathlib import Path
from typing import Any

import numpy as np

from sai_dpo.errors import InvalidInputError, ServiceUnavailableError

__all__ = ["create_app", "is_available", "resolve_token", "serve_http", "TOKEN_ENV", "DEFAULT_MAX_BODY"]

TOKEN_ENV = "SAI_DPO_TOKEN"
DEFAULT_MAX_BODY = 8 * 1024 * 1024


def is_available() -> bool:
    """True when the ``serve`` extra (fastapi and uvicorn) is installed."""
    return all(importlib.util.find_spec(m) is not None for m in ("fastapi", "uvicorn"))


#: The only addresses served without a token (what the README promises): this machine's own.
TOKENLESS_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: Seconds a client may take to send its request body (a slow sender holds a worker otherwise).
BODY_TIMEOUT = 30.0
#: Seconds a connection may take to send a request's headers (a client that trickles them, one byte
#: at a time, would otherwise hold a connection slot for ever: 256 such clients blocked everyone).
HEADER_TIMEOUT = 10.0


def _is_loopback(host: str) -> bool:
    """Whether ``host`` may be served without a token: exactly 127.0.0.1, localhost or ::1 (not the
    rest of 127.0.0.0/8, which other containers or namespaces can share)."""
    try:
        return host in TOKENLESS_HOSTS or str(ipaddress.ip_address(host)) in TOKENLESS_HOSTS
    except ValueError:
        return False


def _host_of(header: str) -> str:
    """The host name of a ``Host`` header ("127.0.0.1:8000" -> "127.0.0.1", "[::1]:80" -> "::1")."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


MIN_TOKEN_CHARS = 16


def resolve_token(host: str, token_file: str | os.PathLike | None = None) -> str | None:
    """The bearer token: from ``token_file`` or ``$SAI_DPO_TOKEN``; required off loopback.

    Raises:
        InvalidInputError: ``host`` is not a loopback address and no token was given, or the
            token file is empty.
    """
    token = None
    if token_file is not None:
        try:
            token = Path(token_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInputError(f"The token file {token_file} cannot be read "
                                    f"({getattr(exc, 'strerror', None) or exc}); pass a file holding the bearer token "
                                    "(--token-file).") from None
        if not token:
            raise InvalidInputError(f"The token file {token_file} is empty; put the bearer token in it.")
    elif os.environ.get(TOKEN_ENV) is not None:
        token = os.environ[TOKEN_ENV].strip() or None  # a blank token is no token
    if token is not None and len(token) < MIN_TOKEN_CHARS:
        raise InvalidInputError(
            f"The bearer token is {len(token)} characters long; use at least {MIN_TOKEN_CHARS} random characters "
            f"(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)."
        )
    if token is None and not _is_loopback(host):
        raise InvalidInputError(
            f"Serving HTTP on {host!r} exposes the service beyond this machine, so it needs a bearer token: "
            f"set ${TOKEN_ENV} or pass --token-file FILE (never the token itself on the command line)."
        )
    return token


def _jsonable(obj: Any) -> Any:
    """Turn numpy values, arrays and data frames into plain JSON types."""
    if hasattr(obj, "to_dict") and hasattr(obj, "columns"):
        return _jsonable(obj.to_dict(orient="records"))
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    return obj


class _BodyLimit:
    """ASGI middleware: refuse request bodies larger than ``limit`` bytes with HTTP 413, bodies slower
    than ``BODY_TIMEOUT`` seconds with 408, and, on a server without a token, any ``Host`` header
    that does not name this machine (421: a web page cannot reach it by DNS rebinding)."""

    def __init__(self, app, limit: int, check_host: bool = False) -> None:
        self.app = app
        self.limit = limit
        self.check_host = check_host

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers", []))
        if self.check_host and _host_of(headers.get(b"host", b"").decode("latin-1")) not in TOKENLESS_HOSTS:
            return await self._refuse(send, 421, b'{"error": "this server answers only requests for 127.0.0.1"}')
        value = headers.get(b"content-length", b"")
        if value.isdigit() and int(value) > self.limit:
            return await self._refuse(send)
        # Read the body here (it may come chunked, without a Content-Length), stopping as soon as
        # it passes the limit, then replay it to the app.
        parts, size, more = [], 0, True
        while more:
            try:
                message = await asyncio.wait_for(receive(), BODY_TIMEOUT)
            except asyncio.TimeoutError:
                return await self._refuse(send, 408, b'{"error": "request body too slow"}')
            if message["type"] != "http.request":
                return await self.app(scope, _replay(message, receive), send)
            parts.append(message.get("body", b""))
            size += len(parts[-1])
            more = message.get("more_body", False)
            if size > self.limit:
                return await self._refuse(send)
        whole = {"type": "http.request", "body": b"".join(parts), "more_body": False}
        return await self.app(scope, _replay(whole, receive), send)

    async def _refuse(self, send, status: int = 413, body: bytes = b'{"error": "request body too large"}'):
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def _replay(first: dict, receive):
    """An ASGI ``receive`` that returns ``first`` once, then defers to ``receive``."""
    pending = [first]

    async def replay():
        return pending.pop() if pending else await receive()

    return replay


# pydantic names the member of a union type that failed as the last element of an error's location
_UNION_TAGS = {"int", "float", "str", "bool"}


def _one_message(msgs: list[str]) -> str:
    """pydantic's messages for one field as one: 'Input should be a valid string or a valid integer'."""
    lead = "Input should be "
    if len(msgs) > 1 and all(m.startswith(lead) for m in msgs):
        return lead + " or ".join(m[len(lead):] for m in msgs)
    return "; ".join(msgs)


def create_app(backend: Any, *, token: str | None = None, max_body_bytes: int = DEFAULT_MAX_BODY):
    """Build the FastAPI app over ``backend`` (a ``ServiceClient`` or a ``SelectionService``).

    With ``token`` set, every endpoint but ``/healthz`` needs ``Authorization: Bearer <token>``.
    """
    if token is not None and not token.strip():
        raise InvalidInputError("The HTTP bearer token is empty; pass None (loopback only) or a real token.")
    from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from pydantic import BaseModel, ConfigDict, StrictFloat, StrictInt, StrictStr
    from starlette.exceptions import HTTPException as StarletteHTTPException

    Number = StrictInt | StrictFloat  # noqa: N806 - a JSON number; "1" (a string) is refused, not read as 1

    class ReportBody(BaseModel):
        model_config = ConfigDict(extra="forbid")
        batch_id: StrictStr
        problem_ids: list[StrictStr]
        rewards: list[Number]
        n_tokens: list[Number] | None = None
        n_steps: list[Number] | None = None
        round: StrictInt | None = None
        statuses: list[StrictStr] | None = None

    class DrawBody(BaseModel):
        model_config = ConfigDict(extra="forbid")
        key: StrictStr | StrictInt
        n: StrictInt
        round: StrictInt | None = None

    def check_token(request: Request) -> None:
        if token is None:
            return
        scheme, _, got = request.headers.get("authorization", "").partition(" ")
        if not (scheme.lower() == "bearer" and hmac.compare_digest(got.strip().encode(), token.encode())):
            raise HTTPException(status_code=401, detail="missing or wrong bearer token",
                                headers={"WWW-Authenticate": "Bearer"})

    report = getattr(backend, "report_now", None) or backend.report
    # No /docs, /redoc or /openapi.json: they would answer without the token (the README documents the API).
    app = FastAPI(title="sai-dpo selection service", docs_url=None, redoc_url=None, openapi_url=None)
    api = APIRouter(dependencies=[Depends(check_token)])

    @app.exception_handler(InvalidInputError)
    async def _bad_input(request, exc):  # noqa: ARG001
        # Through Ray the error arrives wrapped (RayTaskError subclassing it); show the original.
        cause = getattr(exc, "cause", None)
        return JSONResponse(status_code=400, content={"error": str(cause if cause is not None else exc)})

    @app.exception_handler(RequestValidationError)
    async def _bad_types(request, exc):  # noqa: ARG001
        # One line, without echoing the values: FastAPI's own answer repeats each input, and a NaN or
        # 1e400 there cannot be written as JSON (it answered 500).
        by_field: dict[str, list[str]] = {}
        for e in exc.errors():
            loc = [str(x) for x in e.get("loc", ()) if x != "body"]
            if len(loc) > 1 and loc[-1] in _UNION_TAGS:  # which member of a union type failed: one field
                loc.pop()
            msgs, msg = by_field.setdefault(".".join(loc) or "body", []), str(e.get("msg", "invalid"))
            if msg not in msgs:
                msgs.append(msg)
        parts = [f"{field}: {_one_message(m)}" for field, m in list(by_field.items())[:5]]
        more = f" (and {len(by_field) - 5} more fields)" if len(by_field) > 5 else ""
        return JSONResponse(status_code=422, content={
            "error": f"{'; '.join(parts)}{more}. Send JSON values of the documented types (README, HTTP API)."})

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request, exc):  # noqa: ARG001
        # FastAPI's own errors (a body that is not JSON, not UTF-8, or holds an int of over 4,300 digits; a
        # wrong token) in the house shape, {"error": ...}, with a hint where the body could not be read.
        detail = str(exc.detail)
        if exc.status_code == 400 and "parsing the body" in detail:
            detail += ": send a UTF-8 JSON object (integers of at most 4,300 digits)."
        return JSONResponse(status_code=exc.status_code, content={"error": detail}, headers=exc.headers)

    @app.exception_handler(ServiceUnavailableError)
    async def _unavailable(request, exc):  # noqa: ARG001
        return JSONResponse(status_code=503, content={"error": str(exc)})

    @api.post("/report")
    def post_report(body: ReportBody) -> dict:
        return _jsonable(report(body.batch_id, body.problem_ids, body.rewards, body.n_tokens, body.n_steps,
                                body.round, body.statuses))

    # A service client falls back to a seeded uniform draw when the service cannot answer; over HTTP the
    # caller is told instead (503), never handed a uniform draw as if it came from the tracker.
    strict = {"fallback": False} if "fallback" in inspect.signature(backend.draw).parameters else {}

    @api.post("/draw")
    def post_draw(body: DrawBody) -> dict:
        ids, idx = backend.draw(body.key, body.n, body.round, **strict)
        return {"ids": list(ids), "indices": _jsonable(idx)}

    @api.get("/table")
    def get_table():
        return _jsonable(backend.table())

    @api.get("/stats")
    def get_stats() -> dict:
        return _jsonable(backend.stats())

    @api.get("/summary")
    def get_summary() -> dict:
        return _jsonable(backend.summary())

    @app.get("/healthz")
    def healthz():
        alive = getattr(backend, "alive", None)
        if alive is not None and not alive():
            return JSONResponse(status_code=503, content={"ok": False, "error": "the selection service does not answer"})
        return {"ok": True}

    app.include_router(api)
    return _BodyLimit(app, max_body_bytes, check_host=token is None)


def header_deadline_protocol(timeout: float = HEADER_TIMEOUT) -> type:
    """uvicorn's h11 protocol with a deadline on each request's headers.

    uvicorn times out an idle keep-alive connection, and the app times out a slow body (408), but
    nothing bounded the headers: a client sending them a byte at a time kept its connection (and one
    of ``limit_concurrency`` slots) open for ever. The deadline starts when a connection opens or a
    response completes, stops when the headers of the next request are complete, and closes the
    connection if it passes first.
    """
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeaderDeadlineProtocol(H11Protocol):
        def _arm(self) -> None:
            self._disarm()
            self._armed_for = self.cycle  # the headers are in once a new request cycle exists
            self._deadline = self.loop.call_later(timeout, self._headers_too_slow)

        def _disarm(self) -> None:
            handle = getattr(self, "_deadline", None)
            if handle is not None:
                handle.cancel()
            self._deadline = None

        def _waiting_for_headers(self) -> bool:
            return self.cycle is self._armed_for and (self.cycle is None or self.cycle.response_complete)

        def _headers_too_slow(self) -> None:
            self._deadline = None
            if self._waiting_for_headers() and not self.transport.is_closing():
                self.logger.warning("closing a connection that sent no complete request headers in %.0f s",
                                    timeout)
                self.transport.close()

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.cycle is not getattr(self, "_armed_for", None):
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()  # may start a pipelined request at once: then no deadline
            if not self.transport.is_closing() and self.cycle.response_complete:
                self._arm()

        def connection_lost(self, exc) -> None:
            self._disarm()
            super().connection_lost(exc)

    return HeaderDeadlineProtocol


def serve_http(backend: Any, *, host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
               max_body_bytes: int = DEFAULT_MAX_BODY, header_timeout: float = HEADER_TIMEOUT) -> None:
    """Run the HTTP front end until interrupted (blocking).

    Raises:
        InvalidInputError: ``host`` is not loopback and ``token`` is ``None``.
    """
    import uvicorn

    if token is None and not _is_loopback(host):
        raise InvalidInputError(f"Refusing to serve on {host!r} without a bearer token (see resolve_token).")
    uvicorn.run(create_app(backend, token=token, max_body_bytes=max_body_bytes), host=host, port=port,
                log_level="warning", timeout_keep_alive=5, limit_concurrency=256,
                http=header_deadline_protocol(header_timeout))

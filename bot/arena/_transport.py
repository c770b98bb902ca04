"""httpx's interface over aiohttp's connection pool, for the Arena client.

httpcore's pool checks every pooled connection on each request and answer: with the 50-odd
connections of a burst that cost ~7 ms of CPU per request (measured: 51 concurrent GETs,
~350 ms of CPU through httpcore, ~30 ms through aiohttp). The client keeps httpx's API.
"""

from __future__ import annotations

import contextlib
import urllib.request
from collections.abc import AsyncIterator, Iterator

import aiohttp
import httpx

# Idle connections are kept this long, so the next lookup skips the TCP (and TLS) handshake.
KEEPALIVE_SECONDS = 30.0
CHUNK = 64 * 1024


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Sends httpx requests through one aiohttp session (opened on first use)."""

    def __init__(self, *, connections: int, keepalive: float = KEEPALIVE_SECONDS) -> None:
        self._connections = connections
        self._keepalive = keepalive
        self._session: aiohttp.ClientSession | None = None
        self._proxy: str | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request`; the body streams (a size cap above can stop reading it)."""
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self._connections, keepalive_timeout=self._keepalive
            )
            # The size cap above decodes Content-Encoding (counting what it decodes); httpx
            # keeps the cookies.
            self._session = aiohttp.ClientSession(
                connector=connector, auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar()
            )
            # The environment's proxy, as httpx would use it, read once (aiohttp's trust_env
            # reads the environment and ~/.netrc in a worker thread for every request).
            self._proxy = _proxy_for(request.url)
        timeout = request.extensions.get("timeout", {})
        with _as_httpx_errors(request):
            answer = await self._session.request(
                request.method,
                str(request.url),
                headers=request.headers.multi_items(),
                data=await request.aread() or None,
                allow_redirects=False,
                proxy=self._proxy,
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=timeout.get("pool"),
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
            )
        return httpx.Response(
            answer.status,
            headers=answer.raw_headers,
            stream=_Body(answer, request),
            request=request,
            extensions={"http_version": b"HTTP/1.1"},
        )

    async def aclose(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()


class _Body(httpx.AsyncByteStream):
    """An aiohttp answer's body as httpx reads it; closing it frees the connection."""

    def __init__(self, answer: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._answer = answer
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx_errors(self._request):
            async for chunk in self._answer.content.iter_chunked(CHUNK):
                yield chunk

    async def aclose(self) -> None:
        self._answer.release()


@contextlib.contextmanager
def _as_httpx_errors(request: httpx.Request) -> Iterator[None]:
    """aiohttp's failures as httpx's, with the request attached (for the timeout's value)."""
    try:
        yield
    except aiohttp.ConnectionTimeoutError as exc:
        raise httpx.ConnectTimeout(str(exc) or "connect timeout", request=request) from exc
    except TimeoutError as exc:  # aiohttp's read timeouts are TimeoutErrors too
        raise httpx.ReadTimeout(str(exc) or "read timeout", request=request) from exc
    except aiohttp.ClientConnectorError as exc:
        raise httpx.ConnectError(str(exc), request=request) from exc
    except aiohttp.ClientError as exc:
        raise httpx.ReadError(str(exc) or type(exc).__name__, request=request) from exc


def _proxy_for(url: httpx.URL) -> str | None:
    """HTTPS_PROXY / HTTP_PROXY / ALL_PROXY for `url`, unless NO_PROXY exempts its host."""
    if urllib.request.proxy_bypass(url.host):
        return None
    proxies = urllib.request.getproxies_environment()
    return proxies.get(url.scheme) or proxies.get("all")

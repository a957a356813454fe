"""One HTTP request, bounded in time and in size, whose failures are one-line reasons."""

from __future__ import annotations

import time
from collections.abc import Mapping

import httpx

MAX_BYTES = 5 * 1024 * 1024


class FetchError(Exception):
    """Why a request gave no answer, in words fit for a status line."""


def new_client(timeout: float) -> httpx.Client:
    # trust_env=False: servers are watched on the internal network; a desktop's
    # HTTP_PROXY is meant for the web and must not see (or break) that traffic.
    return httpx.Client(timeout=timeout, trust_env=False, follow_redirects=False)


def fetch(
    client: httpx.Client,
    url: str,
    *,
    timeout: float,
    max_bytes: int = MAX_BYTES,
    form: Mapping[str, str] | None = None,
) -> tuple[int, bytes]:
    """(status, body) of a GET (or a form POST when `form` is given). Raises FetchError
    when there is no whole answer within `timeout` seconds or within `max_bytes`."""
    deadline = time.monotonic() + timeout
    method = "POST" if form is not None else "GET"
    try:
        with client.stream(method, url, data=form, timeout=timeout) as response:
            return response.status_code, _read(response, deadline, timeout, max_bytes)
    except httpx.TimeoutException:
        raise FetchError(f"no answer within {timeout:g} s") from None
    except httpx.ConnectError as exc:
        raise FetchError(f"cannot connect: {_reason(exc)}") from None
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError, ValueError) as exc:
        raise FetchError(f"{type(exc).__name__}: {_reason(exc)}") from None


def _read(response: httpx.Response, deadline: float, timeout: float, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"answer larger than {_size(max_bytes)}")
    body = bytearray()
    # iter_bytes yields decoded bytes, so a compressed bomb is bounded too
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise FetchError(f"answer larger than {_size(max_bytes)}")
        if time.monotonic() > deadline:  # a slow drip never trips the per-read timeout
            raise FetchError(f"no whole answer within {timeout:g} s")
    return bytes(body)


def _reason(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:g} MB" if count >= 1024 * 1024 else f"{count:,} bytes"

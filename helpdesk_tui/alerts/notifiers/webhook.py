"""Chat-group robots and plain JSON endpoints: DingTalk, WeCom (企业微信), Feishu/Lark, json.

The robot's URL carries its access token in the query string, so only scheme, host and path
are ever logged or shown. httpx itself logs each request URL at INFO: a filter on its logger
removes query strings from those records.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import urlencode, urlsplit

import httpx

from helpdesk_tui.alerts.notifiers.message import Delivery, Notification, failed, log
from helpdesk_tui.alerts.notifiers.settings import WebhookSettings
from helpdesk_tui.safe_text import one_line, printable

DETAIL_LIMIT = 200


class RobotRequest(NamedTuple):
    url: str
    payload: dict[str, Any]


def build_request(
    config: WebhookSettings, notification: Notification, timestamp: float
) -> RobotRequest:
    """What to POST for `config.kind`; `timestamp` (seconds since the epoch) signs it."""
    url = config.url.get_secret_value()
    secret = config.secret.get_secret_value()
    if config.kind == "dingtalk":
        if secret:
            url = _with_query(url, dingtalk_signature(secret, timestamp))
        return RobotRequest(url, dingtalk_payload(notification))
    if config.kind == "wecom":
        return RobotRequest(url, wecom_payload(notification))
    if config.kind == "feishu":
        payload = feishu_payload(notification)
        if secret:
            payload |= feishu_signature(secret, timestamp)
        return RobotRequest(url, payload)
    return RobotRequest(url, json_payload(notification))


def dingtalk_signature(secret: str, timestamp: float) -> dict[str, str]:
    """DingTalk custom robot signing: HMAC-SHA256 of "ms\\nsecret" keyed by the secret."""
    millis = str(int(timestamp * 1000))
    digest = hmac.new(secret.encode(), f"{millis}\n{secret}".encode(), hashlib.sha256).digest()
    return {"timestamp": millis, "sign": base64.b64encode(digest).decode()}


def feishu_signature(secret: str, timestamp: float) -> dict[str, str]:
    """Feishu custom bot signing: HMAC-SHA256 of nothing, keyed by "seconds\\nsecret"."""
    seconds = str(int(timestamp))
    digest = hmac.new(f"{seconds}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return {"timestamp": seconds, "sign": base64.b64encode(digest).decode()}


def _with_query(url: str, params: dict[str, str]) -> str:
    return f"{url}{'&' if urlsplit(url).query else '?'}{urlencode(params)}"


def _plain_text(notification: Notification) -> tuple[str, str]:
    """Title and body with control characters made visible; JSON encoding does the rest."""
    body = printable(notification.body)
    if notification.link:
        body += f"\n{one_line(notification.link)}"
    return one_line(notification.title), body


def _phones(notification: Notification) -> list[str]:
    return [r.phone for r in notification.recipients if r.phone]


def dingtalk_payload(notification: Notification) -> dict[str, Any]:
    title, body = _plain_text(notification)
    phones = _phones(notification)
    # DingTalk only highlights a markdown mention whose "@phone" also appears in the text
    mentions = "\n\n" + " ".join(f"@{phone}" for phone in phones) if phones else ""
    return {
        "msgtype": "markdown",
        "markdown": {"title": title, "text": f"### {title}\n\n{body}{mentions}"},
        "at": {"atMobiles": phones, "isAtAll": False},
    }


def wecom_payload(notification: Notification) -> dict[str, Any]:
    """Markdown, unless someone has a phone: WeCom markdown cannot mention by mobile number,
    so then a text message with `mentioned_mobile_list`, which does ping them."""
    title, body = _plain_text(notification)
    phones = _phones(notification)
    if phones:
        text = {"content": f"{title}\n{body}", "mentioned_mobile_list": phones}
        return {"msgtype": "text", "text": text}
    return {"msgtype": "markdown", "markdown": {"content": f"### {title}\n{body}"}}


def feishu_payload(notification: Notification) -> dict[str, Any]:
    title, body = _plain_text(notification)
    return {"msg_type": "text", "content": {"text": f"{title}\n{body}"}}


def json_payload(notification: Notification) -> dict[str, Any]:
    return {
        "alert_id": notification.alert_id,
        "title": notification.title,
        "body": notification.body,
        "urgency": notification.urgency,
        "recipients": [
            {"login": r.login, "name": r.name, "email": r.email, "phone": r.phone}
            for r in notification.recipients
        ],
        "link": notification.link,
    }


def reply_error(kind: str, response: httpx.Response) -> str | None:
    """Why the robot refused the message (one line), or None when it accepted it."""
    if not response.is_success:
        return f"HTTP {response.status_code}"
    if kind == "json":
        return None
    try:
        answer = response.json()
    except ValueError:
        return f"HTTP {response.status_code} with a reply that is not JSON"
    if not isinstance(answer, dict):
        return "unexpected reply"
    code, message = _robot_status(kind, answer)
    if code == 0:
        return None
    return one_line(f"error {code}: {message}", DETAIL_LIMIT)


def _robot_status(kind: str, answer: dict[str, Any]) -> tuple[object, object]:
    if kind == "feishu":  # current bots answer code/msg, older ones StatusCode/StatusMessage
        if "code" in answer:
            return answer["code"], answer.get("msg", "")
        return answer.get("StatusCode"), answer.get("StatusMessage", "")
    return answer.get("errcode"), answer.get("errmsg", "")


def public_url(url: str) -> str:
    """The URL without query string, fragment or user info: safe to log."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"


class WebhookNotifier:
    def __init__(
        self,
        config: WebhookSettings,
        *,
        now: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._config = config
        self._now = now
        self._transport = transport
        self.channel = f"webhook:{config.label}"

    def send(self, notification: Notification) -> Delivery:
        try:
            request = build_request(self._config, notification, self._now())
            problem = self._post(request)
        except httpx.TimeoutException:
            problem = f"no answer within {self._config.timeout:g} s"
        except Exception as error:  # connection refused, DNS, TLS, a bug: never raised
            problem = self._scrubbed(f"{type(error).__name__}: {error}")
        if problem is not None:
            return failed(self.channel, notification, problem)
        return Delivery(self.channel, ok=True)

    def _post(self, request: RobotRequest) -> str | None:
        with httpx.Client(timeout=self._config.timeout, transport=self._transport) as client:
            response = client.post(request.url, json=request.payload)
        problem = reply_error(self._config.kind, response)
        if problem is not None:
            log.debug("%s answered %s", public_url(request.url), problem)
        return problem

    def _scrubbed(self, text: str) -> str:
        """One line with the URL's secret parts replaced: exception texts may quote it."""
        url = self._config.url.get_secret_value()
        query = urlsplit(url).query
        text = text.replace(url, public_url(url))
        if query:
            text = text.replace(query, "…")
        return one_line(text, DETAIL_LIMIT)


class _HideQueryStrings(logging.Filter):
    """httpx logs 'HTTP Request: POST <url> ...' at INFO; the URL's query holds tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                public_url(str(arg)) if isinstance(arg, httpx.URL) else arg for arg in record.args
            )
        return True


logging.getLogger("httpx").addFilter(_HideQueryStrings())

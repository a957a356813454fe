"""What each robot is sent and how its answer is read. Signatures are recomputed here from
the robots' documented recipes with hmac/base64/urllib, not with the code under test."""

import base64
import hashlib
import hmac
import json
import logging
from urllib.parse import parse_qs, quote_plus, urlsplit

import httpx
import pytest

from helpdesk_tui.alerts.notifiers import Notification, Recipient, WebhookNotifier
from helpdesk_tui.alerts.notifiers.settings import WebhookSettings
from helpdesk_tui.alerts.notifiers.webhook import build_request, public_url, reply_error

NOW = 1_767_225_600.123  # 2026-01-01 08:00:00.123 +08:00
TOKEN = "tok-b7f3e0c1"
SECRET = "SEC1234567890abcdef"
DINGTALK_URL = f"https://oapi.dingtalk.com/robot/send?access_token={TOKEN}"
WANG = Recipient("wang", "王工", email="wang@example.com", phone="13800000001")
LI = Recipient("li", "李工")
ALERT = Notification(
    alert_id=12,
    title="T-000123 紧急 response 75%",
    body="客户: 华东电网\ndue 14:00",
    urgency="warning",
    recipients=(WANG, LI),
    link="T-000123",
)


def _config(kind: str, url: str = DINGTALK_URL, secret: str = "") -> WebhookSettings:
    return WebhookSettings(kind=kind, url=url, secret=secret)


def test_dingtalk_markdown_mentions_phones_in_text_and_at():
    url, payload = build_request(_config("dingtalk"), ALERT, NOW)
    assert url == DINGTALK_URL
    assert payload == {
        "msgtype": "markdown",
        "markdown": {
            "title": "T-000123 紧急 response 75%",
            "text": "### T-000123 紧急 response 75%\n\n客户: 华东电网\ndue 14:00\nT-000123"
            "\n\n@13800000001",
        },
        "at": {"atMobiles": ["13800000001"], "isAtAll": False},
    }


def test_dingtalk_signature_is_appended_to_the_query():
    url, _ = build_request(_config("dingtalk", secret=SECRET), ALERT, NOW)
    timestamp = "1767225600123"
    digest = hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256)
    sign = quote_plus(base64.b64encode(digest.digest()).decode())
    assert url == f"{DINGTALK_URL}&timestamp={timestamp}&sign={sign}"


def test_wecom_markdown_without_phones_text_with_mentions():
    config = _config("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1")
    _, plain = build_request(config, Notification(1, "标题", "正文", "info"), NOW)
    assert plain == {"msgtype": "markdown", "markdown": {"content": "### 标题\n正文"}}
    _, mentioning = build_request(config, ALERT, NOW)
    assert mentioning == {
        "msgtype": "text",
        "text": {
            "content": "T-000123 紧急 response 75%\n客户: 华东电网\ndue 14:00\nT-000123",
            "mentioned_mobile_list": ["13800000001"],
        },
    }


def test_feishu_text_is_signed_in_the_body():
    url = "https://open.feishu.cn/open-apis/bot/v2/hook/abc"
    _, payload = build_request(_config("feishu", url, SECRET), ALERT, NOW)
    digest = hmac.new(f"1767225600\n{SECRET}".encode(), b"", hashlib.sha256).digest()
    assert payload == {
        "msg_type": "text",
        "content": {"text": "T-000123 紧急 response 75%\n客户: 华东电网\ndue 14:00\nT-000123"},
        "timestamp": "1767225600",
        "sign": base64.b64encode(digest).decode(),
    }
    _, unsigned = build_request(_config("feishu", url), ALERT, NOW)
    assert "sign" not in unsigned and "timestamp" not in unsigned


def test_json_carries_every_field_unchanged():
    _, payload = build_request(_config("json", "http://127.0.0.1:9/hook"), ALERT, NOW)
    assert payload == {
        "alert_id": 12,
        "title": "T-000123 紧急 response 75%",
        "body": "客户: 华东电网\ndue 14:00",
        "urgency": "warning",
        "recipients": [
            {"login": "wang", "name": "王工", "email": "wang@example.com", "phone": "13800000001"},
            {"login": "li", "name": "李工", "email": "", "phone": ""},
        ],
        "link": "T-000123",
    }


def test_robot_text_shows_control_characters_instead_of_sending_them():
    hostile = Notification(1, "a\x1b[31m\nb", "line\x07\nnext", "critical")
    _, payload = build_request(_config("feishu", "https://x.example/h"), hostile, NOW)
    assert payload["content"]["text"] == "a\\x1b[31m b\nline\\x07\nnext"


@pytest.mark.parametrize(
    ("kind", "status", "answer", "problem"),
    [
        ("dingtalk", 200, {"errcode": 0, "errmsg": "ok"}, None),
        ("dingtalk", 200, {"errcode": 310000, "errmsg": "sign not match"}, "error 310000: sign"),
        ("wecom", 200, {"errcode": 0, "errmsg": "ok"}, None),
        ("wecom", 200, {"errcode": 93000, "errmsg": "invalid webhook url"}, "error 93000"),
        ("feishu", 200, {"code": 0, "msg": "success", "data": {}}, None),
        ("feishu", 200, {"code": 19021, "msg": "sign match fail"}, "error 19021: sign match"),
        ("feishu", 200, {"StatusCode": 0, "StatusMessage": "success"}, None),
        ("feishu", 200, {"StatusCode": 9499, "StatusMessage": "Bad Request"}, "error 9499"),
        ("dingtalk", 200, "<html>", "HTTP 200 with a reply that is not JSON"),
        ("dingtalk", 500, {"errcode": 0}, "HTTP 500"),
        ("json", 204, None, None),
        ("json", 200, "anything", None),
        ("json", 404, None, "HTTP 404"),
    ],
)
def test_reply_error(kind, status, answer, problem):
    content = answer if isinstance(answer, str) else json.dumps(answer) if answer else ""
    response = httpx.Response(status, content=content.encode())
    found = reply_error(kind, response)
    assert found == problem if problem is None else found.startswith(problem)


def test_public_url_drops_query_and_user_info():
    url = "https://user:pw@oapi.dingtalk.com:8443/robot/send?access_token=abc#frag"
    assert public_url(url) == "https://oapi.dingtalk.com:8443/robot/send"


def test_notifier_posts_the_signed_request_with_the_injected_clock():
    seen: list[httpx.Request] = []

    def robot(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"errcode": 0, "errmsg": "ok"})

    config = _config("dingtalk", secret=SECRET)
    notifier = WebhookNotifier(config, now=lambda: NOW, transport=httpx.MockTransport(robot))
    delivery = notifier.send(ALERT)
    assert (delivery.channel, delivery.ok) == ("webhook:dingtalk", True)
    (request,) = seen
    assert request.method == "POST"
    assert request.headers["content-type"] == "application/json"
    query = parse_qs(urlsplit(str(request.url)).query)
    assert query["access_token"] == [TOKEN]
    assert query["timestamp"] == ["1767225600123"]
    digest = hmac.new(SECRET.encode(), f"1767225600123\n{SECRET}".encode(), hashlib.sha256)
    assert query["sign"] == [base64.b64encode(digest.digest()).decode()]
    assert json.loads(request.content)["markdown"]["title"] == "T-000123 紧急 response 75%"


def test_tokens_stay_out_of_details_and_logs(caplog):
    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}", request=request)

    caplog.set_level(logging.DEBUG)
    refused = WebhookNotifier(_config("dingtalk"), transport=httpx.MockTransport(unreachable))
    answered = WebhookNotifier(
        _config("dingtalk"),
        transport=httpx.MockTransport(lambda request: httpx.Response(403, text=TOKEN)),
    )
    deliveries = [refused.send(ALERT), answered.send(ALERT)]
    assert [d.ok for d in deliveries] == [False, False]
    assert "ConnectError: cannot reach https://oapi.dingtalk.com/robot/send" in deliveries[0].detail
    assert deliveries[1].detail == "HTTP 403"
    assert "https://oapi.dingtalk.com/robot/send" in caplog.text  # httpx's own request log ...
    assert TOKEN not in caplog.text  # ... without the query string
    assert all(TOKEN not in d.detail for d in deliveries)

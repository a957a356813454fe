"""Benchmark: the mail intake parser (issue 8, parts 3 and 5).

    python -m tests.perf.bench_mail_parse [--messages N] [--repetitions R]

Generates an mbox of N messages (default 10 000) with the stdlib `mailbox`, in a temporary
folder, from a mix of the desk's usual mail: plain UTF-8, GB2312 and Big5 with encoded
subjects, a GB2312-labelled GBK body (the fallback path), an Outlook-like HTML-only
reply, a quoted reply chain, a 20 KB attachment, and one message in 20 with an unknown
charset label (the `charset_normalizer` detection path). Then, on the raw messages
read back from the mbox:
- `parse_mail` over all of them: messages per second, median (and slowest) of R runs
  (default 5);
- beside it, the bare stdlib (`BytesParser(policy=default)` + `get_body().get_content()`)
  on the same bytes, to show what the robustness costs;
- reading the raw messages out of the mbox once.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import mailbox
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from email import policy
from email.parser import BytesParser
from pathlib import Path

from helpdesk_tui.intake import ParsedMail, parse_mail

HEAD = "From: {sender}\r\nTo: support@vendor.example\r\nSubject: {subject}\r\n" \
    "Date: Fri, 20 Nov 2026 09:{minute:02d}:00 +0800\r\nMessage-ID: <bench-{n}@example.cn>\r\n" \
    "MIME-Version: 1.0\r\n"  # fmt: skip


def _word(text: str, charset: str, codec: str | None = None) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(codec or charset)).decode()}?="


def _plain_utf8(n: int) -> bytes:
    head = HEAD.format(sender="Li Ming <liming@example.cn>", minute=n % 60, n=n,
                       subject=_word(f"打印机无法连接服务器 #{n}", "utf-8"))  # fmt: skip
    body = "你好：\r\n\r\n打印机从今天早上开始无法连接服务器，请尽快处理。\r\n\r\n李明\r\n" * 3
    return (head + "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n" + body).encode()  # fmt: skip


def _gb2312(n: int) -> bytes:
    head = HEAD.format(sender=_word("王工", "gb2312") + " <wang@example.cn>", minute=n % 60,
                       n=n, subject=_word(f"回复: [T-{n:06d}] 系统无法登录", "gb2312"))  # fmt: skip
    body = "系统登录时提示密码错误，但密码是正确的。请协助检查账号状态。\r\n" * 5
    return (head + 'Content-Type: text/plain; charset="gb2312"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n").encode() + base64.encodebytes(
        body.encode("gb2312"))  # fmt: skip


def _gbk_as_gb2312(n: int) -> bytes:
    head = HEAD.format(sender="wangrong@example.cn", minute=n % 60, n=n,
                       subject=_word("镕铸车间工单", "gb2312", "gbk"))  # fmt: skip
    body = "王镕反馈：系统页面一直转圈，喆总要求今天解决。\r\n" * 5
    return (head + 'Content-Type: text/plain; charset="gb2312"\r\n'
            "Content-Transfer-Encoding: 8bit\r\n\r\n").encode() + body.encode("gbk")  # fmt: skip


def _big5(n: int) -> bytes:
    head = HEAD.format(sender=_word("陳小姐", "big5") + " <chen@example.com.tw>", minute=n % 60,
                       n=n, subject=_word("系統無法登入，請協助處理", "big5"))  # fmt: skip
    body = "今天上午起全公司無法登入售後系統，錯誤代碼 E1024。\r\n" * 5
    return (head + "Content-Type: text/plain; charset=big5\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n").encode() + body.encode("big5")  # fmt: skip


def _outlook_html(n: int) -> bytes:
    head = HEAD.format(sender="Liu Yang <liuyang@example.cn>", minute=n % 60, n=n,
                       subject=_word(f"答复: 工单 [T-{n:06d}]", "gb2312"))  # fmt: skip
    html = (
        "<html><head><style>p.MsoNormal{margin:0}</style></head><body><div>"
        "<p class=MsoNormal>张工，您好：</p><p class=MsoNormal>附上故障清单：<br>三号机柜。</p>"
        "<ul><li>核心交换机 掉线</li><li>防火墙 告警</li></ul>"
        "<table><tr><td>SW-01</td><td>离线</td></tr><tr><td>FW-02</td><td>告警</td></tr></table>"
        "<p>详情见 <a href='https://status.example.cn/i/42'>故障页面</a></p>"
        "<div style='border-top:solid #E1E1E1 1.0pt'><p><b>发件人:</b> 技术支持<br>"
        "<b>发送时间:</b> 2026年11月19日 18:00</p></div><p>请提供故障设备清单。</p>"
        "</div></body></html>"
    )
    return (head + 'Content-Type: text/html; charset="gb2312"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n").encode() + base64.encodebytes(
        html.encode("gb2312"))  # fmt: skip


def _reply_chain(n: int) -> bytes:
    head = HEAD.format(sender="lisi@example.cn", minute=n % 60, n=n,
                       subject=f"Re: [T-{n:06d}] login fails")  # fmt: skip
    body = ("Fixed after the restart, thanks!\r\n\r\n"
            "On Fri, Nov 20, 2026 at 10:00 AM Support <support@vendor.example> wrote:\r\n"
            + "> Please restart the service and tell us.\r\n" * 10)  # fmt: skip
    return (head + "Content-Type: text/plain; charset=us-ascii\r\n\r\n" + body).encode()


def _with_attachment(n: int) -> bytes:
    head = HEAD.format(sender="buyer@example.cn", minute=n % 60, n=n, subject="logs attached")
    log = base64.encodebytes(bytes(range(256)) * 80).decode()  # 20 KB
    return (head + 'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\n'
            "Content-Type: text/plain; charset=utf-8\r\n\r\nSee the attached log.\r\n--B\r\n"
            'Content-Type: application/gzip; name="server.log.gz"\r\n'
            'Content-Disposition: attachment; filename="server.log.gz"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n" + log + "--B--\r\n").encode()  # fmt: skip


def _unknown_charset(n: int) -> bytes:
    head = HEAD.format(sender="report@example.cn", minute=n % 60, n=n, subject="monthly report")
    body = "尊敬的客户您好：本月巡检已完成，服务器运行状态良好，数据库备份正常。\r\n" * 4
    head += "Content-Type: text/plain; charset=x-unknown\r\nContent-Transfer-Encoding: 8bit\r\n"
    return (head + "\r\n").encode() + body.encode("gb18030")


KINDS: list[Callable[[int], bytes]] = [
    _plain_utf8, _gb2312, _gbk_as_gb2312, _big5, _outlook_html, _reply_chain, _with_attachment,
]  # fmt: skip


def generated(n: int) -> bytes:
    return _unknown_charset(n) if n % 20 == 19 else KINDS[n % len(KINDS)](n)


def build_mbox(path: Path, count: int) -> None:
    box = mailbox.mbox(path)
    box.lock()
    try:
        for n in range(count):
            box.add(generated(n))
        box.flush()
    finally:
        box.unlock()
        box.close()


def read_mbox(path: Path) -> list[bytes]:
    box = mailbox.mbox(path)
    try:
        return [box.get_bytes(key) for key in box.iterkeys()]
    finally:
        box.close()


def _stdlib_only(raw: bytes) -> None:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    body = message.get_body(preferencelist=("plain", "html"))
    if body is not None:
        with contextlib.suppress(LookupError):  # it gives up on an unknown charset
            body.get_content()


def _rate(function: Callable[[bytes], object], messages: list[bytes]) -> float:
    began = time.perf_counter()
    for raw in messages:
        function(raw)
    return len(messages) / (time.perf_counter() - began)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--messages", type=int, default=10_000)
    options.add_argument("--repetitions", type=int, default=5)
    arguments = options.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.mbox"
        build_mbox(path, arguments.messages)
        size = path.stat().st_size
        began = time.perf_counter()
        messages = read_mbox(path)
        read_rate = len(messages) / (time.perf_counter() - began)
    outcomes = Counter(type(parse_mail(raw)).__name__ for raw in messages)
    fallbacks = Counter(
        flag.split(":")[0]
        for raw in messages
        if isinstance(mail := parse_mail(raw), ParsedMail)
        for flag in mail.flags
    )
    ours = [_rate(parse_mail, messages) for _ in range(arguments.repetitions)]
    stdlib = [_rate(_stdlib_only, messages) for _ in range(arguments.repetitions)]
    print(f"{len(messages):,} messages, mbox {size / 1e6:.1f} MB; outcomes {dict(outcomes)};"
          f" flags {dict(fallbacks)}\n")  # fmt: skip
    print(f"| figure (median of {arguments.repetitions} runs) | messages/s | slowest run |")
    print("|---|---:|---:|")
    print(f"| `parse_mail` | {statistics.median(ours):,.0f} | {min(ours):,.0f} |")
    print(f"| bare stdlib parse + body | {statistics.median(stdlib):,.0f} | {min(stdlib):,.0f} |")
    print(f"| reading the mbox (`mailbox.mbox.get_bytes`, once) | {read_rate:,.0f} | — |")


if __name__ == "__main__":
    main()

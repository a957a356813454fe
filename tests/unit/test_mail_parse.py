"""The mail parser (intake.parse): the hand-made corpus under tests/data/mail, CPython's
e-mail test messages, limits, quarantine, ticket tokens, HTML to text, and arbitrary
bytes that must never raise."""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk_tui.intake import ParsedMail, Quarantined, parse_mail, ticket_token
from helpdesk_tui.intake.html_text import html_to_text
from helpdesk_tui.intake.parse import MAX_BODY_CHARS

CORPUS = Path(__file__).parents[1] / "data" / "mail"
CPYTHON = CORPUS / "cpython"


def parsed(name: str, **limits: int) -> ParsedMail:
    result = parse_mail((CORPUS / name).read_bytes(), **limits)
    assert isinstance(result, ParsedMail), getattr(result, "reason", result)
    return result


# The exact subjects, sender names and flags of the hand-made corpus.
EXPECTED = [
    ("gb2312_plain.eml", "打印机无法连接服务器", "李明", ()),
    ("gbk_body.eml", "回复: 系统登录异常（朱镕基路分公司）", "Wang Zhe", ()),
    ("gb18030.eml", "数据库报错 𠮷 ＆ €", "", ()),
    ("gb2312_really_gbk.eml", "镕铸车间的工单系统无法打开", "王镕",
     ("charset-fallback:gb2312→gb18030",)),
    ("big5.eml", "系統無法登入，請協助處理", "陳小姐", ()),
    ("iso2022jp.eml", "請求書の件について", "山田太郎", ()),
    ("utf8_as_latin1.eml", "发票抬头需要修改", "Sun Li", ("charset-mislabelled:iso-8859-1→utf-8",)),
    ("raw_8bit_headers.eml", "网络中断 — 机房二楼", "周杰",
     ("header-8bit", "charset-assumed:none→utf-8")),
    ("no_message_id.eml", "没有 Message-ID 的邮件", "Li Lei", ("no-message-id",)),
    ("outlook_html_only.eml", "答复: 工单 [T-000042]", "刘洋", ("html-only", "quotes-trimmed")),
    ("reply_chain.eml", "Re: 回复: [T-000123] 系统无法登录", "李四", ("quotes-trimmed",)),
    ("qq_reply.eml", "回复：【T-000077】上门巡检安排", "王工", ("quotes-trimmed",)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "subject", "sender_name", "flags"), EXPECTED)
def test_corpus_subjects_senders_and_flags(
    name: str, subject: str, sender_name: str, flags: tuple[str, ...]
) -> None:
    mail = parsed(name)
    assert mail.subject == subject
    assert mail.sender_name == sender_name
    assert mail.flags == flags


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("gb2312_plain.eml", "你好：\n\n我们办公室的打印机从今天早上开始无法连接服务器，"
         "请尽快安排工程师处理。\n\n谢谢！\n李明"),
        ("gbk_body.eml", "服务器上的喆字和镕字显示不出来。"),
        ("gb18030.eml", "错误信息里有生僻字：𠮷野家、䶮。"),
        ("gb2312_really_gbk.eml", "王镕反馈：系统页面一直转圈。"),
        ("iso2022jp.eml", "お世話になっております。\nライセンスの請求書を再発行してください。"),
        ("utf8_as_latin1.eml", "请把发票抬头改成：北京某某科技有限公司。\nCafé 的账单也一起改。"),
        ("raw_8bit_headers.eml", "二楼机房的交换机从下午两点起断网。"),
        ("reply_chain.eml", "问题已经解决了，谢谢！\n\n重启之后一切正常。"),
        ("qq_reply.eml", "收到，明天上午十点上门。"),
    ],
)  # fmt: skip
def test_corpus_bodies(name: str, body: str) -> None:
    assert parsed(name).body == body


def test_unknown_charset_body_is_detected_and_flagged() -> None:
    mail = parsed("unknown_charset.eml")
    assert mail.subject == "月度巡检报告"
    assert mail.body.startswith("尊敬的客户您好：\n\n本月巡检已完成，服务器运行状态良好")
    assert "charset-unknown:x-unknown-cs" in mail.flags
    assert mail.has_flag("charset-detected")


def test_headers_ids_addresses_and_date() -> None:
    mail = parsed("reply_chain.eml")
    assert mail.message_id == "reply-2@example.cn"
    assert mail.in_reply_to == "reply-1@vendor.example"
    assert mail.references == ("ticket-123@vendor.example", "reply-1@vendor.example")
    assert mail.sender_address == "lisi@example.cn"
    assert mail.to == ("support@vendor.example",)
    assert mail.date == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert "> 请尝试重启服务。" in mail.body_full  # the full text is kept beside the trimmed one


def test_html_only_outlook_mail_reads_as_text() -> None:
    mail = parsed("outlook_html_only.eml")
    assert mail.body == (
        "张工，您好：\n\n附上故障清单，请查收：\n设备都在三号机柜。\n\n"
        "- 核心交换机 掉线\n- 防火墙 告警\n\n1. 先重启\n2. 再检查日志\n\n"
        "设备 | 状态\nSW-01 | 离线\n\n"
        "详情见 故障页面 (https://status.example.cn/incident/42)，"
        "或发邮件到 ops@example.cn。\n\n刘洋"
    )
    assert "发件人: 技术支持 <support@vendor.example>" in mail.body_full
    assert "alert" not in mail.body_full and "MsoNormal" not in mail.body_full


def test_missing_message_id_gets_a_stable_synthetic_one() -> None:
    raw = (CORPUS / "no_message_id.eml").read_bytes()
    first, again = parse_mail(raw), parse_mail(raw)
    other = parse_mail(raw + b"\r\nmore")
    assert isinstance(first, ParsedMail) and isinstance(again, ParsedMail)
    assert isinstance(other, ParsedMail)
    assert first.message_id == again.message_id != other.message_id
    assert first.message_id.endswith("@intake.invalid")


def test_broken_headers_are_survived_and_flagged() -> None:
    mail = parsed("broken_headers.eml")
    assert mail.sender_address == "broken@example.com"
    assert mail.date is None and "bad-date" in mail.flags
    assert mail.subject.startswith("故障 ")
    assert "\x1b" not in mail.subject and "\x1b" not in mail.body_full
    assert mail.to == ()
    mail.body_full.encode("utf-8")  # no lone surrogates left from undecodable bytes


def test_attachments_names_sizes_and_the_size_limit() -> None:
    mail = parsed("attachments.eml", max_attachment=1024)
    small, big = mail.attachments
    assert (small.name, small.size, small.omitted) == ("报价单.xlsx", 22, False)
    assert small.data.startswith(b"PK\x03\x04")
    assert (big.name, big.size, big.omitted, big.data) == ("server.log.gz", 4096, True, b"")
    assert mail.flags == ("attachment-too-large:server.log.gz",)
    assert mail.body == "See attached."
    assert parsed("attachments.eml").attachments[1].data == bytes(range(256)) * 16


@pytest.mark.parametrize(
    ("name", "reason"),
    [("no_sender.eml", "no-sender"), ("not_a_mail.bin", "not-a-mail")],
)
def test_messages_that_make_no_sense_are_quarantined_with_raw_kept(name: str, reason: str) -> None:
    raw = (CORPUS / name).read_bytes()
    result = parse_mail(raw)
    assert isinstance(result, Quarantined)
    assert result.reason.startswith(reason + ":")
    assert result.raw == raw


def test_a_message_over_the_total_limit_is_quarantined_unread() -> None:
    raw = (CORPUS / "gb2312_plain.eml").read_bytes()
    result = parse_mail(raw, max_bytes=100)
    assert isinstance(result, Quarantined)
    assert result.reason == f"too-large: {len(raw)} bytes, the limit is 100"
    assert result.raw == raw
    assert isinstance(parse_mail(b""), Quarantined)


def test_control_characters_never_survive_in_subject_names_or_body() -> None:
    raw = (
        b'From: "Evil\x1b]8;;http://x\x07Name" <evil@example.com>\r\n'
        b"Subject: =?utf-8?B?G1szMW1yZWQbWzBtIOKArmdubw==?=\r\n"
        b"Message-ID: <x@y>\r\n\r\nline\x1b[2J one\r\x00two\xc2\x9b\r\n"
    )
    mail = parse_mail(raw)
    assert isinstance(mail, ParsedMail)
    for text in (mail.subject, mail.sender_name, mail.body_full):
        assert not any(ord(char) < 0x20 and char not in "\n\t" for char in text)
        assert "\u202e" not in text and "\x9b" not in text
    assert mail.subject == "[31mred[0m gno"
    assert mail.body_full == "line[2J one\ntwo"


@pytest.mark.parametrize(
    ("subject", "number"),
    [
        ("[T-000123] 系统无法登录", 123),
        ("Re: 回复: [T-000123]", 123),
        ("答复: 工单 [T-000042]", 42),
        ("回复：【T-000077】上门巡检安排", 77),
        ("Re: ［Ｔ－０００１２３］", 123),
        ("RE: [t-5] lower case", 5),
        ("Fwd: [ T-000009 ] spaced", 9),
        ("no token here", None),
        ("T-000123 without brackets", None),
        ("[T-000000] zero", None),
        ("", None),
    ],
)
def test_ticket_token(subject: str, number: int | None) -> None:
    assert ticket_token(subject) == number


def test_every_cpython_test_message_parses_or_is_quarantined_with_a_reason() -> None:
    files = sorted(CPYTHON.glob("msg_*.txt"))
    assert len(files) == 48, "tests/data/mail/cpython is incomplete (see NOTICE.md)"
    kinds = {}
    for path in files:
        result = parse_mail(path.read_bytes())
        assert isinstance(result, ParsedMail | Quarantined)
        if isinstance(result, Quarantined):
            assert result.reason.split(":")[0] in {"no-sender", "not-a-mail"}, path.name
        kinds[path.name] = type(result).__name__
    assert kinds["msg_01.txt"] == "ParsedMail"
    assert kinds["msg_19.txt"] == "Quarantined"  # starts with a "From " line, no headers
    assert sum(kind == "ParsedMail" for kind in kinds.values()) >= 38


def test_cpython_samples_read_as_expected() -> None:
    dingus = parse_mail((CPYTHON / "msg_07.txt").read_bytes())
    assert isinstance(dingus, ParsedMail)
    assert dingus.subject == "Here is your dingus fish"
    assert [a.name for a in dingus.attachments] == ["dingusfish.gif"]
    assert dingus.attachments[0].data.startswith(b"GIF87a")
    inline_text = parse_mail((CPYTHON / "msg_04.txt").read_bytes())
    assert isinstance(inline_text, ParsedMail)
    assert inline_text.body.count("a simple kind of mirror") == 2  # inline parts are body


def test_parsing_straight_from_an_mbox(tmp_path: Path) -> None:
    box = mailbox.mbox(tmp_path / "in.mbox")
    for name, *_ in EXPECTED:
        box.add((CORPUS / name).read_bytes())
    box.flush()
    subjects = [parse_mail(box.get_bytes(key)).subject for key in box.iterkeys()]  # type: ignore[union-attr]
    assert subjects == [subject for _, subject, *_ in EXPECTED]


# HTML to text


def test_html_links_lists_tables_and_dropped_parts() -> None:
    html = (
        "<html><head><title>t</title><style>p{}</style></head><body>"
        "<h1>Title</h1><p>One<br/>two &amp; <b>three</b></p>"
        "<script>evil()</script>"
        "<ul><li>a<ul><li>nested</li></ul></li><li>b</li></ul>"
        "<p><a href='https://x.example/'>https://x.example</a> "
        "<a href='javascript:evil()'>click</a> <a href='https://y.example/q?a=1'>Y</a></p>"
        "<table><tr><td>1</td><td>2</td></tr><tr><td>3</td><td>4</td></tr></table>"
        "<blockquote>quoted<br>more</blockquote><pre>  keep\n    this</pre></body></html>"
    )
    assert html_to_text(html) == (
        "Title\n\nOne\ntwo & three\n\n- a\n  - nested\n- b\n\n"
        "https://x.example click Y (https://y.example/q?a=1)\n\n1 | 2\n3 | 4\n\n"
        "> quoted\n> more\n\n  keep\n    this"
    )


def test_broken_html_still_reads() -> None:
    assert html_to_text("<p>unclosed <b>bold <i>and <div>more") == "unclosed bold and\nmore"
    assert html_to_text("<<>>&&;<p>") == "<<>>&&;"


# Bad input never raises


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    result = parse_mail(raw)
    assert isinstance(result, ParsedMail | Quarantined)
    assert result.raw == raw


_HEADER_NAMES = st.sampled_from(
    ["From", "To", "Cc", "Subject", "Date", "Message-ID", "References", "In-Reply-To",
     "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "MIME-Version"]
)  # fmt: skip
_VALUES = st.one_of(
    st.binary(max_size=80),
    st.sampled_from([
        b"=?gb2312?B?tPLTobv6?=", b"a@b.c", b"<x@y>", b"multipart/mixed; boundary=B",
        b"text/html; charset=gbk", b"base64", b"quoted-printable", b"attachment; filename*=x",
        b"Fri, 20 Nov 2026 10:00:00 +0800", b"=?x?Q?=ZZ?=", b"\"\\", b"<>",
    ]),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    headers=st.lists(st.tuples(_HEADER_NAMES, _VALUES), max_size=10),
    body=st.lists(st.one_of(st.binary(max_size=60), st.just(b"--B"), st.just(b"--B--")),
                  max_size=8),
)  # fmt: skip
def test_mail_shaped_garbage_never_raises(
    headers: list[tuple[str, bytes]], body: list[bytes]
) -> None:
    raw = b"".join(name.encode() + b": " + value + b"\r\n" for name, value in headers)
    raw += b"\r\n" + b"\r\n".join(body)
    result = parse_mail(raw, max_attachment=50)
    assert isinstance(result, ParsedMail | Quarantined)
    if isinstance(result, ParsedMail):
        for text in (result.subject, result.sender_name, result.body, result.body_full):
            text.encode("utf-8")
            assert "\x1b" not in text


def _nested(depth: int) -> bytes:
    head = b'From: a@b.c\r\nContent-Type: multipart/mixed; boundary="B0"\r\n\r\n'
    opened = b"".join(
        b'--B%d\r\nContent-Type: multipart/mixed; boundary="B%d"\r\n\r\n' % (level - 1, level)
        for level in range(1, depth)
    )
    return head + opened + b"--B%d\r\nContent-Type: text/plain\r\n\r\ndeep\r\n" % (depth - 1)


def test_nesting_is_bounded() -> None:
    shallow = parse_mail(_nested(10))
    assert isinstance(shallow, ParsedMail) and shallow.body == "deep"
    deep = parse_mail(_nested(50))
    assert isinstance(deep, ParsedMail) and "too-deep" in deep.flags
    absurd = parse_mail(_nested(3000))  # the stdlib parser would recurse for seconds
    assert isinstance(absurd, Quarantined)
    assert absurd.reason == "too-complex: more than 200 multipart parts"


def test_non_breaking_spaces_from_outlook_read_as_spaces() -> None:
    assert html_to_text("<p>a&nbsp;&nbsp;b</p><p>&nbsp;</p><p>c</p>") == "a b\n\nc"


def test_office_marked_sections_and_broken_declarations_are_skipped() -> None:
    html = "<p>a</p><![if !supportLists]><span>1.</span><![endif]>item<![x;<!weird decl>b"
    assert html_to_text(html) == "a\n\n1.itemb"


_HTML_PIECES = st.sampled_from(
    ["<", ">", "<!", "<![", "]]>", "<?", "</", "<!--", "-->", "p", "li", "ul", "ol", "br",
     "pre", "td", "tr", "a href=", "blockquote", "script", "/", '"', "=", "&", "#x;", " ",
     "文字", "\n"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_HTML_PIECES, max_size=40))
def test_arbitrary_markup_never_raises(pieces: list[str]) -> None:
    assert isinstance(html_to_text("".join(pieces)), str)


def test_an_empty_plain_alternative_gives_way_to_the_html_one() -> None:
    raw = (
        b'From: a@b.c\r\nMessage-ID: <alt@b.c>\r\nContent-Type: multipart/alternative; boundary="A"'
        b"\r\n\r\n--A\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n \r\n"
        b"--A\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>only <b>here</b></p>\r\n--A--\r\n"
    )
    mail = parse_mail(raw)
    assert isinstance(mail, ParsedMail)
    assert (mail.body, mail.flags) == ("only here", ("html-only", "no-date"))


def test_huge_headers_are_cut_and_flagged() -> None:
    recipients = b", ".join(b"user%d@example.com" % n for n in range(50_000))  # about 1 MB
    mail = parse_mail(b"From: a@b.c\r\nTo: " + recipients + b"\r\nMessage-ID: <h@b.c>\r\n\r\nx")
    assert isinstance(mail, ParsedMail)
    assert "header-truncated:to" in mail.flags
    assert 3000 < len(mail.to) < 4000  # what fits in 64 KiB
    assert mail.to[0] == "user0@example.com"


def test_long_bodies_are_cut_and_flagged() -> None:
    html = b"<p>" + b"word " * 250_000 + b"</p>"  # 1.25 MB: over the converter's bound
    mail = parse_mail(b"From: a@b.c\r\nContent-Type: text/html\r\n\r\n" + html)
    assert isinstance(mail, ParsedMail)
    assert {"html-only", "body-truncated"} <= set(mail.flags)
    assert len(mail.body_full) <= MAX_BODY_CHARS
    assert "quotes-trimmed" not in mail.flags  # cutting is not trimming

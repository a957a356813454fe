"""Decoding mail bytes and header encoded-words (intake.charsets): the declared charset,
its superset, mislabelled UTF-8, detection, replacement — each fallback flagged."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpdesk_tui.intake.charsets import codec_for, decode_bytes, decode_header_bytes


def b_word(text: str, charset: str, codec: str | None = None) -> bytes:
    payload = base64.b64encode(text.encode(codec or charset)).decode()
    return f"=?{charset}?B?{payload}?=".encode()


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("gb2312", "gb2312"),
        ("GBK", "gbk"),
        ("x-gbk", "gbk"),
        ("cp936", "gbk"),
        ('"GB18030"', "gb18030"),
        ("big5", "big5"),
        ("ISO-2022-JP", "iso2022_jp"),
        ("utf8", "utf-8"),
        ("unicode-1-1-utf-8", "utf-8"),
        ("x-unknown", None),
        ("", None),
        (None, None),
        # Python codecs that are not text encodings, or that no mail may choose.
        ("zlib", None),
        ("base64", None),
        ("rot13", None),
        ("unicode_escape", None),
    ],
)
def test_labels_map_to_safe_text_codecs(label: str | None, codec: str | None) -> None:
    assert codec_for(label) == codec


def test_plain_gb2312_decodes_without_a_flag() -> None:
    decoded = decode_bytes("打印机无法连接服务器".encode("gb2312"), "gb2312")
    assert decoded == decode_bytes("打印机无法连接服务器".encode("gb2312"), "GB2312")
    assert decoded.text == "打印机无法连接服务器"
    assert decoded.flags == ()


@pytest.mark.parametrize("label", ["gb2312", "GB2312", "euc-cn"])
def test_gbk_only_characters_under_gb2312_fall_back_to_gb18030(label: str) -> None:
    decoded = decode_bytes("朱镕基路的王喆".encode("gbk"), label)
    assert decoded.text == "朱镕基路的王喆"
    assert decoded.flags == (f"charset-fallback:{label.lower()}→gb18030",)


def test_four_byte_gb18030_characters_under_gbk_fall_back() -> None:
    decoded = decode_bytes("生僻字𠮷".encode("gb18030"), "x-gbk")
    assert decoded.text == "生僻字𠮷"
    assert decoded.flags == ("charset-fallback:x-gbk→gb18030",)


def test_hong_kong_characters_under_big5_fall_back_to_big5hkscs() -> None:
    text = "香港的𥚃字"
    decoded = decode_bytes(text.encode("big5hkscs"), "big5")
    assert decoded.text == text
    assert decoded.flags == ("charset-fallback:big5→big5hkscs",)


def test_iso_2022_jp_is_decoded_although_its_bytes_are_ascii() -> None:
    decoded = decode_bytes("請求書の件".encode("iso2022_jp"), "iso-2022-jp")
    assert decoded.text == "請求書の件"
    assert decoded.flags == ()


@pytest.mark.parametrize("label", ["iso-8859-1", "latin1", "windows-1252", "us-ascii"])
def test_utf8_under_a_single_byte_label_is_read_as_utf8(label: str) -> None:
    decoded = decode_bytes("发票 Café".encode(), label)
    assert decoded.text == "发票 Café"
    assert decoded.flags[-1].endswith("→utf-8")


def test_real_latin1_text_stays_latin1() -> None:
    decoded = decode_bytes("Café, déjà vu".encode("latin-1"), "iso-8859-1")
    assert decoded.text == "Café, déjà vu"
    assert decoded.flags == ()


def test_utf8_mislabelled_gbk_is_recognised() -> None:
    # Valid UTF-8 also decodes as GBK, into rare characters: the plausible reading wins.
    text = "系统无法登录，请尽快处理"
    decoded = decode_bytes(text.encode(), "gbk")
    assert decoded.text == text
    assert decoded.flags == ("charset-mislabelled:gbk→utf-8",)


def test_unknown_label_falls_back_to_utf8_then_detection() -> None:
    as_utf8 = decode_bytes("月度巡检报告".encode(), "x-unknown-cs")
    assert as_utf8.text == "月度巡检报告"
    assert as_utf8.flags == (
        "charset-unknown:x-unknown-cs",
        "charset-mislabelled:x-unknown-cs→utf-8",
    )
    text = "尊敬的客户您好：本月巡检已完成，服务器运行状态良好，数据库备份正常。" * 3
    detected = decode_bytes(text.encode("gb18030"), "x-unknown-cs")
    assert detected.text == text
    assert detected.flags[0] == "charset-unknown:x-unknown-cs"
    assert detected.flags[1].startswith("charset-detected:")


def test_no_label_and_utf8_bytes_is_flagged_as_assumed() -> None:
    decoded = decode_bytes("二楼机房断网".encode(), None)
    assert decoded.text == "二楼机房断网"
    assert decoded.flags == ("charset-assumed:none→utf-8",)


def test_utf8_label_with_gbk_bytes_is_detected() -> None:
    text = "二楼机房的交换机从下午两点起断网，请派工程师到现场检查线路和设备。" * 2
    decoded = decode_bytes(text.encode("gbk"), "utf-8")
    assert decoded.flags[0].startswith("charset-detected:")
    assert decoded.text == text


@pytest.mark.parametrize(
    ("text", "encoding", "flag"),
    [
        ("你好", "gbk", "charset-detected:gb18030"),
        ("服务器宕机", "gbk", "charset-detected:gb18030"),
        ("王镕反馈", "gbk", "charset-detected:gb18030"),
        ("你好", "big5", "charset-detected:big5"),
        ("系統無法登入", "big5", "charset-detected:big5"),
        ("伺服器當機", "big5", "charset-detected:big5"),
    ],
)
def test_short_chinese_text_under_a_wrong_label_is_guessed(
    text: str, encoding: str, flag: str
) -> None:
    # Statistical detection reads such short strings as Korean; the desk's guess does not.
    decoded = decode_bytes(text.encode(encoding), "utf-8")
    assert (decoded.text, decoded.flags) == (text, (flag,))


def test_undecodable_bytes_end_in_replacement_characters_and_a_flag() -> None:
    decoded = decode_bytes(b"\xff\xfe\xfd\x80", "utf-8")
    assert "\ufffd" in decoded.text or decoded.flags[-1].startswith("charset-detected:")
    assert decoded.flags  # never silently


def test_header_words_in_several_charsets() -> None:
    raw = b_word("回复: ", "gb2312") + b" " + b_word("系統", "big5") + b" [T-000123]"
    decoded = decode_header_bytes(raw)
    assert decoded.text == "回复: 系統 [T-000123]"
    assert decoded.flags == ()


def test_header_word_labelled_gb2312_with_gbk_characters_is_repaired() -> None:
    decoded = decode_header_bytes(b_word("镕铸车间", "gb2312", codec="gbk"))
    assert decoded.text == "镕铸车间"
    assert decoded.flags == ("charset-fallback:gb2312→gb18030",)


def test_a_character_split_over_two_words_is_joined() -> None:
    data = "系統無法登入".encode("big5")
    first, second = base64.b64encode(data[:3]).decode(), base64.b64encode(data[3:]).decode()
    raw = f"=?big5?B?{first}?=\r\n =?big5?B?{second}?=".encode()
    assert decode_header_bytes(raw).text == "系統無法登入"


def test_q_words_and_raw_8bit_headers() -> None:
    assert decode_header_bytes(b"=?utf-8?Q?caf=C3=A9_au_lait?=").text == "café au lait"
    raw_utf8 = decode_header_bytes("网络中断".encode())
    assert raw_utf8.text == "网络中断"
    assert "header-8bit" in raw_utf8.flags


def test_a_broken_word_is_kept_as_text_and_flagged() -> None:
    decoded = decode_header_bytes(b"=?utf-8?B?####?= and =?utf-8?Q?unterminated")
    assert "=?utf-8?Q?unterminated" in decoded.text


@given(data=st.binary(max_size=400), label=st.sampled_from(
    [None, "", "utf-8", "gb2312", "gbk", "big5", "iso-2022-jp", "iso-8859-1", "x-bogus",
     "zlib", "utf-7", "utf-16"]))  # fmt: skip
def test_arbitrary_bytes_never_raise(data: bytes, label: str | None) -> None:
    decoded = decode_bytes(data, label)
    assert isinstance(decoded.text, str)
    decoded.text.encode("utf-8")  # no lone surrogates


@given(st.binary(max_size=300))
def test_arbitrary_header_bytes_never_raise(data: bytes) -> None:
    assert isinstance(decode_header_bytes(b"=?gb2312?B?" + data + b"?= " + data).text, str)

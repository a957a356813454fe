"""Trimming quoted replies (intake.quotes): the reply headers of common clients, ">"
lines, and never trimming everything."""

from __future__ import annotations

import pytest

from helpdesk_tui.intake.quotes import trim_quoted

REPLY = "问题已经解决了，谢谢！\n重启之后一切正常。"


@pytest.mark.parametrize(
    "header",
    [
        "On Fri, Nov 20, 2026 at 10:00 AM Zhang San <zhangsan@example.cn> wrote:",
        "On 2026-11-20 10:00, support@vendor.example wrote:",
        '在 2026-11-19 20:00:00，"李四" <lisi@example.cn> 写道：',
        "在 2026年11月19日 20:00，李四 写道:",
        "张三 <zhangsan@example.cn> 于2026年11月20日周五 10:00写道：",
        "-----Original Message-----",
        "----- Original Message -----",
        "-----原始邮件-----",
        "------------------\u00a0原始邮件\u00a0------------------",
        "------------------ 原始邮件 ------------------",
    ],
)
def test_text_below_a_reply_header_is_trimmed(header: str) -> None:
    text = f"{REPLY}\n\n{header}\n请尝试重启服务。\n\n售后服务台"
    assert trim_quoted(text) == REPLY


def test_gmail_header_wrapped_over_two_lines() -> None:
    header = "On Fri, Nov 20, 2026 at 10:00 AM Zhang San <\nzhangsan@example.cn> wrote:"
    text = f"{REPLY}\n\n{header}\n> old"
    assert trim_quoted(text) == REPLY


@pytest.mark.parametrize(
    "block",
    [
        # Outlook (English), with its underscore separator
        "________________________________\nFrom: Support <support@vendor.example>\n"
        "Sent: Thursday, November 19, 2026 6:00 PM\nTo: Liu Yang\nSubject: [T-000042]",
        # Outlook / Foxmail (Chinese)
        "发件人: 技术支持 <support@vendor.example>\n发送时间: 2026年11月19日 18:00\n"
        "收件人: 刘洋\n主题: 工单 [T-000042]",
        # Foxmail with full-width colons and a Date line
        "发件人：售后服务台\n日期：2026-11-19 18:00\n收件人：刘洋\n主题：回复：工单",
        # NetEase / QQ after an "原始邮件" line the block starts with 发件人
        'From: "售后服务台"<support@vendor.example>;\nDate: Fri, 20 Nov 2026 20:00\n',
        # Outlook HTML turned into text keeps the bold markers
        "**From:** Support\n**Sent:** Thursday",
    ],
)
def test_outlook_style_header_blocks_are_trimmed(block: str) -> None:
    text = f"{REPLY}\n\n{block}\n\n请提供故障设备清单。"
    assert trim_quoted(text) == REPLY


def test_quoted_lines_are_dropped_but_interleaved_answers_kept() -> None:
    text = "> 设备型号是什么？\nSW-01\n> 什么时候开始的？\n今天早上\n>\n> 谢谢"
    assert trim_quoted(text) == "SW-01\n今天早上"


def test_a_from_line_without_a_sent_line_is_not_a_header() -> None:
    text = "From: our Beijing office\nthe printer is offline.\n\nregards"
    assert trim_quoted(text) == text


def test_ordinary_sentences_mentioning_wrote_are_kept() -> None:
    text = "On Monday I wrote the config file.\nIt still fails."
    assert trim_quoted(text) == text


def test_a_message_that_is_only_a_quote_is_kept_whole() -> None:
    forward = "-----Original Message-----\nFrom: a@b.c\nSent: today\n\nThe server is down."
    assert trim_quoted(forward) == forward
    only_quotes = "> line one\n> line two"
    assert trim_quoted(only_quotes) == only_quotes


def test_a_reply_line_just_above_a_wrapped_header_is_kept() -> None:
    text = "谢谢。\n张三 <zhangsan@example.cn> 于2026年11月20日周五 10:00写道：\n> 旧内容"
    assert trim_quoted(text) == "谢谢。"


def test_no_quotes_no_change() -> None:
    assert trim_quoted(REPLY) == REPLY
    assert trim_quoted("") == ""

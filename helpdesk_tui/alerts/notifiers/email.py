"""Alerts by e-mail: one UTF-8 message per alert to every recipient with an address."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterable
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from helpdesk_tui.alerts.notifiers.message import (
    Delivery,
    Notification,
    Recipient,
    failed,
    log,
)
from helpdesk_tui.alerts.notifiers.settings import SmtpSettings
from helpdesk_tui.safe_text import one_line, printable

SUBJECT_LIMIT = 200
NAME_LIMIT = 80


def mail_addresses(recipients: Iterable[Recipient]) -> list[Address]:
    """Each recipient's address with their name; one that does not parse is logged and left
    out, so a stray newline or comma in it cannot add headers or recipients."""
    addresses = []
    for recipient in recipients:
        if not recipient.email:
            continue
        try:
            name = one_line(recipient.name, NAME_LIMIT)
            addresses.append(Address(display_name=name, addr_spec=recipient.email.strip()))
        except Exception:
            log.warning("skipping the unusable e-mail address of %s", one_line(recipient.login))
    return addresses


def build_message(sender: str, to: list[Address], notification: Notification) -> EmailMessage:
    """Headers go through `EmailMessage` (RFC 2047 for Chinese, newlines refused), and the
    subject is one line with control characters made visible before it gets there."""
    message = EmailMessage()
    message["Subject"] = one_line(notification.title, SUBJECT_LIMIT)
    message["From"] = sender
    message["To"] = to
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=message["From"].addresses[0].domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    if notification.urgency == "critical":
        message["Importance"] = "high"
    body = printable(notification.body)
    if notification.link:
        body += f"\n\n{one_line(notification.link)}"
    message.set_content(body + "\n", charset="utf-8")
    return message


class SmtpNotifier:
    channel = "smtp"

    def __init__(self, config: SmtpSettings, *, local_hostname: str | None = None) -> None:
        self._config = config
        self._local_hostname = local_hostname  # None: smtplib asks for this host's FQDN

    def send(self, notification: Notification) -> Delivery:
        to = mail_addresses(notification.recipients)
        if not to:
            return failed(self.channel, notification, "no e-mail address")
        try:
            message = build_message(self._config.sender, to, notification)
            refused = self._submit(message, [address.addr_spec for address in to])
        except Exception as error:  # OSError, SMTPException, a bad sender: never raised
            return failed(self.channel, notification, self._describe(error))
        if refused:
            detail = f"refused for {', '.join(sorted(refused))}"
            log.warning("alert %d via smtp: %s", notification.alert_id, detail)
            return Delivery(self.channel, ok=True, detail=one_line(detail, SUBJECT_LIMIT))
        return Delivery(self.channel, ok=True, detail=f"sent to {len(to)}")

    def _submit(self, message: EmailMessage, to: list[str]) -> dict[str, tuple[int, bytes]]:
        config = self._config
        if config.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                config.host,
                config.port,
                local_hostname=self._local_hostname,
                timeout=config.timeout,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(
                config.host,
                config.port,
                local_hostname=self._local_hostname,
                timeout=config.timeout,
            )
        with smtp:
            if config.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if config.username:
                smtp.login(config.username, config.password.get_secret_value())
            return smtp.send_message(message, to_addrs=to)

    def _describe(self, error: Exception) -> str:
        if isinstance(error, TimeoutError):
            return f"no answer from {self._config.host} within {self._config.timeout:g} s"
        if isinstance(error, smtplib.SMTPResponseException):
            reply = error.smtp_error.decode(errors="replace")
            return one_line(f"server said {error.smtp_code} {reply}", SUBJECT_LIMIT)
        return one_line(f"{type(error).__name__}: {error}", SUBJECT_LIMIT)

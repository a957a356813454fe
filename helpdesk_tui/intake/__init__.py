"""E-mail intake: turning customer mail (IMAP, .eml, Maildir, mbox) into tickets.

`parse.parse_mail` is the shared, pure core: raw bytes in, a `ParsedMail` or a
`Quarantined` out, never an exception. No database, no terminal here.
"""

from helpdesk_tui.intake.message import Attachment, ParsedMail, Quarantined
from helpdesk_tui.intake.parse import parse_mail, ticket_token

__all__ = ["Attachment", "ParsedMail", "Quarantined", "parse_mail", "ticket_token"]

"""Send an email over SMTP (the standard library's smtplib) from the app's MAIL_* settings.

MAIL_SERVER unset: mail is off; `send` logs what it would have sent and returns False.
Links in emails come from `urls.absolute(path)`: PUBLIC_URL, never the request's Host header.
"""

from __future__ import annotations

import logging
import smtplib
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

log = logging.getLogger(__name__)
# RFC 5322's hard line limit: a long link in List-Unsubscribe must stay one plain word, not be
# folded into encoded words that mail clients cannot click
POLICY = policy.SMTP.clone(max_line_length=998)


def send(to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> bool:
    """Send a plain-text email; True when the SMTP server accepted it, False when mail is off."""
    config = current_app.config
    message = EmailMessage(policy=POLICY)
    message["From"] = config.get("MAIL_FROM") or "listening@localhost"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="listening")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    server = config.get("MAIL_SERVER")
    if not server:
        log.info("mail is off (MAIL_SERVER unset): not sending %r", subject)
        return False
    with smtplib.SMTP(server, int(config.get("MAIL_PORT") or 25), timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)
    return True

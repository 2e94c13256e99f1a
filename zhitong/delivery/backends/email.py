"""E-mail through Django's e-mail framework (settings.EMAIL_BACKEND), with a Chinese
subject and body per notice kind: templates `delivery/email/<kind>.subject.txt` and
`.body.txt`, falling back to `default.*`."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import select_template

from zhitong.notifications.kinds import kind_label


def _template(kind: str, part: str):
    return select_template([f"delivery/email/{kind}.{part}.txt", f"delivery/email/default.{part}.txt"])


def email_render(*, kind: str, title: str, body: str, url: str, name: str) -> tuple[str, str]:
    """The subject (one line) and the body of the e-mail for a notice."""
    site = getattr(settings, "ZHITONG_SITE_URL", "").rstrip("/")
    context = {
        "kind": kind_label(kind),
        "title": title,
        "body": body,
        "link": f"{site}{url}" if url and url.startswith("/") else url,
        "name": name,
    }
    subject = " ".join(_template(kind, "subject").render(context).split())
    return subject[:200], _template(kind, "body").render(context).strip() + "\n"


def email_send(*, to: str, kind: str, title: str, body: str, url: str, name: str) -> None:
    subject, text = email_render(kind=kind, title=title, body=body, url=url, name=name)
    EmailMessage(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]).send()

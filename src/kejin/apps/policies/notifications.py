"""Notifications: a message in the platform for an organisation (or one person), and an email to
its people when the writing transaction commits. Generic: any context may call :func:`notify`.

Email never blocks the business step: it is sent after commit, and a failure to send is logged,
not raised (the message is in the platform either way).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus, User
from kejin.apps.policies.models import Notification
from kejin.platform.tenancy import Actor, access

log = logging.getLogger(__name__)


def _emails_of(org: Organisation, user: User | None) -> list[str]:
    if user is not None:
        return [user.email] if user.email and user.is_active else []
    people = User.objects.filter(organisation=org, is_active=True).exclude(email="")
    found = list(people.values_list("email", flat=True))
    if org.contact_email:
        found.append(org.contact_email)
    return sorted(set(found))


def notify(
    recipients: Iterable[Organisation],
    *,
    subject: str,
    body: str = "",
    url: str = "",
    topic: str = "",
    user: User | None = None,
    email: bool = True,
) -> list[Notification]:
    """Leave a message for each recipient organisation (or only ``user`` of it) and email them
    once the current transaction commits."""
    created = []
    for org in {o.pk: o for o in recipients if o is not None}.values():
        emails = _emails_of(org, user) if email else []
        note = Notification.objects.create(
            recipient=org,
            user=user,
            topic=topic,
            subject=subject,
            body=body,
            url=url,
            emailed_to=emails,
        )
        created.append(note)
        if emails:
            transaction.on_commit(lambda n=note, to=emails: _send(n, to))
    return created


def _send(note: Notification, to: list[str]) -> None:
    link = f"\n\n{note.url}" if note.url else ""
    try:
        send_mail(
            subject=f"【科金平台】{note.subject}",
            message=f"{note.body}{link}",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=to,
        )
    except Exception:  # an unreachable mail server must not undo the business step
        log.exception("email for notification %s not sent", note.pk)


def district_office_of(district_code: str) -> Organisation | None:
    """The active district office bound to ``district_code``."""
    return (
        Organisation.objects.filter(
            kind=OrgKind.DISTRICT_OFFICE, district_code=district_code, status=OrgStatus.ACTIVE
        )
        .order_by("pk")
        .first()
    )


def city_office() -> Organisation | None:
    return (
        Organisation.objects.filter(kind=OrgKind.CITY_OFFICE, status=OrgStatus.ACTIVE)
        .order_by("pk")
        .first()
    )


def notifications_for(actor: Actor, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The actor's organisation's messages (and those addressed to the actor in person)."""
    qs = Notification.objects.visible_to(actor).filter(recipient_id=actor.org_id)
    if actor.user is not None:
        qs = qs.filter(Q(user__isnull=True) | Q(user=actor.user))
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def notification_mark_read(*, actor: Actor, notification_id: int | None = None) -> int:
    """Mark one message (or all of the actor's) read; returns how many changed."""
    now = timezone.now()
    with transaction.atomic():
        if notification_id is not None:
            note: Notification = access(
                actor,
                Notification.objects.filter(recipient_id=actor.org_id),
                notification_id,
                what="消息",
                for_update=True,
            )
            if note.read_at is None:
                note.read_at = now
                note.save(update_fields=["read_at"])
                return 1
            return 0
        return notifications_for(actor, unread_only=True).update(read_at=now)

"""The subject of a report (a person, a Kassenzeichen, a plot ...) and the Akten kept on it.

A data-protection officer names the subject as a case worker types a subject key:
``person:El-Sayed, Amira, 12.09.1991`` (the kind may be left out for a person), or as a
kind and a value.  The value goes through the same normalisation as the Akten's subject
keys, so the lookup is an equality on ``(kind, value)``.

The audit trail must not repeat the subject in clear: a report's event names the subject
by :func:`subject_ref`, the SHA-256 of ``<kind>:<normalised value>``.  Anyone who knows
the subject can recompute it and find earlier reports about them.  (A hash of a name and
a birth date can be guessed by trying candidates; it keeps the trail from *showing* the
person, it does not make them anonymous.)
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services.access.roles import Permission
from services.access.scope import Scope, system_scope
from services.access.visibility import akte_visible
from services.audit.trail import record_event
from services.db.models import Akte, AkteSubjectKey, AuditEvent
from services.errors import InvalidInputError
from services.ports import Clock
from services.records.subject_keys import SubjectKey, SubjectKeyKind, subject_key

DEFAULT_KIND = SubjectKeyKind.PERSON
SUBJECT_OBJECT_TYPE = "subject"
"""The audit trail's object type for events about a subject (its id: :func:`subject_ref`)."""

_KINDS = frozenset(kind.value for kind in SubjectKeyKind)

KIND_LABELS = {
    SubjectKeyKind.PERSON.value: "Person",
    SubjectKeyKind.KASSENZEICHEN.value: "Kassenzeichen",
    SubjectKeyKind.BAUANTRAG.value: "Bauantrag",
    SubjectKeyKind.SENDER_REFERENCE.value: "Zeichen des Absenders",
    SubjectKeyKind.FLURSTUECK.value: "Flurstück",
    SubjectKeyKind.OTHER.value: "Sonstiges Ordnungsmerkmal",
    SubjectKeyKind.LEGACY_REFERENCE.value: "Altes Aktenzeichen",
}


def parse_subject(
    subject: str | None = None, *, kind: str | None = None, value: str | None = None
) -> SubjectKey:
    """The normalised subject key a report asks about.

    ``subject`` is ``<kind>:<value>`` or just a value (of ``kind``, default person); or
    give ``kind`` and ``value`` separately.  Raises :class:`InvalidInputError` for an
    unknown kind or a value that is not a valid key of its kind.
    """
    if subject is not None and value is not None:
        raise InvalidInputError("give either subject=<kind>:<value> or kind and value, not both")
    raw = subject if subject is not None else value
    if raw is None or not raw.strip():
        raise InvalidInputError(
            "name the subject, e.g. subject=person:El-Sayed, Amira, 12.09.1991 "
            "(family name, given names, birth date)"
        )
    prefix, sep, rest = raw.partition(":")
    named = prefix.strip().lower()
    if subject is not None and sep and named in _KINDS:
        if kind is not None and kind != named:
            raise InvalidInputError(f"subject names the kind {named!r} but kind is {kind!r}")
        kind, raw = named, rest
    return subject_key(kind or DEFAULT_KIND.value, raw)


def subject_ref(key: SubjectKey) -> str:
    """SHA-256 (hex) of ``<kind>:<normalised value>``: the subject's name in the trail."""
    return hashlib.sha256(f"{key.kind}:{key.value}".encode()).hexdigest()


def describe_subject(key: SubjectKey) -> str:
    """``Person: El-Sayed, Amira, 12.09.1991`` (German label, the value as typed)."""
    return f"{KIND_LABELS.get(key.kind, key.kind)}: {key.display}"


def require_officer(scope: Scope) -> None:
    """Privacy reports are for data-protection officers (and the console)."""
    scope.require(Permission.PRIVACY_REPORTS)


def akten_of_subject(session: Session, key: SubjectKey) -> list[Akte]:
    """Every Akte carrying the subject key, of every unit and level, oldest first.

    The reports are about the whole data set, so this runs on the system scope whatever
    the caller could otherwise see; callers check :func:`require_officer` first.
    """
    carrying = select(AkteSubjectKey.akte_id).where(
        AkteSubjectKey.kind == key.kind, AkteSubjectKey.value == key.value
    )
    return list(
        session.scalars(
            select(Akte)
            .where(Akte.id.in_(carrying), akte_visible(system_scope()))
            .order_by(Akte.opened_at, Akte.aktenzeichen)
            .options(selectinload(Akte.subject_keys))
        )
    )


def record_report(
    session: Session,
    scope: Scope,
    *,
    action: str,
    key: SubjectKey,
    details: dict[str, Any],
    clock: Clock,
) -> AuditEvent:
    """The audit event of one report: who asked about which subject (hashed), when."""
    return record_event(
        session,
        actor=scope.actor,
        action=action,
        object_type=SUBJECT_OBJECT_TYPE,
        object_id=subject_ref(key),
        details={"kind": key.kind, **details},
        clock=clock,
    )

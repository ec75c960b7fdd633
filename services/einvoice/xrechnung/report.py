"""Collecting failed rules as :class:`~services.einvoice.model.Finding` objects.

A rule module only says *which* rule failed on *which* node; severity and wording come
from the catalog, the location from the node.  That keeps the rule modules as close to
the assertions as possible and the texts in one place.
"""

from __future__ import annotations

from services.einvoice.model import Finding
from services.einvoice.xrechnung.catalog import CII_WORDING, rule
from services.einvoice.xrechnung.formats import SKONTO_REGEX
from services.einvoice.xrechnung.nodes import Element, location, qualified_name

SOURCE = "xrechnung"


class Findings:
    """The findings of one run, in the order the rules were checked."""

    def __init__(self, *, cii: bool) -> None:
        self._cii = cii
        self._items: list[Finding] = []

    def fail(self, rule_id: str, node: Element, **details: str) -> None:
        """Record that ``rule_id`` failed with ``node`` as its context."""
        known = rule(rule_id)
        en, de = known.en, known.de
        if self._cii and rule_id in CII_WORDING:
            en, de = CII_WORDING[rule_id]
        fields = {"name": qualified_name(node), "regex": SKONTO_REGEX, "mime": "", **details}
        self._items.append(
            Finding(
                rule=known.id,
                severity=known.severity,
                message_en=en.format(**fields),
                message_de=de.format(**fields),
                location=location(node),
                source=SOURCE,
            )
        )

    def check(self, ok: bool, rule_id: str, node: Element, **details: str) -> None:
        """Record ``rule_id`` as failed unless ``ok`` (the assertion held)."""
        if not ok:
            self.fail(rule_id, node, **details)

    @property
    def items(self) -> list[Finding]:
        return list(self._items)

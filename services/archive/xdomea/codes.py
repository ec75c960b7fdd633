"""The xdomea code-list values eakte writes and reads, in one place.

Values from the code lists published with xdomea 3.0.0/3.1.0 (KoSIT, XRepository; copies in
``../shared/testdata/xdomea/codelists-3.0.0``).  A code element holds an unqualified
``<code>`` child; the list attributes are optional except for Dateiformat, whose
``listVersionID`` is required.
"""

from __future__ import annotations

NAMESPACE_PREFIX = "xdomea"
"""The prefix the specification prescribes for the xdomea namespace (section 4.2)."""
NAMESPACE_PATTERN = "urn:xoev-de:xdomea:schema:{version}"
WRITTEN_VERSION = "3.1.0"


def namespace(version: str) -> str:
    return NAMESPACE_PATTERN.format(version=version)


NACHRICHTENTYP_LIST = ("urn:xoev-de:xdomea:codeliste:nachrichtentyp", "2.0")
AUSSONDERUNGSART_LIST = ("urn:xoev-de:xdomea:codeliste:aussonderungsart", "1.0")
BEWERTUNGSVORSCHLAG_LIST = ("urn:xoev-de:xdomea:codeliste:bewertungsvorschlag", "1.0")
VERTRAULICHKEIT_LIST = ("urn:xoev-de:xdomea:codeliste:vertraulichkeitsstufe", "1.0")
MEDIUM_LIST = ("urn:xoev-de:xdomea:codeliste:medium", "1.0")
DATEIFORMAT_LIST = ("urn:xoev-de:xdomea:codeliste:dateiformat", "1.0")

ARCHIVE = "A"
"""Aussonderungsart/Bewertungsvorschlag: archivwürdig."""
APPRAISE = "B"
"""Aussonderungsart: zum Bewerten markiert (not a decision; never in Bewertungsvorschlag)."""
DESTROY = "V"
"""Aussonderungsart/Bewertungsvorschlag: zum Vernichten markiert."""
DECISIONS = frozenset({ARCHIVE, DESTROY})

CONFIDENTIALITY = {
    "001": "Geheim",
    "002": "NfD",
    "003": "Offen",
    "004": "Streng geheim",
    "005": "Vertraulich",
}
MEDIUM_ELECTRONIC = "001"

PDFA_MEDIA_TYPE = "application/pdf;profile=pdfa"
"""How a PDF/A rendition is marked in ``PrimaryFile.media_type`` (plain PDF is
``application/pdf``); parameters are compared without spaces and case-insensitively."""

_FILE_FORMATS = {
    "application/pdf": "018",
    PDFA_MEDIA_TYPE: "044",
    "image/tiff": "024",
    "image/jpeg": "011",
    "image/png": "019",
}
OTHER_FORMAT = "100"
"""Dateiformat ``Sonstiges``: the media type then goes into ``SonstigerName``."""


def file_format(media_type: str) -> tuple[str, str | None]:
    """Dateiformat code for a media type and, for ``Sonstiges``, the name to give.

    PDF 018, PDF/A 044 (``pdf - Portable Document Format (Archival)``), TIFF 024,
    JPEG 011, PNG 019; anything else 100 with the media type as ``SonstigerName``.
    """
    normalized = media_type.replace(" ", "").lower()
    known = _FILE_FORMATS.get(normalized)
    if known is not None:
        return known, None
    return OTHER_FORMAT, media_type

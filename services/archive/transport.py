"""The transfer directory shared with the archive: message zips in and out.

A message travels as ``<ProzessID>_Aussonderung.<Nachricht>.<NNNN>.zip`` holding
``<ProzessID>_Aussonderung.<Nachricht>.<NNNN>.xml`` and, for a 0503, the primary files,
flat.  x-man (server/internal/core/util.go, transfer_dir.go) matches those names with
unanchored patterns, takes the message type and ProzessID from the name, and reads replies
it writes into the directory or into per-message-type sub-directories.  So eakte writes a
zip under a name that contains no message name at all (``.<ProzessID>.<NNNN>.partial``),
syncs it and renames it when complete; it reads only the replies (0502, 0504, 0506,
0507), never its own messages, and only once their modification time has settled.

Everything eakte writes is checked against the xdomea 3.1.0 schema before the zip is
completed.  xdomea carries no checksums, so the SHA-256 and size of every file written
are returned for the process record and the audit trail; a primary file whose content
no longer matches its recorded hash stops the transfer.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from services.archive.xdomea.codes import WRITTEN_VERSION
from services.archive.xdomea.model import (
    AkteRecord,
    Header,
    MessageType,
    PrimaryFile,
    XdomeaMessageError,
)
from services.archive.xdomea.read_replies import READ_TYPES, Reply, read_message
from services.archive.xdomea.schema import validate_file
from services.archive.xdomea.write_offer import write_offer
from services.archive.xdomea.write_receipts import write_appraisal_receipt
from services.archive.xdomea.write_transfer import write_transfer
from services.archive.xdomea.xmlwrite import WrittenCounts
from services.errors import ConflictError, IntegrityError

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
MESSAGE_NAME = re.compile(
    rf"^(?P<process_id>{_UUID})_(?P<label>Aussonderung\.[A-Za-z]+\.(?P<code>\d{{4}}))\.zip$"
)
_DRIVE = re.compile(r"^[A-Za-z]:")
CHUNK = 1024 * 1024
MAX_REPLY_BYTES = 256 * 1024 * 1024
"""Most uncompressed bytes a reply zip may hold (a 0502 for 100,000 objects is ~30 MB)."""
SETTLE_SECONDS = 5.0
"""A reply is read once it has not changed for this long (x-man writes in place)."""


@dataclass(frozen=True)
class TransferredFile:
    name: str
    """The name inside the zip."""
    sha256: str
    size: int


@dataclass(frozen=True)
class SentMessage:
    path: Path
    """The complete zip in the transfer directory."""
    message: TransferredFile
    """The XML message inside the zip."""
    files: tuple[TransferredFile, ...] = ()
    """The primary files of a 0503, as written into the zip."""
    counts: WrittenCounts | None = None


@dataclass(frozen=True)
class IncomingMessage:
    path: Path
    process_id: str
    message_type: MessageType

    @property
    def xml_name(self) -> str:
        return self.path.name.removesuffix(".zip") + ".xml"


def message_name(process_id: str, message_type: MessageType, suffix: str = ".zip") -> str:
    """``<ProzessID>_Aussonderung.<Nachricht>.<NNNN><suffix>``."""
    return f"{process_id}_{message_type.file_label}{suffix}"


def partial_name(process_id: str, message_type: MessageType) -> str:
    """The name a zip has while written: hidden, matching no message pattern of x-man's."""
    return f".{process_id}.{message_type.value}.partial"


def send_offer(
    transfer_dir: Path, header: Header, akten: Iterable[AkteRecord], schema_dir: Path | None
) -> SentMessage:
    """Write the 0501 zip; its XML is schema-checked before the zip is completed."""
    counts: list[WrittenCounts] = []
    sent = _send(
        transfer_dir,
        header,
        schema_dir,
        lambda path, _zip: counts.append(write_offer(path, header, akten)),
    )
    return SentMessage(sent.path, sent.message, counts=counts[0])


def send_appraisal_receipt(
    transfer_dir: Path, header: Header, schema_dir: Path | None
) -> SentMessage:
    """Write the 0505 zip."""
    return _send(
        transfer_dir, header, schema_dir, lambda path, _zip: write_appraisal_receipt(path, header)
    )


def send_transfer(
    transfer_dir: Path, header: Header, akten: Iterable[AkteRecord], schema_dir: Path | None
) -> SentMessage:
    """Write the 0503 zip: the XML and every primary file, in one streaming pass.

    Each file is copied into the zip as the XML lists it (chunks of 1 MiB), its SHA-256
    and size computed on the way and compared with ``PrimaryFile.sha256``/``size``;
    a mismatch raises :class:`IntegrityError` and leaves no zip behind.  A file name that
    is not a plain name, or that occurs twice, is refused.
    """
    files: list[TransferredFile] = []
    counts: list[WrittenCounts] = []

    def write(path: Path, archive: zipfile.ZipFile) -> None:
        names: set[str] = set()

        def add(file: PrimaryFile) -> None:
            _check_member_name(file.file_name, flat=True)
            if file.file_name in names:
                raise XdomeaMessageError(f"the file name {file.file_name} occurs twice")
            names.add(file.file_name)
            files.append(_add_primary_file(archive, file))

        counts.append(write_transfer(path, header, akten, on_file=add))

    sent = _send(transfer_dir, header, schema_dir, write)
    return SentMessage(sent.path, sent.message, tuple(files), counts[0])


def _send(
    transfer_dir: Path,
    header: Header,
    schema_dir: Path | None,
    write: Callable[[Path, zipfile.ZipFile], object],
) -> SentMessage:
    final = transfer_dir / message_name(header.process_id, header.message_type)
    if final.exists():
        raise ConflictError(f"{final.name} was already written; a message is sent once")
    transfer_dir.mkdir(parents=True, exist_ok=True)
    partial = transfer_dir / partial_name(header.process_id, header.message_type)
    xml_name = message_name(header.process_id, header.message_type, ".xml")
    try:
        with tempfile.TemporaryDirectory(prefix="eakte-xdomea-") as work, partial.open("wb") as out:
            xml_path = Path(work) / xml_name
            with zipfile.ZipFile(out, "w", allowZip64=True) as archive:
                write(xml_path, archive)
                validate_file(xml_path, schema_dir, WRITTEN_VERSION)
                archive.write(xml_path, xml_name, compress_type=zipfile.ZIP_DEFLATED)
            message = TransferredFile(xml_name, *_hash_file(xml_path))
            out.flush()
            os.fsync(out.fileno())
        partial.replace(final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _sync_directory(transfer_dir)
    return SentMessage(final, message)


def _add_primary_file(archive: zipfile.ZipFile, file: PrimaryFile) -> TransferredFile:
    info = zipfile.ZipInfo(file.file_name, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_STORED  # PDF and images are compressed already
    digest = hashlib.sha256()
    size = 0
    with file.open() as source, archive.open(info, "w", force_zip64=file.size > 2**31) as target:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    if digest.hexdigest() != file.sha256 or size != file.size:
        raise IntegrityError(
            f"{file.file_name} ({file.original_name}) no longer matches its recorded hash: "
            f"{size} bytes, SHA-256 {digest.hexdigest()}, recorded {file.size} bytes, {file.sha256}"
        )
    return TransferredFile(file.file_name, digest.hexdigest(), size)


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def list_incoming(
    transfer_dir: Path, settle_seconds: float = SETTLE_SECONDS
) -> list[IncomingMessage]:
    """The complete replies in the directory and its sub-directories, oldest first.

    Our own messages (0501, 0503, 0505), partial files and anything else not named as a
    reply are left out, as is a reply changed within the last ``settle_seconds``.
    """
    if not transfer_dir.is_dir():
        return []
    directories = [transfer_dir] + sorted(
        entry
        for entry in transfer_dir.iterdir()
        if entry.is_dir() and not entry.name.startswith(".")
    )
    now = time.time()
    found: list[tuple[float, IncomingMessage]] = []
    for directory in directories:
        for entry in directory.iterdir():
            incoming = _incoming(entry)
            if incoming is None or not entry.is_file():
                continue
            modified = entry.stat().st_mtime
            if now - modified >= settle_seconds:
                found.append((modified, incoming))
    found.sort(key=lambda item: (item[0], item[1].path.name))
    return [incoming for _modified, incoming in found]


def _incoming(path: Path) -> IncomingMessage | None:
    match = MESSAGE_NAME.match(path.name)
    if match is None:
        return None
    try:
        message_type = MessageType(match["code"])
    except ValueError:
        return None
    if message_type not in READ_TYPES or match["label"] != message_type.file_label:
        return None
    return IncomingMessage(path, match["process_id"].lower(), message_type)


def extract_message(
    incoming: IncomingMessage, into: Path, max_bytes: int = MAX_REPLY_BYTES
) -> Path:
    """Copy the message XML out of the zip into the directory ``into``; returns its path.

    Refuses (with :class:`XdomeaMessageError`) a file that is not a complete zip, a member
    name that is not a plain relative path, more than ``max_bytes`` uncompressed in all
    (declared or actually read: a zip bomb) and a zip without the expected XML.
    """
    try:
        archive = zipfile.ZipFile(incoming.path)
    except (zipfile.BadZipFile, OSError) as error:
        raise XdomeaMessageError(f"{incoming.path.name} is not a complete zip: {error}") from error
    with archive:
        members = archive.infolist()
        for member in members:
            _check_member_name(member.filename)
        declared = sum(member.file_size for member in members)
        if declared > max_bytes:
            raise XdomeaMessageError(
                f"{incoming.path.name} unpacks to {declared} bytes, "
                f"more than the {max_bytes} allowed"
            )
        message = next((m for m in members if m.filename == incoming.xml_name), None)
        if message is None:
            listed = ", ".join(m.filename for m in members[:5]) or "nothing"
            raise XdomeaMessageError(
                f"{incoming.path.name} does not hold {incoming.xml_name} (it holds {listed})"
            )
        target = into / incoming.xml_name
        try:
            with archive.open(message) as source, target.open("wb") as out:
                _copy_limited(source, out, max_bytes, incoming.path.name)
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            target.unlink(missing_ok=True)
            raise XdomeaMessageError(f"{incoming.path.name} cannot be unpacked: {error}") from error
        except XdomeaMessageError:
            target.unlink(missing_ok=True)
            raise
    return target


def _copy_limited(source: IO[bytes], out: IO[bytes], max_bytes: int, name: str) -> None:
    copied = 0
    while chunk := source.read(CHUNK):
        copied += len(chunk)
        if copied > max_bytes:
            raise XdomeaMessageError(f"{name} unpacks to more than the {max_bytes} bytes allowed")
        out.write(chunk)


def read_incoming(incoming: IncomingMessage, schema_dir: Path | None) -> Reply:
    """Extract, schema-check and read a reply; its type and ProzessID must match its name."""
    with tempfile.TemporaryDirectory(prefix="eakte-xdomea-") as work:
        xml_path = extract_message(incoming, Path(work))
        reply = read_message(xml_path, schema_dir, expected=incoming.message_type)
    if reply.header.process_id != incoming.process_id:
        raise XdomeaMessageError(
            f"{incoming.path.name} carries ProzessID {reply.header.process_id}, "
            f"its name {incoming.process_id}"
        )
    return reply


def _check_member_name(name: str, *, flat: bool = False) -> None:
    """A relative name inside the zip: not absolute, no ``..``, no backslash or drive.

    ``flat``: a plain file name, as the primary files of a 0503 must be.
    """
    path = PurePosixPath(name)
    if (
        not name.strip("/")
        or "\\" in name
        or "\x00" in name
        or path.is_absolute()
        or ".." in path.parts
        or _DRIVE.match(name)
        or (flat and (len(path.parts) != 1 or name in (".", "..")))
    ):
        raise XdomeaMessageError(f"the zip member name {name!r} is not a safe relative file name")

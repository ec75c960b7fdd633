"""An archive on the other side of the transfer directory that answers as x-man does.

x-man (Landesarchiv Thüringen) scans the root of an agency's transfer directory
(``core/transfer_dir.go``: ``readMessagesFromFilesystem``), takes every file whose name
matches an incoming-message pattern (0501, 0503, 0505) and that it has not seen before,
ignores its own reply sub-directories, and reports anything else as an unknown file. Per
message it opens the zip, reads ``<same stem>.xml``, validates it against the schema of the
version its namespace names, refuses a second message of the same type in one process,
and answers: 0504 on a 0501 and the 0502 once appraised, 0507 on a 0503 and the 0506 once
archived, each in the version of the message answered (``core/processing.go``,
``generator.go``). The simulator does all of this synchronously in ``step()``.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Collection, Mapping
from pathlib import Path

from lxml import etree

from tests.archive_simulator import replies
from tests.archive_simulator.appraisal import Appraise, appraise_all, decide
from tests.archive_simulator.checks import (
    check_errors,
    check_transfer,
    hash_primary_files,
    verdicts,
)
from tests.archive_simulator.model import (
    ArchivedFile,
    ArchiveIdentity,
    ProcessingError,
    ReceivedMessage,
    SentMessage,
    SimProcess,
)
from tests.archive_simulator.naming import (
    INCOMING,
    MESSAGE_NAMES,
    message_base,
    parse_message_name,
    write_zip_atomically,
    xman_would_read,
)
from tests.archive_simulator.records import parse_records
from tests.archive_simulator.schemas import Schemas, version_of

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def _arrival(path: Path) -> tuple[int, str]:
    """Oldest first, so a 0505 written before a 0503 is read before it."""
    try:
        return path.stat().st_mtime_ns, path.name
    except FileNotFoundError:
        return 0, path.name


class ArchiveSimulator:
    """See the module docstring; options are plain attributes a test may change between steps."""

    def __init__(
        self,
        transfer_dir: Path,
        schema_dir: Path,
        *,
        archive: replies.PartyLike | None = None,
        appraise: Appraise | None = None,
        appraise_nested: bool = False,
        list_inherited: bool = True,
        reply_version: str | None = None,
        reply_dirs: Mapping[str, str] | None = None,
        with_authority_key: bool = False,
        numeric_booleans: bool = False,
        agency_key: str | None = None,
        holding: str = "Best. 123",
        fail_objects: Collection[str] = (),
        hold_appraisal: bool = False,
        hold_import_confirmation: bool = False,
        schema_invalid_replies: Collection[str] = (),
        unknown_process_replies: Collection[str] = (),
        extra_appraisals: Mapping[str, str] | None = None,
        duplicate_0502: bool = False,
        duplicate_0502_dir: str = "0502",
    ) -> None:
        self.transfer_dir = Path(transfer_dir)
        self.archive: replies.PartyLike = archive or ArchiveIdentity()
        self.appraise: Appraise = appraise or appraise_all("A")
        self.appraise_nested = appraise_nested
        """Ask ``appraise`` about Teilakten and Vorgänge inside Akten too, not only about the
        top-level objects; an object it is not asked about, or answers ``None`` for,
        follows its parent."""
        self.list_inherited = list_inherited
        """List Vorgänge that only follow their Akte in the 0502 too (x-man lists all)."""
        self.reply_version = reply_version
        """``None``: answer in the version of the message answered, as x-man does."""
        self.reply_dirs: dict[str, str] = dict(reply_dirs or {})
        """Reply code -> sub-directory (x-man's Path0502 ... Path0507); default the root."""
        self.with_authority_key = with_authority_key
        self.numeric_booleans = numeric_booleans
        self.agency_key = agency_key
        """Expected Behördenschlüssel of the sender (x-man's ``compareAgencyFields``)."""
        self.holding = holding
        self.fail_objects: set[str] = set(fail_objects)
        self.hold_appraisal = hold_appraisal
        self.hold_import_confirmation = hold_import_confirmation
        self.schema_invalid_replies: set[str] = set(schema_invalid_replies)
        self.unknown_process_replies: set[str] = set(unknown_process_replies)
        self.extra_appraisals: dict[str, str] = dict(extra_appraisals or {})
        self.duplicate_0502 = duplicate_0502
        self.duplicate_0502_dir = duplicate_0502_dir

        self.processes: dict[str, SimProcess] = {}
        self.received: list[ReceivedMessage] = []
        self.sent: list[SentMessage] = []
        self.archived_files: dict[str, ArchivedFile] = {}
        self.errors: list[ProcessingError] = []
        self.warnings: list[str] = []
        self.unknown_files: set[str] = set()
        self._schemas = Schemas(Path(schema_dir))
        self._seen: set[str] = set()
        self._signatures = 0

    # -- scanning -----------------------------------------------------------------------

    def step(self) -> list[SentMessage]:
        """Process every new complete message in the transfer directory; return the replies."""
        before = len(self.sent)
        own_dirs = {*self.reply_dirs.values(), self.duplicate_0502_dir}
        for entry in sorted(self.transfer_dir.iterdir(), key=_arrival):
            name = entry.name
            if name in self._seen or (entry.is_dir() and name in own_dirs):
                continue
            parsed = parse_message_name(name)
            if entry.is_dir() or parsed is None or parsed[1] not in INCOMING:
                if parsed is None and xman_would_read(name):
                    self._seen.add(name)
                    self._error(
                        name,
                        "Datei würde von x-man als Nachricht gelesen",
                        info="Der Name enthält einen Nachrichtennamen, ist aber keiner "
                        "(unvollständige Datei unter einem Zwischennamen?)",
                    )
                elif not self._is_own(name):
                    self.unknown_files.add(name)
                continue
            self._seen.add(name)
            self._receive(entry, *parsed)
        return self.sent[before:]

    def release(self, process_id: str | None = None) -> list[SentMessage]:
        """Write the replies held back (``hold_appraisal``, ``hold_import_confirmation``)."""
        before = len(self.sent)
        for process in self.processes.values():
            if process_id is None or process.process_id == process_id:
                held, process.held = process.held, []
                for code, root in held:
                    self._send(process, code, root)
        return self.sent[before:]

    def _is_own(self, name: str) -> bool:
        return any(s.path.name == name and s.path.parent == self.transfer_dir for s in self.sent)

    def _error(
        self, file_name: str, title: str, process_id: str | None = None, info: str = ""
    ) -> None:
        self.errors.append(ProcessingError(file_name, title, process_id, info))

    # -- receiving ----------------------------------------------------------------------

    def _receive(self, path: Path, process_id: str, code: str) -> None:
        name = path.name
        base = message_base(process_id, code)
        try:
            with zipfile.ZipFile(path) as archive:
                members = tuple(archive.namelist())
                xml = archive.read(f"{base}.xml")
                root = etree.fromstring(xml, _PARSER)
        except FileNotFoundError:
            self._seen.discard(name)  # taken away while we looked; not ours to judge
            return
        except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
            self._error(name, "Nachricht nicht lesbar", process_id, str(exc))
            return
        version = version_of(root)
        expected = f"Aussonderung.{MESSAGE_NAMES[code]}.{code}"
        problems = []
        if version is None:
            problems.append(f"unbekannter Namensraum: {etree.QName(root).namespace}")
        elif etree.QName(root).localname != expected:
            problems.append(f"Wurzelelement {etree.QName(root).localname}, erwartet {expected}")
        else:
            problems = self._schemas.errors(root, version)
        message = ReceivedMessage(name, process_id, code, version, xml, members, not problems)
        self.received.append(message)
        if problems:
            self._error(name, "Schema-Validierung ungültig", process_id, "\n".join(problems))
            return
        assert version is not None
        ns = etree.QName(root).namespace
        if root.findtext(f"{{{ns}}}Kopf/{{{ns}}}ProzessID") != process_id:
            self._error(name, "ProzessID im Kopf weicht vom Dateinamen ab", process_id)
            return
        process = self.processes.setdefault(process_id, SimProcess(process_id))
        if code in process.messages:
            self._error(name, f"Prozess hat bereits eine Nachricht vom Typ {code}", process_id)
            return
        process.messages[code] = message
        self._compare_agency(root, name, process_id)
        if code == "0501":
            self._on_offer(process, root, version)
        elif code == "0503":
            self._on_transfer(process, root, version, path, members)

    def _compare_agency(self, root: etree._Element, name: str, process_id: str) -> None:
        if self.agency_key is None:
            return
        ns = etree.QName(root).namespace
        key = root.findtext(
            f"{{{ns}}}Kopf/{{{ns}}}Absender/{{{ns}}}Behoerdenkennung/"
            f"{{{ns}}}Behoerdenschluessel/code"
        )
        if (key or "").strip() != self.agency_key:
            self._error(
                name,
                "Behördenkennung der Nachricht stimmt nicht mit der konfigurierten "
                "abgebenden Stelle überein",
                process_id,
                f"Nachricht: {key!r}",
            )

    def _head(self, process: SimProcess, version: str, root: etree._Element) -> replies.ReplyHead:
        ns = etree.QName(root).namespace
        return replies.ReplyHead(
            process_id=process.process_id,
            version=self.reply_version or version,
            archive=self.archive,
            agency_contact=root.find(f"{{{ns}}}Kopf/{{{ns}}}Absender"),
            with_authority_key=self.with_authority_key,
            numeric_booleans=self.numeric_booleans,
        )

    # -- 0501 ---------------------------------------------------------------------------

    def _on_offer(self, process: SimProcess, root: etree._Element, version: str) -> None:
        process.offered = parse_records(root)
        self._warn_loose_documents(process, "0501")
        head = self._head(process, version, root)
        self._send(process, "0504", replies.receipt("0504", head))
        appraisal = decide(
            process.process_id,
            process.offered,
            self.appraise,
            nested=self.appraise_nested,
            list_inherited=self.list_inherited,
        )
        process.decisions = appraisal.effective
        listed = appraisal.listed + list(self.extra_appraisals.items())
        process.appraisal_listed = listed
        reply = replies.appraisal_list(head, listed)
        if self.hold_appraisal:
            process.held.append(("0502", reply))
            return
        self._send(process, "0502", reply)
        if self.duplicate_0502:
            other = "" if self.reply_dirs.get("0502") else self.duplicate_0502_dir
            self._send(process, "0502", replies.appraisal_list(head, listed), directory=other)

    def _warn_loose_documents(self, process: SimProcess, code: str) -> None:
        records = process.offered if code == "0501" else process.submitted
        if records and any(n.kind == "Dokument" and n.parent_id is None for n in records.values()):
            self.warnings.append(
                f"{process.process_id} {code}: Aussonderung enthält nicht zugeordnete Dokumente"
            )

    # -- 0503 ---------------------------------------------------------------------------

    def _on_transfer(
        self,
        process: SimProcess,
        root: etree._Element,
        version: str,
        path: Path,
        members: tuple[str, ...],
    ) -> None:
        process.submitted = submitted = parse_records(root)
        self._warn_loose_documents(process, "0503")
        name = path.name
        xml_name = f"{message_base(process.process_id, '0503')}.xml"
        four_step = "0501" in process.messages
        if four_step and not process.appraisal_sent:
            self._error(
                name,
                "Die Abgabe wurde erhalten, bevor die Bewertung der Anbietung abgeschlossen wurde",
                process.process_id,
            )
        check = check_transfer(
            submitted,
            members,
            xml_name,
            process.offered if four_step else None,
            process.decisions if process.appraisal_sent else None,
        )
        for title, info in check_errors(check, submitted):
            self._error(name, title, process.process_id, info)
        for object_id, file_name, sha256, size in hash_primary_files(path, submitted):
            self.archived_files[file_name] = ArchivedFile(
                process.process_id, object_id, file_name, sha256, size
            )
        head = self._head(process, version, root)
        self._send(process, "0507", replies.receipt("0507", head))
        outcomes = []
        signatures: dict[str, str] = {}
        for verdict in verdicts(submitted, check, self.fail_objects):
            signature = None
            if verdict.success:
                if verdict.package_id not in signatures:
                    self._signatures += 1
                    signatures[verdict.package_id] = f"{self.holding} Nr. {self._signatures}"
                signature = signatures[verdict.package_id]
            outcomes.append(
                replies.ImportOutcome(
                    verdict.object_id, verdict.success, signature, verdict.message
                )
            )
        process.outcomes = outcomes
        by_id = {o.object_id: o.success for o in outcomes}
        for archived in self.archived_files.values():
            if archived.process_id == process.process_id:
                archived.imported = by_id.get(archived.object_id, False)
        reply = replies.import_confirmation(head, outcomes)
        if self.hold_import_confirmation:
            process.held.append(("0506", reply))
        else:
            self._send(process, "0506", reply)

    # -- sending ------------------------------------------------------------------------

    def _send(
        self, process: SimProcess, code: str, root: etree._Element, directory: str | None = None
    ) -> SentMessage | None:
        ns = etree.QName(root).namespace
        version = version_of(root)
        assert version is not None
        process_id = process.process_id
        if code in self.unknown_process_replies:
            process_id = str(uuid.uuid4())
            id_element = root.find(f"{{{ns}}}Kopf/{{{ns}}}ProzessID")
            assert id_element is not None
            id_element.text = process_id
        invalid = code in self.schema_invalid_replies
        if invalid:
            replies.break_schema(root)
        xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        problems = self._schemas.errors(etree.fromstring(xml), version)
        if bool(problems) != invalid:
            raise AssertionError(f"simulator wrote an unexpected {code}: {problems}")
        base = message_base(process_id, code)
        target_dir = self.transfer_dir / (
            self.reply_dirs.get(code, "") if directory is None else directory
        )
        if (target_dir / f"{base}.zip").exists():
            # x-man's InsertTransferFile refuses a reply whose name is taken.
            self._error(
                f"{base}.zip",
                "Nachricht existiert bereits im Transferverzeichnis",
                process.process_id,
            )
            return None
        written = write_zip_atomically(target_dir, base, [(f"{base}.xml", xml)])
        if code == "0502":
            process.appraisal_sent = True
        sent = SentMessage(written, process_id, code, version, xml, not invalid)
        self.sent.append(sent)
        return sent

    # -- inspection ---------------------------------------------------------------------

    def sent_of(self, code: str, process_id: str | None = None) -> list[SentMessage]:
        return [
            s
            for s in self.sent
            if s.code == code and (process_id is None or s.process_id == process_id)
        ]

    def import_results(self, process_id: str) -> list[replies.ImportOutcome]:
        """The per-object results of the process's 0506 (written or held)."""
        outcomes = self.processes[process_id].outcomes
        return list(outcomes or [])

    def received_of(self, code: str, process_id: str | None = None) -> list[ReceivedMessage]:
        return [
            r
            for r in self.received
            if r.code == code and (process_id is None or r.process_id == process_id)
        ]

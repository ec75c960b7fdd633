"""Document content: the current version, every earlier version, and new versions.

Reading content is recorded in the audit trail (who read which version when), so these
endpoints use a writing session.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile, status

from api.dependencies import ContainerDep, WriteSessionDep, requires
from api.presenters_storage import version_out
from api.schemas.storage import VersionOut
from services.audit.trail import actor_of, record_event
from services.auth.keys import Principal
from services.auth.permissions import Permission, require_unit
from services.documents.new_version import receive_version
from services.documents.queries import get_document
from services.documents.versions import Part, VersionBytes, read_version, versions_of

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])
Reader = Annotated[Principal, requires(Permission.READ_DOCUMENTS)]
Writer = Annotated[Principal, requires(Permission.MANAGE_RECORDS)]

_EXTENSIONS = {
    "application/pdf": "pdf",
    "image/tiff": "tif",
    "image/jpeg": "jpg",
    "image/png": "png",
}


@router.get("/{document_id}/content", summary="The current version's bytes, exactly as stored")
def content(
    document_id: str, session: WriteSessionDep, container: ContainerDep, principal: Reader
) -> Response:
    return _read(session, container, principal, document_id, None, Part.CONTENT)


@router.get("/{document_id}/rendition", summary="The current version's searchable PDF/A")
def rendition(
    document_id: str, session: WriteSessionDep, container: ContainerDep, principal: Reader
) -> Response:
    return _read(session, container, principal, document_id, None, Part.RENDITION)


@router.get("/{document_id}/versions", response_model=list[VersionOut], summary="Version history")
def versions(document_id: str, session: WriteSessionDep, _: Reader) -> list[VersionOut]:
    document = get_document(session, document_id)
    return [version_out(document, v) for v in versions_of(session, document.id)]


@router.post(
    "/{document_id}/versions",
    response_model=VersionOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Add a new version (the earlier ones stay); its searchable PDF follows",
)
def new_version(
    document_id: str,
    session: WriteSessionDep,
    container: ContainerDep,
    principal: Writer,
    file: Annotated[UploadFile, File(description="The new content (PDF, TIFF, JPEG, PNG)")],
    comment: Annotated[str | None, Form(max_length=2000)] = None,
) -> VersionOut:
    document = get_document(session, document_id)
    if document.org_unit is not None:
        require_unit(principal, document.org_unit)
    version = receive_version(
        session,
        container.store,
        document,
        data=file.file.read(),
        filename=file.filename,
        comment=comment,
        actor=actor_of(principal),
        settings=container.settings,
        clock=container.clock,
    )
    return version_out(document, version)


@router.get("/{document_id}/versions/{number}/content", summary="One version's bytes")
def version_content(
    document_id: str,
    number: int,
    session: WriteSessionDep,
    container: ContainerDep,
    principal: Reader,
) -> Response:
    return _read(session, container, principal, document_id, number, Part.CONTENT)


@router.get("/{document_id}/versions/{number}/rendition", summary="One version's PDF/A")
def version_rendition(
    document_id: str,
    number: int,
    session: WriteSessionDep,
    container: ContainerDep,
    principal: Reader,
) -> Response:
    return _read(session, container, principal, document_id, number, Part.RENDITION)


def _read(
    session: WriteSessionDep,
    container: ContainerDep,
    principal: Principal,
    document_id: str,
    number: int | None,
    part: Part,
) -> Response:
    document = get_document(session, document_id)
    found = read_version(session, container.store, document, number, part)
    record_event(
        session,
        actor=actor_of(principal),
        action="content.read",
        object_type="document",
        object_id=document.id,
        details={"version": found.number, "part": part.value, "sha256": found.sha256},
        clock=container.clock,
    )
    return _binary(found, document.id)


def _binary(found: VersionBytes, document_id: str) -> Response:
    if found.part is Part.RENDITION:
        filename = f"{document_id}-v{found.number}-pdfa.pdf"
    else:
        filename = f"{document_id}-v{found.number}.{_EXTENSIONS.get(found.media_type, 'bin')}"
    return Response(
        content=found.data,
        media_type=found.media_type,
        headers={
            "ETag": f'"{found.sha256}"',
            "Digest": f"sha-256={found.sha256}",
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "private, max-age=0",
        },
    )

"""Document content: the current version, every earlier version, and new versions.

Reading content is recorded in the audit trail (who read which version when), so these
endpoints use a writing session.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Response, UploadFile, status

from api.dependencies import ContainerDep, SessionDep, WriteSessionDep, requires
from api.download import safe_download_headers
from api.presenters_storage import version_out
from api.schemas.storage import VersionOut
from services.access.roles import Permission
from services.access.scope import Scope
from services.documents.new_version import receive_version
from services.documents.queries import get_document
from services.documents.reading import read_content
from services.documents.versions import Part, VersionBytes, versions_of
from services.errors import PermissionDeniedError

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])
Reader = Annotated[Scope, requires(Permission.READ_DOCUMENTS)]
Writer = Annotated[Scope, requires(Permission.MANAGE_RECORDS)]
VersionNumber = Annotated[int, Path(ge=1, le=2**31 - 1)]

_EXTENSIONS = {
    "application/pdf": "pdf",
    "image/tiff": "tif",
    "image/jpeg": "jpg",
    "image/png": "png",
}


@router.get("/{document_id}/content", summary="The current version's bytes, exactly as stored")
def content(
    document_id: str, session: WriteSessionDep, container: ContainerDep, scope: Reader
) -> Response:
    return _read(session, container, scope, document_id, None, Part.CONTENT)


@router.get("/{document_id}/rendition", summary="The current version's searchable PDF/A")
def rendition(
    document_id: str, session: WriteSessionDep, container: ContainerDep, scope: Reader
) -> Response:
    return _read(session, container, scope, document_id, None, Part.RENDITION)


@router.get("/{document_id}/versions", response_model=list[VersionOut], summary="Version history")
def versions(document_id: str, session: SessionDep, scope: Reader) -> list[VersionOut]:
    document = get_document(session, scope, document_id)
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
    scope: Writer,
    file: Annotated[UploadFile, File(description="The new content (PDF, TIFF, JPEG, PNG)")],
    comment: Annotated[str | None, Form(max_length=2000)] = None,
) -> VersionOut:
    document = get_document(session, scope, document_id)
    if document.akte is not None:
        scope.require_write_akte(document.akte)
    elif not scope.in_units(document.org_unit):
        raise PermissionDeniedError("only the unit the letter is routed to may add versions")
    version = receive_version(
        session,
        container.store,
        document,
        data=file.file.read(),
        filename=file.filename,
        comment=comment,
        actor=scope.actor,
        settings=container.settings,
        clock=container.clock,
    )
    return version_out(document, version)


@router.get("/{document_id}/versions/{number}/content", summary="One version's bytes")
def version_content(
    document_id: str,
    number: VersionNumber,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Reader,
) -> Response:
    return _read(session, container, scope, document_id, number, Part.CONTENT)


@router.get("/{document_id}/versions/{number}/rendition", summary="One version's PDF/A")
def version_rendition(
    document_id: str,
    number: VersionNumber,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Reader,
) -> Response:
    return _read(session, container, scope, document_id, number, Part.RENDITION)


def _read(
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Scope,
    document_id: str,
    number: int | None,
    part: Part,
) -> Response:
    document, found = read_content(
        session, scope, container.store, document_id, number, part, clock=container.clock
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
            "Cache-Control": "private, max-age=0",
            # inline only for bytes that prove their type; never as a web page
            **safe_download_headers(found.media_type, filename, found.data),
        },
    )

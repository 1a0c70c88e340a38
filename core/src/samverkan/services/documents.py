"""Use cases on a case's documents: the signed agreement, minutes (protokoll), the
decision memo (tjänsteutlåtande), follow-up reports.

A document is a file stored in the database once per SHA-256 (its size, type and hash
go into the audit trail, so ``audit verify`` notices a changed file), or a reference to
the municipality's records system by diarienummer when the file lives there.
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

from samverkan.domain.errors import NotFound, ValidationError
from samverkan.domain.model import Document
from samverkan.domain.state import CollabState
from samverkan.i18n import msg
from samverkan.services.records import RecordUseCases, refuse_closed
from samverkan.services.session import use_case

#: the largest file accepted (bytes): minutes and agreements, not archives
MAX_DOCUMENT_BYTES = 25 * 1024 * 1024


class DocumentUseCases(RecordUseCases):
    """Documents (mixed into :class:`samverkan.services.Services`)."""

    @use_case("document.attach", on="collaboration", reads=())
    def attach_document(self, state: CollabState, kind: str, title: str = "", *,
                        path: str | Path | None = None, reference: str = "") -> Document:
        """Attach a file (``path``, read on this machine) and/or a records-system reference.

        The permission is checked before the file is opened: over SSH the path is on the
        server, and only someone who may attach documents may have it read.
        """
        refuse_closed(state)
        content = None
        filename = media_type = ""
        if path is not None:
            file = Path(path)
            try:
                size = file.stat().st_size
                if size > MAX_DOCUMENT_BYTES:
                    raise ValidationError(msg("{name} is {size} bytes; documents up to {max} bytes are stored "
                                              "(refer to larger ones by diarienummer)",
                                              name=file.name, size=size, max=MAX_DOCUMENT_BYTES), "path")
                content = file.read_bytes()
            except OSError as exc:
                raise ValidationError(msg("cannot read {path}: {error}", path=str(file),
                                          error=exc.strerror or str(exc)), "path") from None
            filename = file.name
            media_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        doc = Document(state.id, kind, title or filename, filename=filename, media_type=media_type,
                       size=len(content) if content is not None else None,
                       sha256=hashlib.sha256(content).hexdigest() if content is not None else "",
                       reference=reference, recorded_by=self.actor)
        with self._tx():
            return self.store.insert_document(doc, content)

    @use_case("read", on="collaboration", reads=())
    def documents(self, state: CollabState) -> list[Document]:
        """The documents of a collaboration, oldest first."""
        return self.store.documents(state.id)

    @use_case("read", on="collaboration", reads=())
    def document_file(self, state: CollabState, document_id: int) -> tuple[Document, bytes]:
        """A stored document and its bytes (refused for a reference-only document)."""
        doc = next((d for d in self.store.documents(state.id) if d.id == int(document_id)), None)
        if doc is None:
            raise NotFound(msg("no document {id} on collaboration {collab}", id=document_id, collab=state.id))
        content = self.store.document_content(doc.sha256) if doc.sha256 else None
        if content is None:
            raise NotFound(msg("document {id} is a reference ({reference}); its file is in the records system",
                               id=doc.id, reference=doc.reference or "-"))
        return doc, content

    @use_case("read")
    def verify_documents(self) -> list[str]:
        """What is wrong with the stored documents (empty when every file and row is intact)."""
        return self.store.document_problems()

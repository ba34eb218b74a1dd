"""Serving a stored file: the one function every view that sends an uploaded or frozen file uses.

Whatever a file is (evidence of a measure, an OIT document, a frozen publication's file), it gets
the same protections, so they cannot drift between views again:

- `X-Content-Type-Options: nosniff`: the browser takes the type we give;
- `Content-Security-Policy: default-src 'none'; sandbox`: an HTML or SVG that slipped through
  runs no script and reaches nothing;
- a public file is shown in the browser only when it is a PDF or a photo (`INLINE_TYPES`),
  everything else downloads; a private file (a draft, an organisation's own evidence) always
  downloads and is never cached.

Storage names are never the uploaded name: each `upload_to` gives a random one.
"""

from __future__ import annotations

from django.http import FileResponse

#: shown inline (the browser displays them); never HTML or SVG
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})
SANDBOX = "default-src 'none'; sandbox"


def stored_file_response(field, *, content_type: str, filename: str, private: bool) -> FileResponse:
    """A FileResponse for a stored file (`field`: a FieldFile), with the headers above."""
    content_type = content_type or "application/octet-stream"
    response = FileResponse(
        field.open("rb"),
        content_type=content_type,
        as_attachment=private or content_type not in INLINE_TYPES,
        filename=filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    if private:
        response["Cache-Control"] = "private, no-store"
    return response

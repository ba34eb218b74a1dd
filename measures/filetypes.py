"""Evidence files are identified by their content, never by their name or the browser's claim."""

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str


PDF = FileType("application/pdf", ".pdf", "PDF")
PNG = FileType("image/png", ".png", "รูปภาพ PNG")
JPEG = FileType("image/jpeg", ".jpg", "รูปภาพ JPEG")
GIF = FileType("image/gif", ".gif", "รูปภาพ GIF")
WEBP = FileType("image/webp", ".webp", "รูปภาพ WebP")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word"
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "Excel"
)
ODT = FileType("application/vnd.oasis.opendocument.text", ".odt", "OpenDocument Text")
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", ".ods", "OpenDocument Spreadsheet")
OLE = FileType("application/x-ole-storage", ".doc", "Word/Excel รุ่นเก่า (.doc/.xls)")

# The file chooser's filter (the content is what is checked; this only helps people choose).
ACCEPT = ".pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.doc,.xlsx,.xls,.odt,.ods"

ALLOWED_LABEL = (
    "PDF, รูปภาพ (JPG, PNG, GIF, WebP), Word (.docx, .doc), Excel (.xlsx, .xls) หรือ OpenDocument"
)


def detect(data: bytes) -> FileType | None:
    """The type of a file from its bytes, or None if it is not one evidence may be."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        return _detect_zip(data)
    return None


def _detect_zip(data: bytes) -> FileType | None:
    # A crafted archive can make zipfile raise almost anything (zlib.error, EOFError,
    # NotImplementedError for exotic compression...): any failure means "not evidence".
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size > 200:
                    return None
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return {ODT.content_type: ODT, ODS.content_type: ODS}.get(mimetype)
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return DOCX
                if any(n.startswith("xl/") for n in names):
                    return XLSX
    except Exception:
        return None
    return None

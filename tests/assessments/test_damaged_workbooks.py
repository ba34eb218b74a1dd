"""Damaged workbooks are refused in Thai, whatever error the zip reader raises (a fuzz find)."""

import io
import zipfile

import pytest

from assessments.imports import ScoreImportFailed, check_file


def _zip_with(offset_in_central_directory: int, value: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>" * 10)
    data = bytearray(buffer.getvalue())
    data[data.find(b"PK\x01\x02") + offset_in_central_directory] = value
    return bytes(data)


@pytest.mark.parametrize(
    "content",
    [
        _zip_with(6, 0xEB),  # "version needed to extract" 23.5: NotImplementedError
        b"PK\x03\x04" + b"\x00" * 40,  # a header and nothing else
    ],
)
def test_damaged_zip_is_a_thai_error(content):
    with pytest.raises(ScoreImportFailed) as exc:
        check_file(content, "คะแนน.xlsx")
    assert exc.value.errors[0].message == "ไฟล์เสียหาย เปิดอ่านไม่ได้"

"""Strategies and checks shared by the fuzz tests (tests/test_fuzz.py)."""

from __future__ import annotations

import io
import re
import string
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import transaction
from django.http import QueryDict
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

# Fixtures are set up once per test, not per example; examples share them on purpose. No example
# database: nothing is written into the work tree. No shrinking: a failure is reported as found
# (each distinct one), so a failing run stays within the time budget; the deterministic tests in
# test_fuzz.py hold minimal reproductions of what fuzzing found.
FUZZ = settings(
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

THAI_LETTER = re.compile("[\u0e01-\u0e2e]")  # ก–ฮ: a message with a Thai word in it

# Django's own messages that its Thai catalogue does not translate (Django 5.2). The fuzz tests
# let them through so that they find other problems; test_fuzz.py::
# test_django_builtin_messages_reach_users_in_thai fails while any of them can reach a user.
DJANGO_UNTRANSLATED = (
    re.compile(r"^Ensure this value has at most \d+ characters? \(it has \d+\)\.$"),
    re.compile(r"^Null characters are not allowed\.$"),
    re.compile(r"^“.*” is not a valid value\.$", re.DOTALL),
    re.compile(r"^ManagementForm data is missing or has been tampered with\."),
    re.compile(r"^Please submit at (most|least) \d+ forms?\.$"),
)


def is_thai(message: str) -> bool:
    return bool(THAI_LETTER.search(str(message)))


def is_known_untranslated(message: str) -> bool:
    return any(p.match(str(message)) for p in DJANGO_UNTRANSLATED)


def non_thai(messages: Iterable[str], *, strict: bool = False) -> list[str]:
    """The messages a Thai user could not read (Django's known gaps allowed unless strict)."""
    return [str(m) for m in messages if not is_thai(m) and (strict or not is_known_untranslated(m))]


def form_messages(form) -> Iterator[str]:
    for errors in form.errors.values():
        yield from errors


@contextmanager
def rolled_back():
    """Run the block in a savepoint that is always rolled back: examples do not see each other's
    writes (hypothesis runs every example inside one test's transaction)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# ---------------------------------------------------------------- text

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
# User text that would run if a page ever showed it unescaped.
HOSTILE = '<script>alert("ita")</script><img src=x onerror=alert(1)>'

THAI_TEXT = st.text(alphabet=st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B), max_size=30)
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
DATEISH_ALPHABET = "0123456789" + THAI_DIGITS + "/-. ,:" + INVISIBLE + "\t\n"

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "0",
    "-0",
    "-1",
    "1.5",
    "1e309",
    "NaN",
    "inf",
    "9" * 5000,
    "๑๖/๐๔/๒๕๖๔",
    "16/04/2564",
    "31/02/2568",
    "29/02/2568",
    "16/04/2021",
    "01/10/2567",
    "30/09/2568",
    "99/99/9999",
    "1/1/0000",
    "๑,๒๓๔.๕๖",
    "1,2,3",
    "<script>alert(1)</script>",
    HOSTILE,
    "' OR 1=1 --",
    "http://example.com/",
    "https://ตัวอย่าง.ไทย/เอกสาร",
    "javascript:alert(1)",
    "\u200b",
    "\ufeff16/04/2564",
    "ก" * 600,
    "x" * 5000,
    "\r\n",
    "🙂",
    "=SUM(A1:A9)",
]

dateish_text = st.text(alphabet=DATEISH_ALPHABET, max_size=20)
any_text = st.text(max_size=60)  # every code point but surrogates, NUL included
long_text = st.integers(min_value=100, max_value=20_000).map(lambda n: "ก" * n)


def field_value(extra: Iterable[str] = ()) -> st.SearchStrategy[str]:
    """One submitted value: junk, Thai, date-like, numbers, or one of `extra` (real pks etc.)."""
    choices = [
        st.sampled_from(NASTY),
        any_text,
        THAI_TEXT,
        dateish_text,
        st.integers().map(str),
        long_text,
    ]
    extra = list(extra)
    if extra:
        choices.append(st.sampled_from(extra))
    return st.one_of(*choices)


def form_data(
    fields: dict[str, Iterable[str]] | Iterable[str], *, max_values: int = 3
) -> st.SearchStrategy[QueryDict]:
    """A POST-like QueryDict: any subset of `fields`, each with 0–max_values values, plus junk keys.

    `fields` may map a name to extra meaningful values for it (real pks, choices)."""
    if not isinstance(fields, dict):
        fields = dict.fromkeys(fields, ())
    optional = {
        name: st.lists(field_value(extra), max_size=max_values) for name, extra in fields.items()
    }
    junk = st.dictionaries(
        st.text(alphabet=string.ascii_letters + "_-", min_size=1, max_size=10),
        st.lists(any_text, max_size=2),
        max_size=2,
    )

    def build(pair):
        values, extra_keys = pair
        data = QueryDict(mutable=True)
        for key, items in {**extra_keys, **values}.items():
            data.setlist(key, items)
        return data

    return st.tuples(st.fixed_dictionaries({}, optional=optional), junk).map(build)


def as_post(data: QueryDict) -> dict[str, list[str]]:
    """QueryDict → the dict the test client posts."""
    return dict(data.lists())


# ---------------------------------------------------------------- files


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
DOCX_MEMBERS = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
FILE_SEEDS = [
    b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 16,
    b"\xff\xd8\xff\xe0" + b"\x00" * 16,
    b"GIF89a" + b"\x00" * 10,
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 24,
    zip_bytes({"mimetype": ODT_MIMETYPE * 4}),
    zip_bytes(DOCX_MEMBERS),
    b"MZ\x90\x00",  # an executable
    b"<html><script>alert(1)</script></html>",
]


def _u16(data: bytes | bytearray, at: int) -> int:
    return int.from_bytes(data[at : at + 2], "little")


def member_headers(data: bytes | bytearray, member: bytes) -> tuple[int, int]:
    """Offsets of `member`'s local header and of its central-directory entry."""
    local = data.find(b"PK\x03\x04")
    while local >= 0 and data[local + 30 : local + 30 + _u16(data, local + 26)] != member:
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0 and data[central + 46 : central + 46 + _u16(data, central + 28)] != member:
        central = data.find(b"PK\x01\x02", central + 4)
    assert local >= 0 and central >= 0, member
    return local, central


def with_header(data: bytes, member: bytes, offset: int, value: int) -> bytes:
    """Set a 2-byte field (6: flags, 8: compression method) of `member`'s local header and of
    its central-directory twin, as a crafted upload would."""
    out = bytearray(data)
    local, central = member_headers(out, member)
    for start in (local + offset, central + offset + 2):
        out[start : start + 2] = value.to_bytes(2, "little")
    return bytes(out)


def with_garbled_data(data: bytes, member: bytes) -> bytes:
    """Flip the first compressed bytes of `member` (its CRC no longer matches)."""
    out = bytearray(data)
    local, _ = member_headers(out, member)
    start = local + 30 + _u16(out, local + 26) + _u16(out, local + 28)
    for i in range(start, start + 8):
        out[i] ^= 0xFF
    return bytes(out)


CRAFTS = {
    "encrypted member": lambda data, member: with_header(data, member, 6, 0x0001),
    "unknown compression": lambda data, member: with_header(data, member, 8, 99),
    "garbled deflate data": with_garbled_data,
}
_ODT = zip_bytes({"mimetype": ODT_MIMETYPE * 4})
# Zips an attacker can craft that a plain ZipFile() accepts but reading a member refuses.
CRAFTED_ZIPS = {label: craft(_ODT, b"mimetype") for label, craft in CRAFTS.items()}
FILE_SEEDS += list(CRAFTED_ZIPS.values())


@st.composite
def mutated(draw, seeds: list[bytes]) -> bytes:
    """A seed with a few byte flips, a truncation or an insertion."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        op = draw(st.sampled_from(["flip", "truncate", "insert"]))
        if op == "flip" and data:
            i = draw(st.integers(min_value=0, max_value=len(data) - 1))
            data[i] ^= draw(st.integers(min_value=1, max_value=255))
        elif op == "truncate" and data:
            del data[draw(st.integers(min_value=0, max_value=len(data) - 1)) :]
        else:
            i = draw(st.integers(min_value=0, max_value=len(data)))
            data[i:i] = draw(st.binary(min_size=1, max_size=16))
    return bytes(data)


@st.composite
def mutated_zip_member(draw, seeds: list[bytes]) -> bytes:
    """A valid zip whose member's *uncompressed* content is mutated (CRCs stay valid), so the
    parser behind the zip layer sees it."""
    seed = draw(st.sampled_from(seeds))
    with zipfile.ZipFile(io.BytesIO(seed)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    name = draw(st.sampled_from(sorted(members)))
    members[name] = draw(mutated([members[name] or b" "]))
    return zip_bytes(members)


@st.composite
def mutated_zip_header(draw, seeds: list[bytes]) -> bytes:
    """A zip whose header fields (flags, compression method) are changed in both the local and
    the central header, as a crafted upload would."""
    data = bytearray(draw(st.sampled_from(seeds)))
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    field = draw(st.sampled_from(["flags", "method"]))
    value = draw(st.integers(min_value=0, max_value=0xFFFF))
    offsets = {"flags": (6, 8), "method": (8, 10)}[field]
    for base in (local, central):
        if base < 0:
            continue
        start = base + offsets[0] + (2 if base == central else 0)
        data[start : start + 2] = value.to_bytes(2, "little")
    return bytes(data)


def upload_content(seeds: list[bytes] = FILE_SEEDS) -> st.SearchStrategy[bytes]:
    crafted = set(CRAFTED_ZIPS.values())  # their members cannot be read back for mutation
    zips = [s for s in seeds if s.startswith(b"PK\x03\x04") and s not in crafted]
    return st.one_of(
        st.binary(max_size=512),
        st.sampled_from(seeds),
        st.sampled_from(sorted(crafted)),  # found by fuzzing: kept frequent
        mutated(seeds),
        mutated_zip_member(zips),
        mutated_zip_header(zips),
    )


file_names = st.one_of(
    st.sampled_from(["หลักฐาน.pdf", "a.exe", "../../etc/passwd", "x" * 300 + ".pdf", ".pdf", "ไฟล์"]),
    # "." and ".." never arrive as an upload's name: Django's multipart parser drops them; nor
    # does a lone surrogate, which no browser can send as UTF-8 (the test client cannot either).
    st.text(
        alphabet=st.characters(blacklist_characters="\x00/\\", blacklist_categories=("Cs",)),
        min_size=1,
        max_size=40,
    ).filter(lambda name: name.strip() not in {".", ".."}),
)

"""Fuzzing with hypothesis: no input makes the portal raise, and bad input always gets a Thai
message.

- Thai dates and numbers: parse or a Thai error; formatting then parsing gives the value back.
- The score-file reader: random bytes, mutated .xlsx files and random cells give an ImportResult
  or ScoreImportFailed with Thai messages, having written nothing.
- Every form's clean, and a few form views posted by the right persona: never an exception or a
  500, and every error Thai. Django's own messages that its Thai catalogue lacks are let through
  here (fuzz_helpers.DJANGO_UNTRANSLATED) and caught, with where they appear, by
  test_django_builtin_messages_reach_users_in_thai.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from hypothesis import example, given, reject, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from approvals import services as memos
from approvals.forms import ActForm, ChainTemplateForm, DelegationForm, MemoForm, SubmitForm
from approvals.models import Decision, DelegationKind, ResubmitMode
from assessments.forms import ScoreExportForm, ScoreImportForm, ScoreTemplateForm
from assessments.imports import ImportResult, ScoreImportFailed, scores_import
from assessments.models import Assessment, FiscalYear, Score, ScoreImport, ScoreKind
from assessments.selectors import framework_for_organisation
from assessments.workbooks import errors_xlsx, score_template_xlsx, scores_export_xlsx
from documents.charts import Bar, bar_chart
from ita_portal.thai.dates import (
    ThaiDateError,
    be_year,
    format_number,
    parse_date,
    parse_number,
    to_thai_digits,
)
from ita_portal.thai.forms import ThaiDateField, ThaiDateInput
from measures.forms import AreaAnalysisForm, MeasureForm, ProgressForm, RoundForm, StepFormSet
from measures.models import ProgressStatus, TimeframeKind
from organisations.models import Organisation
from publication.forms import WithdrawForm
from tests.factories import OrganisationFactory, UnitFactory
from tests.measures.conftest import make_framework
from tests.memo_helpers import YEAR, setup_chain

from .fuzz_helpers import (
    CRAFTED_ZIPS,
    CRAFTS,
    FUZZ,
    HOSTILE,
    NASTY,
    any_text,
    as_post,
    dateish_text,
    file_names,
    form_data,
    form_messages,
    is_thai,
    mutated,
    mutated_zip_header,
    mutated_zip_member,
    non_thai,
    rolled_back,
    upload_content,
    zip_bytes,
)

# ---------------------------------------------------------------- Thai dates


@st.composite
def typed_dates(draw) -> str:
    """Text shaped like วว/ดด/ปปปป with any numbers, separators, digits and padding."""
    number = st.one_of(st.integers(min_value=0, max_value=40), st.integers(min_value=0))
    day, month = draw(number), draw(number)
    year = draw(st.one_of(st.integers(min_value=0, max_value=9999), st.integers(min_value=0)))
    sep = draw(st.sampled_from(["/", "-", ".", " / ", "/ ", ",", ""]))
    sep2 = draw(st.sampled_from([sep, sep, "/", "-"]))
    text = f"{day}{sep}{month}{sep2}{year}"
    if draw(st.booleans()):
        text = to_thai_digits(text)
    pad = st.sampled_from(["", " ", "\u200b", "\ufeff", "\t", "\n"])
    return draw(pad) + text + draw(pad)


@settings(FUZZ, max_examples=300)
@given(st.one_of(any_text, dateish_text, typed_dates(), st.sampled_from(NASTY)))
@example("31/02/2568")
@example("16/04/2024")
@example("16/13/2568")
@example("1/1/99999")
def test_parse_date_gives_a_date_or_a_thai_error(text):
    try:
        value = parse_date(text)
    except ThaiDateError as exc:
        assert is_thai(str(exc)), f"parse_date({text!r}) raised a non-Thai message: {exc}"
    else:
        assert isinstance(value, date)
        assert 2400 <= be_year(value.year) <= 2700


be_dates = st.dates(min_value=date(2400 - 543, 1, 1), max_value=date(2700 - 543, 12, 31))


@settings(FUZZ, max_examples=200)
@given(be_dates, st.sampled_from("/-."), st.booleans(), st.booleans())
def test_be_dates_typed_dd_mm_yyyy_parse_back(value, sep, thai_digits, zero_padded):
    day, month = (
        (f"{value.day:02d}", f"{value.month:02d}") if zero_padded else (value.day, value.month)
    )
    text = f"{day}{sep}{month}{sep}{be_year(value.year)}"
    assert parse_date(to_thai_digits(text) if thai_digits else text) == value


@settings(FUZZ, max_examples=100)
@given(be_dates)
def test_the_date_widget_shows_what_the_date_field_reads_back(value):
    shown = ThaiDateInput().format_value(value)
    assert ThaiDateField().clean(shown) == value


# ---------------------------------------------------------------- numbers


@settings(FUZZ, max_examples=300)
@given(
    st.one_of(
        any_text,
        st.text(alphabet="0123456789๐๑๒๓๔๕๖๗๘๙,.-+ eE\u200b", max_size=30),
        st.sampled_from(NASTY),
        st.decimals(allow_nan=False, allow_infinity=False).map(str),
    )
)
@example("1,5")
@example("1e5")
@example("๙๙.๗๘")
def test_parse_number_gives_a_decimal_or_a_thai_error(text):
    try:
        value = parse_number(text)
    except ValueError as exc:
        assert is_thai(str(exc)), f"parse_number({text!r}) raised a non-Thai message: {exc}"
    else:
        assert isinstance(value, Decimal) and value.is_finite()


money = st.decimals(
    min_value=-(10**15), max_value=10**15, places=2, allow_nan=False, allow_infinity=False
)


@settings(FUZZ, max_examples=200)
@given(money, st.booleans())
def test_numbers_formatted_for_users_parse_back(value, thai_digits):
    assert parse_number(format_number(value, 2, thai_digits=thai_digits)) == value
    assert parse_number(to_thai_digits(value)) == value


@settings(FUZZ, max_examples=200)
@given(
    st.one_of(
        st.decimals(),
        st.floats(),
        st.integers(),
        st.text(max_size=30),
        st.sampled_from(NASTY),
    ),
    st.integers(min_value=0, max_value=6),
    st.booleans(),
)
@example(Decimal("1E+40"), 2, False)
@example(float("nan"), 2, False)
def test_format_number_gives_text_or_a_thai_error(value, decimals, thai_digits):
    try:
        text = format_number(value, decimals, thai_digits=thai_digits)
    except ValueError as exc:
        assert is_thai(str(exc)), f"format_number({value!r}) raised a non-Thai message: {exc}"
    else:
        assert isinstance(text, str) and parse_number(text).is_finite()


# ---------------------------------------------------------------- the score-file reader

ORG_CODE = "6301401"
LONG = ("org_code", "fiscal_year", "item_code", "score")
THAI_LONG = ("รหัสหน่วยงาน", "ปีงบประมาณ", "ข้อ", "คะแนน")


def xlsx(rows, header=LONG) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "คะแนน"
    if header is not None:
        ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# Codes of the small 2568 catalogue (tests/measures/conftest.make_framework).
VALID_LONG = xlsx([(ORG_CODE, 2568, "i7", 95.5), (ORG_CODE, 2568, "ind2", 90)])
VALID_WIDE = xlsx(
    [(ORG_CODE, "๒๕๖๘", "๙๕.๕๐", 90)], header=("รหัสหน่วยงาน", "ปีงบประมาณ", "i7", "ind2")
)
VALID_FILES = [VALID_LONG, VALID_WIDE]


@pytest.fixture
def agency(db):
    make_framework(YEAR)
    return OrganisationFactory(code=ORG_CODE, name="องค์การบริหารส่วนตำบลขามสมบูรณ์")


def counts() -> tuple[int, int, int]:
    return Score.objects.count(), Assessment.objects.count(), Organisation.objects.count()


def import_outcome(content: bytes, *, create_organisations: bool = False) -> str:
    """'ok' or 'failed' — anything else fails the test. Each call is rolled back."""
    before = counts()
    with rolled_back():
        try:
            result = scores_import(
                content=content,
                file_name="คะแนน.xlsx",
                create_organisations=create_organisations,
            )
        except ScoreImportFailed as exc:
            assert exc.errors, "ScoreImportFailed without an error to show"
            bad = [str(e) for e in exc.errors if not is_thai(e.message)]
            assert not bad, f"non-Thai import errors: {bad}"
            assert counts() == before, "a failed import wrote something"
            return "failed"
        except BaseException as exc:  # Rust panics from the reader are BaseExceptions
            if isinstance(exc, KeyboardInterrupt):
                raise
            raise AssertionError(
                f"scores_import raised {type(exc).__name__}: {exc!s:.300}"
            ) from exc
        assert isinstance(result, ImportResult)
        return "ok"


def test_the_fuzzed_workbooks_start_valid(agency):
    assert [import_outcome(content) for content in VALID_FILES] == ["ok", "ok"]


@settings(FUZZ, max_examples=120)
@given(
    st.one_of(
        st.binary(max_size=2048),
        st.binary(max_size=512).map(lambda b: b"PK\x03\x04" + b),
        st.binary(max_size=512).map(lambda b: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b),
    )
)
@example(b"")
@example(b"PK\x03\x04")
def test_score_import_of_random_bytes(agency, content):
    assert import_outcome(content) == "failed"


@settings(FUZZ, max_examples=100)
@given(
    st.one_of(
        mutated(VALID_FILES),
        mutated_zip_member(VALID_FILES),
        mutated_zip_header(VALID_FILES),
    )
)
def test_score_import_of_damaged_workbooks(agency, content):
    import_outcome(content)


excel_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32)])),
    ),
    max_size=40,
)
cell_values = st.one_of(
    st.none(),
    st.sampled_from(
        [ORG_CODE, "2568", "๒๕๖๘", 2568, "i7", "I7", " ind2 ", "IIT", "TOTAL", "x99", "๙๕.๕"]
        + ["95,5", "100.001", "-1", "101", "1e2", "", " ", "=1+1", "=A1", "=SUM(", "#N/A"]
    ),
    excel_text,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1)),
    st.integers(min_value=100, max_value=32_000).map(lambda n: "๑" * n),
)
headers = st.one_of(
    st.sampled_from([LONG, THAI_LONG, ("org_code", "fiscal_year", "i7", "ind2", "TOTAL")]),
    st.lists(cell_values, max_size=6),
    st.none(),
)


@settings(FUZZ, max_examples=80)
@given(headers, st.lists(st.lists(cell_values, max_size=6), max_size=6), st.booleans())
def test_score_import_of_random_cells(agency, header, rows, create_organisations):
    try:
        content = xlsx(rows, header)
    except Exception:  # openpyxl cannot write it: not an input the portal can receive
        reject()
    import_outcome(content, create_organisations=create_organisations)


# ---------------------------------------------------------------- forms


@pytest.fixture
def forms_world(org, other_org, staff, approver, org_admin, outsider):
    units = [UnitFactory(organisation=org, name="สำนักปลัด"), UnitFactory(organisation=org)]
    foreign_unit = UnitFactory(organisation=other_org)
    framework = make_framework(YEAR)
    template = memos.chain_template_save(
        organisation=org, user=org_admin, name="เสนอรายงาน", steps=[("ปลัด", approver)]
    )

    def pks(objs) -> list[str]:
        return [str(o.pk) for o in objs]

    members = pks([staff, approver, org_admin])
    item_pks = pks(framework.items.all())
    return {
        "org": org,
        "framework": framework,
        "units": pks(units) + pks([foreign_unit]),
        "items": item_pks,
        "members": members + pks([outsider]),
        "template": [str(template.pk), "0"],
    }


def uploads(draw, name: str, max_files: int = 3) -> MultiValueDict:
    files = [
        SimpleUploadedFile(draw(file_names), draw(upload_content()))
        for _ in range(draw(st.integers(min_value=0, max_value=max_files)))
    ]
    return MultiValueDict({name: files} if files else {})


def steps_fields() -> dict[str, list[str]]:
    fields = {
        "steps-TOTAL_FORMS": ["0", "1", "2", "31", "1000", "-1"],
        "steps-INITIAL_FORMS": ["0", "1"],
        "steps-MIN_NUM_FORMS": ["0"],
        "steps-MAX_NUM_FORMS": ["1000"],
    }
    for i in range(3):
        fields[f"steps-{i}-text"] = []
        fields[f"steps-{i}-DELETE"] = ["on", ""]
    return fields


def date_fields(*names) -> dict[str, list[str]]:
    return {n: ["01/10/2567", "30/09/2568", "31/03/2568", "01/10/2568"] for n in names}


def chain_fields(w) -> dict[str, list[str]]:
    fields = {"name": [], "is_default": ["on", ""], "resubmit": [*ResubmitMode.values, "x"]}
    for i in range(1, ChainTemplateForm.STEPS + 1):
        fields[f"position_{i}"] = []
        fields[f"user_{i}"] = w["members"]
    return fields


def text_fields(*names) -> dict[str, list[str]]:
    return dict.fromkeys(names, [])


# name: (fields(world) -> {field: meaningful values}, build(world, data, files) -> form, file field)
FORMS = {
    "MeasureForm": (
        lambda w: {
            **text_fields("title", "problem", "goal", "monitoring", "expected_output"),
            **text_fields("expected_outcome"),
            "items": w["items"],
            "responsible_units": w["units"],
            "timeframe_kind": list(TimeframeKind.values),
            "quarters": ["1", "2", "3", "4", "5", "0"],
            **date_fields("start_date", "end_date", "deadline"),
        },
        lambda w, data, files: MeasureForm(
            data, organisation=w["org"], framework=w["framework"], year=YEAR
        ),
        None,
    ),
    "StepFormSet": (
        lambda w: steps_fields(),
        lambda w, data, files: StepFormSet(data, prefix="steps"),
        None,
    ),
    "ProgressForm": (
        lambda w: {
            "status": list(ProgressStatus.values),
            **text_fields("output", "outcome", "recommendations"),
            **date_fields("reported_on"),
            "links": ["https://example.com/a\nftp://x", "http://ตัวอย่าง.ไทย/", "http://[::1"],
        },
        lambda w, data, files: ProgressForm(data, files),
        "files",
    ),
    "RoundForm": (
        lambda w: {"name": [], **date_fields("start_date", "end_date")},
        lambda w, data, files: RoundForm(data),
        None,
    ),
    "MemoForm": (
        lambda w: {
            "unit": w["units"],
            **text_fields("subject", "to", "background", "facts", "proposal"),
            "publish_memo": ["on", "false", ""],
        },
        lambda w, data, files: MemoForm(data, organisation=w["org"]),
        None,
    ),
    "ChainTemplateForm": (
        chain_fields,
        lambda w, data, files: ChainTemplateForm(data, organisation=w["org"]),
        None,
    ),
    "DelegationForm": (
        lambda w: {
            "delegator": w["members"],
            "delegate": w["members"],
            "kind": list(DelegationKind.values),
            "order_number": [],
            **date_fields("starts_on", "ends_on", "order_date"),
        },
        lambda w, data, files: DelegationForm(data, organisation=w["org"]),
        None,
    ),
    "SubmitForm": (
        lambda w: {"template": w["template"]},
        lambda w, data, files: SubmitForm(data, organisation=w["org"]),
        None,
    ),
    "WithdrawForm": (
        lambda w: text_fields("reason"),
        lambda w, data, files: WithdrawForm(data),
        None,
    ),
    "ActForm": (
        lambda w: {"decision": list(Decision.values), "comment": [], "step": ["1", "0", "-1"]},
        lambda w, data, files: ActForm(data),
        None,
    ),
    "ScoreImportForm": (
        lambda w: {"create_organisations": ["on", ""]},
        lambda w, data, files: ScoreImportForm(data, files),
        "file",
    ),
    "ScoreTemplateForm": (
        lambda w: {"framework": [str(w["framework"].pk)], "province": ["นครราชสีมา"]},
        lambda w, data, files: ScoreTemplateForm(data),
        None,
    ),
    "ScoreExportForm": (
        lambda w: {"year": ["2568", "2499", "2701", "๒๕๖๘"], "province": []},
        lambda w, data, files: ScoreExportForm(data),
        None,
    ),
    "AreaAnalysisForm": (
        lambda w: text_fields("facts", "therefore", "maintain_develop"),
        lambda w, data, files: AreaAnalysisForm(data),
        None,
    ),
}


def messages_of(form) -> list[str]:
    if hasattr(form, "non_form_errors"):  # a formset
        return list(form.non_form_errors()) + [m for f in form.forms for m in form_messages(f)]
    return list(form_messages(form))


def check_form(form, *, strict: bool = False) -> list[str]:
    valid = form.is_valid()
    messages = messages_of(form)
    if not valid:
        assert messages, f"{type(form).__name__} is invalid but says nothing"
    bad = non_thai(messages, strict=strict)
    assert strict or not bad, f"{type(form).__name__}: non-Thai messages {bad}"
    return bad


@pytest.mark.parametrize("name", list(FORMS))
@settings(FUZZ, max_examples=50)
@given(data=st.data())
def test_form_clean_never_raises_and_speaks_thai(name, forms_world, data):
    fields, build, file_field = FORMS[name]
    post = data.draw(form_data(fields(forms_world)), label="POST")
    files = uploads(data.draw, file_field) if file_field else MultiValueDict()
    check_form(build(forms_world, post, files))


@settings(FUZZ, max_examples=200)
@given(
    st.one_of(any_text, dateish_text, typed_dates(), st.sampled_from(NASTY), st.none()),
    st.one_of(st.none(), st.integers(min_value=2400, max_value=2700)),
    st.booleans(),
)
def test_thai_date_field_cleans_or_explains_in_thai(value, fiscal_year, required):
    field = ThaiDateField(fiscal_year=fiscal_year, required=required)
    try:
        cleaned = field.clean(value)
    except Exception as exc:  # only a ValidationError with Thai messages is acceptable
        assert isinstance(exc, ValidationError), f"{type(exc).__name__}: {exc}"
        assert exc.messages and all(is_thai(m) for m in exc.messages), exc.messages
    else:
        assert cleaned is None or isinstance(cleaned, date)


def test_django_builtin_messages_reach_users_in_thai(forms_world):
    """Every form field given NUL, over-long and tampered input. Lists each English message
    (Django's own, missing from its Thai catalogue) with the form fields that show it."""
    found: dict[str, set[str]] = {}
    for name, (fields, build, file_field) in FORMS.items():
        form = build(forms_world, None, None)
        names = list(form.management_form.fields) if hasattr(form, "management_form") else []
        names = [f"{form.prefix}-{n}" for n in names] if names else []
        names += list(fields(forms_world)) + list(getattr(form, "fields", {}))
        for field in dict.fromkeys(names):
            limit = getattr(getattr(form, "fields", {}).get(field), "max_length", None) or 0
            for value in ["\x00", "x" * (limit + 1), "not-a-pk", ["1", "not-a-pk"], "1"]:
                for data in ({field: value}, {**dict.fromkeys(names, "1"), field: value}):
                    query = QueryDict(mutable=True)
                    for key, item in data.items():
                        query.setlist(key, item if isinstance(item, list) else [item])
                    form = build(forms_world, query, MultiValueDict())
                    for message in check_form(form, strict=True):
                        key = message.split(" Missing fields")[0]
                        key = re.sub(r"“.*”", "“…”", re.sub(r"\d+", "N", key), flags=re.DOTALL)
                        found.setdefault(key, set()).add(f"{name}.{field}")
        if hasattr(form, "management_form"):  # one step more than the formset takes
            steps = {f"{form.prefix}-{i}-text": "ขั้นตอน" for i in range(form.max_num + 1)}
            steps |= {f"{form.prefix}-TOTAL_FORMS": str(form.max_num + 1)}
            steps |= {f"{form.prefix}-INITIAL_FORMS": "0"}
            for message in check_form(build(forms_world, steps, None), strict=True):
                found.setdefault(re.sub(r"\d+", "N", message), set()).add(f"{name} (too many)")
        if file_field:
            empty = MultiValueDict({file_field: [SimpleUploadedFile("ว่าง.pdf", b"")]})
            for message in check_form(build(forms_world, QueryDict(), empty), strict=True):
                found.setdefault(message, set()).add(f"{name}.{file_field}")
    assert not found, "English messages shown to users:\n" + "\n".join(
        f"- {message!r} in {', '.join(sorted(where))}" for message, where in sorted(found.items())
    )


@pytest.mark.parametrize("label", list(CRAFTED_ZIPS))
def test_crafted_zip_evidence_is_refused_in_thai(label):
    """Found by fuzzing: zips that open but whose member cannot be read (encrypted, unknown
    compression, damaged data) must be refused like any other unreadable file."""
    upload = SimpleUploadedFile("หลักฐาน.odt", CRAFTED_ZIPS[label])
    form = ProgressForm(
        {"status": "done", "reported_on": "20/03/2568"}, MultiValueDict({"files": [upload]})
    )
    try:
        valid = form.is_valid()
    except Exception as exc:
        raise AssertionError(f"{label}: ProgressForm raised {type(exc).__name__}: {exc}") from exc
    assert not valid and form.errors["files"]
    assert all(is_thai(m) for m in form.errors["files"]), form.errors["files"]


def test_crafted_zip_workbooks_are_refused_in_thai(agency):
    """A workbook whose sheet cannot be read is refused with a Thai message, never a crash."""
    for label, craft in CRAFTS.items():
        content = craft(VALID_LONG, b"xl/worksheets/sheet1.xml")
        assert import_outcome(content) == "failed", label


HUGE_NUMBER_ROWS = {
    "thai-digit year": (ORG_CODE, "๑" * 5000, "i7", 90),  # found by fuzzing (int() > 4300 digits)
    "long year": (ORG_CODE, "2" * 5000, "i7", 90),
    "long score": (ORG_CODE, 2568, "i7", "๑" * 5000),
    "long org code": ("๑" * 5000, 2568, "i7", 90),
    "long item code": (ORG_CODE, 2568, "i" + "7" * 5000, 90),
}


def test_score_import_of_huge_numbers_is_refused_in_thai(agency):
    problems = []
    for label, row in HUGE_NUMBER_ROWS.items():
        try:
            outcome = import_outcome(xlsx([row]))
        except AssertionError as exc:
            problems.append(f"{label}: {str(exc).splitlines()[0]}")
        else:
            if outcome != "failed":
                problems.append(f"{label}: imported")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- form views, posted


@pytest.fixture
def views_world(org, staff, approver, org_admin):
    unit, rounds, measure, template, mayor = setup_chain(org, staff, org_admin, approver)
    framework = framework_for_organisation(org, YEAR)
    return {
        "org": org,
        "measure": measure,
        "round": rounds[0],
        "units": [str(unit.pk)],
        "items": [str(i.pk) for i in framework.items.all()[:3]],
    }


def test_crafted_zip_evidence_posted_is_not_a_500(views_world, staff):
    """Found by fuzzing: the progress page with such a file attached answers 200 with the form's
    Thai error, not a 500."""
    w = views_world
    url = reverse("measures:progress_edit", args=[w["org"].code, w["measure"].pk, w["round"].pk])
    problems = []
    for label, content in CRAFTED_ZIPS.items():
        data = QueryDict(mutable=True)
        data.update({"status": "done", "reported_on": "20/03/2568"})
        upload = SimpleUploadedFile("หลักฐาน.odt", content)
        try:
            post_as(staff, url, data, MultiValueDict({"files": [upload]}))
        except Exception as exc:
            problems.append(f"{label}: {type(exc).__name__}: {exc}")
    assert not problems, "POST " + url + ":\n" + "\n".join(problems)


def post_as(user, url: str, data, files=None) -> int:
    """POST as `user` (rolled back): 200 or 302, and posted hostile text only comes back escaped."""
    client = Client()
    with rolled_back():
        client.force_login(user)
        payload = as_post(data)
        if files:
            payload.update(files.lists())
        response = client.post(url, payload)
    # A NUL anywhere is refused before any view, in Thai (RejectUnusableInputMiddleware).
    has_nul = any("\x00" in key or any("\x00" in v for v in vs) for key, vs in data.lists())
    allowed = (200, 302, 400) if has_nul else (200, 302)
    assert response.status_code in allowed, f"{url}: {response.status_code}"
    if any(HOSTILE in value for values in data.lists() for value in values[1]):
        assert HOSTILE not in response.content.decode(errors="replace"), f"{url} echoes it raw"
    return response.status_code


@settings(FUZZ, max_examples=20)
@given(data=st.data())
def test_measure_create_survives_any_post(views_world, staff, data):
    w = views_world
    fields = {
        **FORMS["MeasureForm"][0](w),
        **steps_fields(),
    }
    url = reverse("measures:measure_create", args=[w["org"].code, YEAR])
    post_as(staff, url, data.draw(form_data(fields)))


@settings(FUZZ, max_examples=25)
@given(data=st.data())
def test_progress_edit_survives_any_post(views_world, staff, data):
    w = views_world
    url = reverse("measures:progress_edit", args=[w["org"].code, w["measure"].pk, w["round"].pk])
    post = data.draw(form_data(FORMS["ProgressForm"][0](w)))
    post_as(staff, url, post, uploads(data.draw, "files"))


@settings(FUZZ, max_examples=25)
@given(data=st.data())
def test_memo_create_survives_any_post(views_world, staff, data):
    w = views_world
    url = (
        reverse("approvals:memo_create", args=[w["org"].code])
        + f"?kind=measure-results&year={YEAR}&round={w['round'].pk}"
    )
    post_as(staff, url, data.draw(form_data(FORMS["MemoForm"][0](w))))


@settings(FUZZ, max_examples=25)
@given(data=st.data())
def test_round_create_survives_any_post(views_world, org_admin, data):
    w = views_world
    url = reverse("measures:round_list", args=[w["org"].code, YEAR])
    post_as(org_admin, url, data.draw(form_data(FORMS["RoundForm"][0](w))))


@settings(FUZZ, max_examples=40)
@given(
    form_data(
        {
            "organisation": ["1", "2", "0", "-1", "99999999999999999999"],
            "next": ["//evil.example/", "https://evil.example/", "/dashboard/", "/\\evil"],
        }
    )
)
@example(QueryDict("next=abc"))  # found by fuzzing: a bare word is taken for a URL name
def test_switch_organisation_survives_any_post_and_stays_on_site(staff, post):
    client = Client()
    client.force_login(staff)
    response = client.post(reverse("organisations:switch"), as_post(post))
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in post.lists()):
        assert response.status_code == 400  # a NUL is refused before any view, in Thai
        return
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location


def test_hostile_text_saved_through_the_forms_is_shown_escaped(views_world, staff):
    """The portal accepts no HTML from users: what they type is stored as text and every page
    shows it escaped (Django autoescape), so no HTML sanitiser is needed."""
    w = views_world
    client = Client()
    client.force_login(staff)
    measure = client.post(
        reverse("measures:measure_create", args=[w["org"].code, YEAR]),
        {
            "title": HOSTILE,
            "problem": HOSTILE,
            "goal": HOSTILE,
            "responsible_units": w["units"],
            "timeframe_kind": "deadline",
            "deadline": "31/03/2568",
            "steps-TOTAL_FORMS": "1",
            "steps-INITIAL_FORMS": "0",
            "steps-MIN_NUM_FORMS": "0",
            "steps-MAX_NUM_FORMS": "1000",
            "steps-0-text": HOSTILE,
        },
    )
    assert measure.status_code == 302, measure.content.decode()[:500]
    memo = client.post(
        reverse("approvals:memo_create", args=[w["org"].code])
        + f"?kind=measure-results&year={YEAR}&round={w['round'].pk}",
        {
            "unit": w["units"][0],
            "subject": HOSTILE,
            "to": "นายก",
            "background": HOSTILE,
            "facts": HOSTILE,
            "proposal": HOSTILE,
        },
    )
    assert memo.status_code == 302, memo.content.decode()[:500]
    pages = [
        measure["Location"],
        reverse("measures:measure_list", args=[w["org"].code, YEAR]),
        memo["Location"],
        reverse("approvals:memo_list", args=[w["org"].code]),
        reverse("documents:document", args=[w["org"].code, YEAR, "measure-plan"]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert HOSTILE not in body and "<script>alert" not in body, url
        assert "&lt;script&gt;alert(" in body, url


chart_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32)]))
        + "\ufffe\uffff",
    ),
    max_size=40,
)


@settings(FUZZ, max_examples=100)
@given(
    st.lists(
        st.tuples(
            st.one_of(chart_text, st.sampled_from([t for t in NASTY if "\x00" not in t])),
            st.one_of(  # scores: 0–100, as the database allows
                st.none(),
                st.decimals(min_value=0, max_value=100, places=2),
                st.floats(min_value=0, max_value=100),
            ),
        ),
        max_size=6,
    ),
    chart_text,
    st.booleans(),
)
def test_charts_escape_any_label(bars, title, thai_digits):
    """bar_chart is one of the two places that mark HTML safe: labels (organisation names,
    years) must come out as text, never as markup."""
    svg = bar_chart(
        [Bar(label, value) for label, value in bars], title=title, thai_digits=thai_digits
    )
    root = ElementTree.fromstring(str(svg))
    tags = {element.tag.split("}")[-1] for element in root.iter()}
    assert tags <= {"svg", "title", "text", "rect"}, tags
    assert not any(a.startswith("on") for e in root.iter() for a in e.attrib)
    texts = [e.text or "" for e in root.iter() if e.tag.endswith("text")]
    # XML reads a carriage return as a line feed.
    labels = [label.replace("\r\n", "\n").replace("\r", "\n") for label, _ in bars]
    assert all(label.strip() == "" or label in texts for label in labels)


# ---------------------------------------------------------------- spreadsheets the portal writes

FORMULA = '=HYPERLINK("http://evil.example/","เปิดไฟล์")'
formula_text = st.tuples(st.sampled_from(["=", "==", "=-", "=@"]), excel_text).map("".join)


def formula_cells(content) -> list[str]:
    """Cells that Excel would evaluate: user text must stay text (spreadsheet injection)."""
    book = load_workbook(content if hasattr(content, "read") else io.BytesIO(content))
    return [
        f"{ws.title}!{cell.coordinate}={cell.value!r}"
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


@settings(FUZZ, max_examples=30)
@given(st.lists(st.one_of(formula_text, excel_text), min_size=1, max_size=4))
def test_import_error_report_keeps_uploaded_text_as_text(values):
    """errors.xlsx repeats the uploaded cells' text: text starting with "=" must not become a
    live formula in the file a central admin opens."""
    errors = [
        {"sheet": "คะแนน", "row": 2, "column": "รหัสหน่วยงาน (org_code)", "value": v, "message": "ผิด"}
        for v in values
    ]
    cells = formula_cells(errors_xlsx(errors))
    assert not cells, f"live formulas in errors.xlsx: {cells}"


def test_uploaded_formula_text_comes_back_as_text(
    agency, central_admin, django_capture_on_commit_callbacks
):
    """End to end: a score file whose org_code cell is the text "=HYPERLINK(…)"; the error report
    downloaded from the import page must show it as text."""
    wb = Workbook()
    ws = wb.active
    ws.append(list(LONG))
    ws.append([None, 2568, "i7", 90])
    ws["A2"].value, ws["A2"].data_type = FORMULA, "s"  # typed as text, as Excel users can
    out = io.BytesIO()
    wb.save(out)
    client = Client()
    client.force_login(central_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessments:import_list"),
            {"file": SimpleUploadedFile("คะแนน.xlsx", out.getvalue())},
        )
    record = ScoreImport.objects.get()
    assert any(FORMULA in str(e["value"]) for e in record.errors), record.errors
    report = client.get(reverse("assessments:import_errors", args=[record.pk]))
    assert response.status_code == 302 and report.status_code == 200
    cells = formula_cells(report.content)
    assert not cells, f"live formulas in the downloaded error report: {cells}"


def test_exports_keep_organisation_names_as_text(agency):
    """Organisation names (typed in the admin, or read from an import's org_name column) go into
    the score export and the score template."""
    agency.name = FORMULA
    agency.save()
    assessment = Assessment.objects.create(
        organisation=agency,
        fiscal_year=FiscalYear.objects.get(year=YEAR),
        framework=framework_for_organisation(agency, YEAR),
    )
    Score.objects.create(assessment=assessment, kind=ScoreKind.ITEM, code="i7", score=90)
    export = scores_export_xlsx(year=YEAR)
    template = score_template_xlsx(assessment.framework, [agency])
    cells = [f"export {c}" for c in formula_cells(export)]
    cells += [f"template {c}" for c in formula_cells(template)]
    assert not cells, f"live formulas: {cells}"


def _lying_zip(declared: int) -> bytes:
    """A workbook whose sheet expands to 3 MB while its zip headers declare `declared` bytes."""
    import struct

    members = {}
    with zipfile.ZipFile(io.BytesIO(VALID_LONG)) as archive:
        for info in archive.infolist():
            members[info.filename] = archive.read(info)
    members["xl/worksheets/sheet2.xml"] = b"<x>" + b"0" * (3 * 1024 * 1024) + b"</x>"
    data = bytearray(zip_bytes(members))
    # Rewrite the uncompressed size of that member in its local header and the central directory.
    name = b"xl/worksheets/sheet2.xml"
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[at + offset : at + offset + 4] = struct.pack("<I", declared)
            at += 4
    return bytes(data)


def test_expansion_is_measured_not_read_from_the_headers(agency, settings):
    """The zip-bomb check counted the sizes an .xlsx declares; now it decompresses and counts,
    so a file that understates its size is refused either way, in Thai, with nothing written."""
    from assessments.imports import check_file

    settings.SCORE_IMPORT_MAX_UNCOMPRESSED = 1024 * 1024  # 1 MB, below the 3 MB sheet
    honest = _lying_zip(3 * 1024 * 1024 + 7)
    with pytest.raises(ScoreImportFailed) as exc:
        check_file(honest, "คะแนน.xlsx")
    assert "zip bomb" in str(exc.value.errors[0]) and "1 MB" in str(exc.value.errors[0])
    lying = _lying_zip(100)
    with zipfile.ZipFile(io.BytesIO(lying)) as archive:  # the headers say it is small
        assert sum(i.file_size for i in archive.infolist()) < 1024 * 1024
    with pytest.raises(ScoreImportFailed) as exc:
        check_file(lying, "คะแนน.xlsx")
    assert is_thai(str(exc.value.errors[0]))
    assert import_outcome(lying) == "failed"
    settings.SCORE_IMPORT_MAX_UNCOMPRESSED = 64 * 1024 * 1024
    check_file(VALID_LONG, "คะแนน.xlsx")  # an ordinary workbook passes

"""Tenant isolation proven for every URL of the project.

Every URL pattern is enumerated from the resolver and must have an entry in EXPECTED: how to
build its kwargs from objects of organisation `org`, the method, and the outcome for each persona
(STYLE.md §4, §7): anonymous → login, outsider (org admin of `other_org`) → 404, member without
the role → 403, right role → success. Public pages are open to all, but only for what has been
published. Each request runs in a savepoint that is rolled back, so one world serves them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from approvals import selectors as approval_selectors
from approvals import services as memos
from approvals.models import Decision
from assessments.models import AnalysisArea, Framework, ImportStatus, ScoreImport
from measures import services as measure_services
from oit import selectors as oit_selectors
from oit import services as oit
from organisations.models import Organisation
from publication.models import Publication
from tests.assessments.test_scoring import seed_assessment
from tests.factories import UnitFactory, UserFactory
from tests.measures.helpers import PDF_BYTES
from tests.memo_helpers import YEAR, act, new_memo, setup_chain

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "outsider", "staff", "approver", "org_admin", "central_admin")

# Outcomes: "ok" is 200, or a 302 that is not to a login page.
OK, LOGIN, ADMIN_LOGIN = "ok", "login", "admin_login"


def expect(anonymous, outsider, staff, approver, org_admin, central_admin) -> dict[str, object]:
    return dict(
        zip(PERSONAS, (anonymous, outsider, staff, approver, org_admin, central_admin), strict=True)
    )


PUBLIC = expect(OK, OK, OK, OK, OK, OK)
UNPUBLISHED = expect(404, 404, 404, 404, 404, 404)
LOGGED_IN = expect(LOGIN, OK, OK, OK, OK, OK)
# organisations.access: staff view+edit, approver view, org admin view+edit+manage,
# central admin view+manage (never edit: they do not sign for an agency).
VIEW = expect(LOGIN, 404, OK, OK, OK, OK)
EDIT = expect(LOGIN, 404, OK, 403, OK, 403)
MANAGE = expect(LOGIN, 404, 403, 403, OK, OK)
# Not organisation-scoped: only central admins (assessments.views._central_admin).
CENTRAL = expect(LOGIN, 403, 403, 403, 403, OK)


@dataclass(frozen=True)
class Case:
    method: str
    expected: dict[str, object]
    kwargs: Callable[[SimpleNamespace], dict] = lambda w: {}
    query: Callable[[SimpleNamespace], str] = lambda w: ""
    data: Callable[[SimpleNamespace], dict] = lambda w: {}
    label: str = ""
    # Extra context for a case whose expected value records a known leak or bug.
    note: str = field(default="", compare=False)


def code(w, **extra):
    return {"code": w.org.code, **extra}


def year(w, **extra):
    return code(w, year=YEAR, **extra)


def public_doc(kind: str, **extra):
    return lambda w: {"code": w.org.code, "year": YEAR, "kind": kind, **extra}


# Every URL name of the project (admin aside: see ADMIN below). A new URL fails
# test_every_url_has_an_expected_entry until it is added here.
EXPECTED: dict[str, list[Case]] = {
    # -- public
    "home": [Case("get", PUBLIC)],
    "healthz": [Case("get", PUBLIC)],
    "help": [Case("get", PUBLIC)],
    "login": [Case("get", PUBLIC)],  # logged-in users are redirected to the dashboard
    "logout": [Case("post", PUBLIC)],
    "password_reset": [
        Case("get", PUBLIC),
        Case("post", PUBLIC, data=lambda w: {"email": "staff@example.invalid"}),
    ],
    "password_reset_done": [Case("get", PUBLIC)],
    "password_reset_confirm": [
        Case("get", PUBLIC, lambda w: w.reset_kwargs, label="valid link"),
        Case("get", PUBLIC, lambda w: {"uidb64": "MQ", "token": "bad-token"}, label="bad link"),
    ],
    "password_reset_complete": [Case("get", PUBLIC)],
    "public:directory": [Case("get", PUBLIC)],
    "public:provinces": [Case("get", PUBLIC)],
    "public:province": [
        Case("get", PUBLIC, lambda w: {"province": w.org.province}, label="with agencies"),
        Case("get", UNPUBLISHED, lambda w: {"province": "ไม่มีจังหวัดนี้"}, label="unknown"),
    ],
    "public:district": [
        Case("get", PUBLIC, lambda w: {"province": w.org.province, "district": w.org.district}),
        Case(
            "get",
            UNPUBLISHED,
            lambda w: {"province": w.org.province, "district": "ไม่มีอำเภอนี้"},
            label="unknown",
        ),
    ],
    # -- oversight (central admins and scoped oversight users; see test_oversight_scopes_*)
    "oversight:dashboard": [Case("get", CENTRAL)],
    "oversight:export": [Case("get", CENTRAL)],
    "oversight:survey_counts": [Case("get", CENTRAL), Case("post", CENTRAL)],
    "oversight:survey_template": [Case("get", CENTRAL)],
    "public:organisation": [Case("get", PUBLIC, code)],
    "public:memo_list": [
        Case("get", PUBLIC, lambda w: {"code": w.org.code, "year": YEAR}, label="published"),
        Case("get", UNPUBLISHED, lambda w: {"code": w.org.code, "year": YEAR - 1}),
    ],
    "public:memo_list_pdf": [Case("get", PUBLIC, lambda w: {"code": w.org.code, "year": YEAR})],
    "public:document": [
        Case("get", PUBLIC, public_doc("measure-results"), label="published"),
        Case("get", UNPUBLISHED, public_doc("progress"), label="unpublished"),
    ],
    "public:document_pdf": [
        Case("get", PUBLIC, public_doc("measure-results"), label="published"),
        Case("get", UNPUBLISHED, public_doc("progress"), label="unpublished"),
    ],
    "public:document_docx": [
        Case("get", PUBLIC, public_doc("measure-results"), label="published"),
        Case("get", UNPUBLISHED, public_doc("progress"), label="unpublished"),
    ],
    "public:document_revision_docx": [
        Case("get", PUBLIC, public_doc("measure-results", revision=1), label="published"),
        Case("get", UNPUBLISHED, public_doc("progress", revision=1), label="unpublished"),
    ],
    "public:document_variant_docx": [
        Case("get", PUBLIC, public_doc("measure-results", variant="round-6"), label="published"),
        Case("get", UNPUBLISHED, public_doc("measure-results", variant="round-12"), label="none"),
    ],
    "public:document_revision": [
        Case("get", PUBLIC, public_doc("measure-results", revision=1), label="published"),
        Case("get", UNPUBLISHED, public_doc("progress", revision=1), label="unpublished"),
    ],
    "public:document_revision_pdf": [
        Case("get", PUBLIC, public_doc("measure-results", revision=1), label="published"),
        Case("get", UNPUBLISHED, public_doc("progress", revision=1), label="unpublished"),
    ],
    "public:document_variant": [
        Case("get", PUBLIC, public_doc("measure-results", variant="round-6"), label="published"),
        Case("get", UNPUBLISHED, public_doc("measure-results", variant="round-12"), label="none"),
    ],
    "public:document_variant_pdf": [
        Case("get", PUBLIC, public_doc("measure-results", variant="round-6"), label="published"),
        Case("get", UNPUBLISHED, public_doc("measure-results", variant="round-12"), label="none"),
    ],
    "public:document_file": [
        Case(
            "get",
            PUBLIC,
            public_doc("measure-results", revision=1, number=1),
            label="frozen evidence",
        ),
        Case("get", UNPUBLISHED, public_doc("measure-results", revision=1, number=9)),
    ],
    "public:oit_index": [Case("get", PUBLIC, year)],
    "public:oit_item": [Case("get", PUBLIC, lambda w: year(w, item_code="o14"))],
    "public:oit_file": [
        Case(
            "get",
            PUBLIC,
            lambda w: year(w, item_code="o14", pk=w.oit_published.pk),
            label="published",
        ),
        Case(
            "get",
            UNPUBLISHED,
            lambda w: year(w, item_code="o15", pk=w.oit_draft.pk),
            label="draft",
        ),
    ],
    "assessments:framework_list": [Case("get", PUBLIC)],
    "assessments:framework_detail": [Case("get", PUBLIC, lambda w: {"year": YEAR})],
    # Only central admins roll a framework forward (the next year has none in this world).
    "assessments:framework_roll_forward": [
        Case(
            "post",
            CENTRAL,
            lambda w: {"year": YEAR + 1},
            data=lambda w: {"source": w.framework.pk},
        )
    ],
    # -- any signed-in user
    "favicon": [Case("get", PUBLIC)],
    "dashboard": [Case("get", LOGGED_IN)],
    "waiting": [Case("get", LOGGED_IN)],
    # Switching to an organisation one is not a member of only shows an error message.
    "organisations:switch": [Case("post", LOGGED_IN, data=lambda w: {"organisation": w.org.pk})],
    "organisations:organisation_detail": [Case("get", VIEW, code)],
    "organisations:members": [Case("get", MANAGE, code), Case("post", MANAGE, code)],
    "organisations:member_edit": [
        Case("get", MANAGE, lambda w: code(w, pk=w.membership.pk)),
        Case("post", MANAGE, lambda w: code(w, pk=w.membership.pk)),
    ],
    "organisations:unit_edit": [
        Case("get", MANAGE, lambda w: code(w, pk=w.unit.pk)),
        Case("post", MANAGE, lambda w: code(w, pk=w.unit.pk)),
    ],
    "password_change": [Case("get", LOGGED_IN), Case("post", LOGGED_IN)],
    "password_change_done": [Case("get", LOGGED_IN)],
    # Two-factor sign-in is offered to approvers, org admins (the outsider is one, of their own
    # organisation) and central admins; plain staff get 403. Verify and disable, with no device
    # yet, just send the user on.
    "two_factor:setup": [
        Case("get", expect(LOGIN, OK, 403, OK, OK, OK)),
        Case("post", expect(LOGIN, OK, 403, OK, OK, OK)),
    ],
    "two_factor:verify": [Case("get", LOGGED_IN), Case("post", LOGGED_IN)],
    "two_factor:disable": [Case("post", LOGGED_IN)],
    # Each user's own notification page: their channels, their LINE link, what was sent to them.
    "notify:preferences": [
        Case("get", LOGGED_IN),
        Case("post", LOGGED_IN, data=lambda w: {"memo_returned__email": "on"}),
    ],
    "notify:line_code": [Case("post", LOGGED_IN)],  # LINE off here: a message, no code
    "notify:line_unlink": [Case("post", LOGGED_IN)],
    # LINE's webhook: open to LINE (the signature is the check); off in this world: 503 in Thai.
    "notify:line_webhook": [Case("post", expect(503, 503, 503, 503, 503, 503))],
    # -- measures
    "measures:measure_list": [Case("get", VIEW, year)],
    "measures:measure_create": [Case("get", EDIT, year), Case("post", EDIT, year)],
    "measures:measures_copy": [Case("get", EDIT, year), Case("post", EDIT, year)],
    "measures:progress_dashboard": [Case("get", VIEW, year)],
    "measures:round_list": [Case("get", MANAGE, year), Case("post", MANAGE, year)],
    "measures:measure_detail": [Case("get", VIEW, lambda w: code(w, pk=w.measure.pk))],
    "measures:measure_update": [
        Case("get", EDIT, lambda w: code(w, pk=w.measure.pk)),
        Case("post", EDIT, lambda w: code(w, pk=w.measure.pk)),
    ],
    "measures:measure_delete": [Case("post", EDIT, lambda w: code(w, pk=w.measure.pk))],
    "measures:progress_edit": [
        Case("get", EDIT, lambda w: code(w, pk=w.measure.pk, round_pk=w.round.pk)),
        Case("post", EDIT, lambda w: code(w, pk=w.measure.pk, round_pk=w.round.pk)),
    ],
    "measures:evidence_download": [Case("get", VIEW, lambda w: code(w, pk=w.evidence.pk))],
    "measures:evidence_delete": [Case("post", EDIT, lambda w: code(w, pk=w.evidence.pk))],
    # -- documents, audit, memos, publications
    "documents:document_index": [Case("get", VIEW, year)],
    "documents:document": [Case("get", VIEW, lambda w: year(w, kind="measure-plan"))],
    "audit_trail": [Case("get", MANAGE, code)],
    "organisation_deliveries": [Case("get", MANAGE, code)],
    "audit_trail_all": [Case("get", CENTRAL)],  # every organisation's trail
    "approvals:memo_list": [Case("get", VIEW, code)],
    "approvals:memo_create": [
        Case("get", EDIT, code, query=lambda w: w.memo_query),
        Case("post", EDIT, code, query=lambda w: w.memo_query),
    ],
    "approvals:memo_detail": [Case("get", VIEW, lambda w: code(w, pk=w.memo.pk))],
    "approvals:memo_update": [
        Case("get", EDIT, lambda w: code(w, pk=w.memo.pk)),
        Case("post", EDIT, lambda w: code(w, pk=w.memo.pk)),
    ],
    "approvals:memo_submit": [Case("post", EDIT, lambda w: code(w, pk=w.memo.pk))],
    "approvals:memo_act": [
        # Any member may post; on a draft the service only answers with a message.
        Case("post", VIEW, lambda w: code(w, pk=w.memo.pk), label="draft"),
        # A real decision on the pending step: only its assignee (the org admin, head of office).
        # The approver (the ปลัด, step 3) is a delegate of the นายก only, so is refused here;
        # never the author (staff), nobody else.
        Case(
            "post",
            expect(LOGIN, 404, 403, 403, OK, 403),
            lambda w: code(w, pk=w.in_review.pk),
            data=lambda w: {"decision": "approved", "step": w.pending_step.pk, "comment": ""},
            label="in review",
        ),
    ],
    # Only the org admin may ask again for a publication (on a draft: a message, nothing runs).
    "approvals:memo_publish_retry": [Case("post", MANAGE, lambda w: code(w, pk=w.memo.pk))],
    "approvals:memo_pdf": [Case("get", VIEW, lambda w: code(w, pk=w.memo.pk))],
    "approvals:memo_docx": [Case("get", VIEW, lambda w: code(w, pk=w.memo.pk))],
    "approvals:chain_templates": [Case("get", MANAGE, code), Case("post", MANAGE, code)],
    "approvals:chain_template_delete": [
        Case("post", MANAGE, lambda w: code(w, pk=w.chain_template.pk))
    ],
    "approvals:delegations": [Case("get", MANAGE, code), Case("post", MANAGE, code)],
    "approvals:delegation_cancel": [Case("post", MANAGE, lambda w: code(w, pk=w.delegation.pk))],
    "publication:publication_withdraw": [
        Case("post", MANAGE, lambda w: code(w, pk=w.publication.pk))
    ],
    # -- scores and analysis
    "scores:assessment_detail": [Case("get", VIEW, year)],
    "measures:analysis_edit": [
        Case("get", VIEW, year),
        Case("post", EDIT, year, data=lambda w: {"area": str(w.area.pk)}),
    ],
    "documents:analysis_document": [Case("get", VIEW, year)],
    "measures:analysis_redraft": [Case("post", EDIT, lambda w: year(w, area_pk=w.area.pk))],
    "measures:measure_from_area": [
        Case("get", EDIT, lambda w: year(w, area_pk=w.area.pk)),
        Case("post", EDIT, lambda w: year(w, area_pk=w.area.pk)),
    ],
    # -- OIT readiness
    "oit:board": [Case("get", VIEW, year)],
    "oit:item": [Case("get", VIEW, lambda w: year(w, item_code="o14"))],
    "oit:item_entry": [
        Case("post", EDIT, lambda w: year(w, item_code="o14"), data=lambda w: {"entry-note": "x"})
    ],
    "oit:item_criteria": [
        Case(
            "post",
            EDIT,
            lambda w: year(w, item_code="o1"),
            data=lambda w: {f"met_{w.criterion.pk}": "on"},
        )
    ],
    "oit:item_add_document": [
        Case(
            "post",
            EDIT,
            lambda w: year(w, item_code="o14"),
            data=lambda w: {"document-document_kind": "analysis", "document-document_year": YEAR},
        )
    ],
    "oit:item_add_file": [
        Case(
            "post",
            EDIT,
            lambda w: year(w, item_code="o14"),
            data=lambda w: {
                "file-file": SimpleUploadedFile("hr.pdf", PDF_BYTES, content_type="application/pdf")
            },
        )
    ],
    "oit:item_add_url": [
        Case(
            "post",
            EDIT,
            lambda w: year(w, item_code="o14"),
            data=lambda w: {"url-url": "https://example.go.th/hr"},
        )
    ],
    "oit:submit": [Case("post", EDIT, year, data=lambda w: {"evidence": [w.oit_draft.pk]})],
    "oit:check_links": [Case("post", EDIT, year)],
    "oit:itas_print": [Case("get", VIEW, year)],
    "oit:itas_xlsx": [Case("get", VIEW, year)],
    "oit:evidence_download": [Case("get", VIEW, lambda w: year(w, pk=w.oit_draft.pk))],
    "oit:evidence_delete": [Case("post", EDIT, lambda w: year(w, pk=w.oit_draft.pk))],
    "oit:evidence_withdraw": [
        Case(
            "post",
            MANAGE,
            lambda w: year(w, pk=w.oit_published.pk),
            data=lambda w: {"reason": "ผิดฉบับ"},
        )
    ],
    "oit:measure_from_item": [Case("post", EDIT, lambda w: year(w, item_code="o14"))],
    # -- the IIT/EIT survey drive
    "survey:drive": [Case("get", VIEW, year)],
    "survey:links": [
        Case("post", EDIT, year, data=lambda w: {"iit_url": "https://example.go.th/iit"})
    ],
    "survey:counts": [
        Case("post", EDIT, year, data=lambda w: {"iit_responses": "10", "eit_responses": "5"})
    ],
    "documents:survey_poster": [Case("get", VIEW, year)],
    # -- score import (central admins only)
    "assessments:import_list": [Case("get", CENTRAL), Case("post", CENTRAL)],
    "assessments:import_detail": [Case("get", CENTRAL, lambda w: {"pk": w.score_import.pk})],
    "assessments:import_progress": [Case("get", CENTRAL, lambda w: {"pk": w.score_import.pk})],
    "assessments:import_commit": [Case("post", CENTRAL, lambda w: {"pk": w.score_import.pk})],
    "assessments:import_retry": [Case("post", CENTRAL, lambda w: {"pk": w.score_import.pk})],
    "assessments:import_errors": [Case("get", CENTRAL, lambda w: {"pk": w.score_import.pk})],
    "assessments:score_template": [
        Case("get", CENTRAL, query=lambda w: f"?framework={w.framework.pk}")
    ],
    "assessments:score_export": [Case("get", CENTRAL, query=lambda w: f"?year={YEAR}")],
}

# The Django admin is one group: admin_view sends anyone who is not is_staff to the admin's own
# login page. The `central_admin` persona is not is_staff (the portal's central-admin permission
# does not open the Django admin), so it is treated like every other non-staff user.
ADMIN_PREFIX = "admin:"
ADMIN = expect(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN)
ADMIN_SPECIAL = {
    "admin:login": ("get", PUBLIC),  # the admin's login form itself
    # Logging out of the admin without access goes back to the admin index (which then asks to
    # log in): a 302 that is not to a login page.
    "admin:logout": ("post", PUBLIC),
}

# Patterns without a name: only the Django admin's own, each listed with why it is safe.
UNNAMED_ALLOWED = {
    r"^admin/\w+/\w+/<path:object_id>/$": (
        "Django admin: old-style object URL that redirects to the change page; behind admin_view"
    ),
    r"^admin/\(\?P<url>\.\*\)\$$": (
        "Django admin: final catch-all view (404, or login for non-staff); behind admin_view"
    ),
}


# ---------------------------------------------------------------- enumeration


@dataclass(frozen=True)
class Route:
    name: str | None
    route: str  # the patterns joined, for messages
    params: tuple[str, ...]


def all_routes() -> list[Route]:
    routes: list[Route] = []

    def walk(resolver, prefix: str, namespace: str | None, params: tuple[str, ...]):
        for pattern in resolver.url_patterns:
            here = params + tuple(pattern.pattern.regex.groupindex)
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern, route, ns, here)
            elif isinstance(pattern, URLPattern):
                name = None
                if pattern.name:
                    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                routes.append(Route(name, route, here))

    walk(get_resolver(), "", None, ())
    return routes


def test_every_url_has_an_expected_entry():
    routes = all_routes()
    names = {r.name for r in routes if r.name}
    portal = {n for n in names if not n.startswith(ADMIN_PREFIX)}
    missing = sorted(portal - set(EXPECTED))
    stale = sorted(set(EXPECTED) - portal)
    assert not missing, (
        f"URL names without an access entry: {missing} — add it to EXPECTED in "
        "tests/test_url_access.py"
    )
    assert not stale, f"EXPECTED names URLs that no longer exist: {stale}"
    assert set(ADMIN_SPECIAL) <= names
    unnamed = [
        r.route
        for r in routes
        if r.name is None and not any(re.match(p, r.route) for p in UNNAMED_ALLOWED)
    ]
    assert not unnamed, (
        f"URL patterns without a name: {unnamed} — name them (and add them to EXPECTED in "
        "tests/test_url_access.py) or list them in UNNAMED_ALLOWED with a reason"
    )


def test_the_enumeration_sees_every_app():
    names = {r.name for r in all_routes()}
    for expected in ("home", "measures:measure_detail", "public:document", "admin:index"):
        assert expected in names


# ---------------------------------------------------------------- the world


@pytest.fixture
def world(org, other_org, staff, approver, org_admin, outsider, central_admin):
    """Organisation `org` with one of everything; `other_org` has its own measure too."""
    unit, rounds, measure, template, mayor = setup_chain(org, staff, org_admin, approver)
    entry = measure.progress.get(round=rounds[0])
    evidence = measure_services.evidence_add_file(
        entry=entry, upload=SimpleUploadedFile("หลักฐาน.pdf", PDF_BYTES), user=staff
    )
    published = new_memo(org, staff, unit, rounds)
    memos.memo_submit(memo=published, user=staff, template=template)
    for user in (org_admin, approver, mayor):
        act(published, user, Decision.APPROVED)
    publication = Publication.objects.get(organisation=org, kind="measure-results")
    memo = new_memo(org, staff, unit, rounds)  # a draft
    in_review = new_memo(org, staff, unit, rounds)
    memos.memo_submit(memo=in_review, user=staff, template=template)
    in_review.refresh_from_db()
    delegation = memos.delegation_create(
        organisation=org,
        user=org_admin,
        delegator=mayor,
        delegate=approver,
        kind="acting",
        starts_on=date(2025, 1, 1),
        ends_on=date(2099, 12, 31),
        order_number="1/2568",
        order_date=date(2025, 1, 1),
    )
    seed_assessment(org)
    framework = Framework.objects.get(fiscal_year__year=YEAR, variant="อปท.")
    area = AnalysisArea.objects.get(framework=framework, number=4)
    record = ScoreImport(
        created_by=central_admin,
        file_name="คะแนน.xlsx",
        sha256="0" * 64,
        status=ImportStatus.FAILED,
        error_count=1,
        errors=[{"sheet": "คะแนน", "row": 2, "column": "D", "value": "x", "message": "ผิด"}],
    )
    items = {i.code: i for i in oit_selectors.oit_items(framework)}
    oit_published = oit.evidence_add_file(
        entry=oit.entry_for(organisation=org, item=items["o14"], year=YEAR),
        user=staff,
        upload=SimpleUploadedFile("แผนบุคลากร.pdf", PDF_BYTES),
    )
    oit.publish_file(memo=published, options={"evidence_id": oit_published.pk}, written=[])
    oit_draft = oit.evidence_add_file(
        entry=oit.entry_for(organisation=org, item=items["o15"], year=YEAR),
        user=staff,
        upload=SimpleUploadedFile("รายงาน.pdf", PDF_BYTES),
    )
    record.file.save("upload.bin", ContentFile(b"PK\x03\x04"), save=False)
    record.save()
    # The outsider's own organisation has data too, so a mix-up would show.
    measure_services.rounds_ensure_defaults(organisation=other_org, year=YEAR)
    measure_services.measure_create(
        organisation=other_org,
        year=YEAR,
        user=outsider,
        title="มาตรการของหน่วยงานอื่น",
        responsible_units=[UnitFactory(organisation=other_org, name="สำนักปลัด")],
        steps=["ขั้นตอน"],
        timeframe_kind="quarters",
        quarters=[1],
    )
    return SimpleNamespace(
        org=org,
        other_org=other_org,
        unit=unit,
        membership=staff.memberships.get(organisation=org),
        measure=measure,
        round=rounds[0],
        evidence=evidence,
        memo=memo,
        in_review=in_review,
        pending_step=approval_selectors.current_step(in_review),
        chain_template=template,
        delegation=delegation,
        publication=publication,
        area=area,
        framework=framework,
        score_import=record,
        oit_published=oit_published,
        oit_draft=oit_draft,
        criterion=items["o1"].criteria.first(),
        reset_kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(staff.pk)),
            "token": default_token_generator.make_token(staff),
        },
        memo_query=f"?kind=measure-results&year={YEAR}&round={rounds[0].pk}",
    )


def outcome(response) -> object:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("login")):
            return LOGIN
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        return OK
    if response.status_code == 200:
        return OK
    return response.status_code


#: what a GET may write: the signed-in user's own session (its messages), nothing of the data
SESSION_WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM) "django_session"', re.I)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)


def run(
    client: Client, user, method: str, url: str, data: dict, writes: list | None = None
) -> object:
    """One request as `user`, inside a savepoint that is rolled back: no case sees another's
    writes (deletes, logouts, new measures). An exception is reported as a 500. With `writes`,
    a GET's INSERT, UPDATE and DELETE statements (the session's aside) are added to it."""
    try:
        with transaction.atomic():
            if user is not None:
                client.force_login(user)
            with CaptureQueriesContext(connection) as queries:
                response = getattr(client, method)(url, data)
            if writes is not None and method == "get":
                writes.extend(
                    f"GET {url}: {q['sql'][:160]}"
                    for q in queries.captured_queries
                    if WRITE.match(q["sql"]) and not SESSION_WRITE.match(q["sql"])
                )
            transaction.set_rollback(True)
    except Exception as exc:  # the test client re-raises what the view raised
        return f"500 ({type(exc).__name__}: {exc})"
    finally:
        client.logout()
    return outcome(response)


def cases(name: str) -> list[tuple[str, Case]]:
    return [
        (f"{name}{f' [{c.label}]' if c.label else ''} {c.method.upper()}", c)
        for c in EXPECTED[name]
    ]


def url_of(name: str, case: Case, w: SimpleNamespace) -> str:
    return reverse(name, kwargs=case.kwargs(w)) + case.query(w)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_as(persona, request, world):
    """Every (URL, persona) case against EXPECTED; all mismatches are reported at once."""
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = Client()
    mismatches, writes, gets = [], [], 0
    for name in EXPECTED:
        for label, case in cases(name):
            url = url_of(name, case, world)
            gets += case.method == "get"
            got = run(client, user, case.method, url, case.data(world), writes)
            if got != case.expected[persona]:
                mismatches.append(
                    f"{label} {url}: expected {case.expected[persona]!r}, got {got!r}"
                    + (f" ({case.note})" if case.note else "")
                )
    assert not mismatches, f"{persona}:\n" + "\n".join(mismatches)
    # GET never writes: every GET of the table, as every persona, ran no INSERT, UPDATE or
    # DELETE (a year's rounds were once created by viewing a page).
    assert gets > 40
    assert not writes, f"{persona}:\n" + "\n".join(writes)


def test_outsider_cannot_reach_objects_through_their_own_organisation(world, outsider):
    """The outsider's own code with `org`'s object ids (an IDOR attempt): still 404."""
    client = Client()
    mismatches, checked = [], 0
    for name in EXPECTED:
        for label, case in cases(name):
            kwargs = case.kwargs(world)
            if "code" not in kwargs or "pk" not in kwargs or name.startswith("public:"):
                continue
            checked += 1
            kwargs["code"] = world.other_org.code
            url = reverse(name, kwargs=kwargs) + case.query(world)
            got = run(client, outsider, case.method, url, case.data(world))
            if got != 404:
                mismatches.append(f"{label} {url}: expected 404, got {got!r}")
    assert checked > 15
    assert not mismatches, "\n".join(mismatches)


# ---------------------------------------------------------------- the admin


def admin_url(route: Route, w: SimpleNamespace) -> str:
    values = {
        "object_id": str(w.org.pk),
        "pk": str(w.org.pk),
        "id": str(w.staff_pk),
        "app_label": "organisations",
        "content_type_id": str(ContentType.objects.get_for_model(Organisation).pk),
        "url": "no-such-page/",
    }
    kwargs = {p: values[p] for p in route.params}
    if route.name:
        return reverse(route.name, kwargs=kwargs)
    path = route.route.replace("^", "").replace("$", "")
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: kwargs[m[1]], path)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: kwargs[m[1]], path)
    return "/" + path


def admin_routes() -> list[Route]:
    return [r for r in all_routes() if r.route.startswith("admin/")]


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_is_closed_to_everyone_but_staff(persona, request, org, staff):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    w = SimpleNamespace(org=org, staff_pk=staff.pk)
    client = Client()
    mismatches = []
    for route in admin_routes():
        method, expected = ADMIN_SPECIAL.get(route.name, ("get", ADMIN))
        url = admin_url(route, w)
        got = run(client, user, method, url, {})
        if got != expected[persona]:
            mismatches.append(
                f"{route.name or route.route} {url}: expected {expected[persona]!r}, got {got!r}"
            )
    assert len(admin_routes()) > 20
    assert not mismatches, f"{persona}:\n" + "\n".join(mismatches)


# The admin pages a staff user may open without any model permission.
ADMIN_WITHOUT_MODEL_PERMISSIONS = {
    "admin:index",
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:jsi18n",
}


def test_staff_central_admin_sees_no_model_data_in_the_admin(org, staff):
    """The demo central admin is is_staff with only the portal's central-admin permission: the
    admin opens, but no model's list, form or history does (403, 404, or a redirect)."""
    user = UserFactory(username="central-staff", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="act_as_central_admin"))
    w = SimpleNamespace(org=org, staff_pk=staff.pk)
    client = Client()
    shown = []
    for route in admin_routes():
        if route.name in ADMIN_WITHOUT_MODEL_PERMISSIONS:
            continue
        url = admin_url(route, w)
        client.force_login(user)
        try:
            response = client.get(url)
        except Exception as exc:
            shown.append(f"{route.name or route.route} {url}: 500 ({type(exc).__name__})")
            continue
        if response.status_code not in (302, 403, 404):
            shown.append(f"{route.name or route.route} {url}: {response.status_code}")
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 200
    assert not shown, "\n".join(shown)


# ---------------------------------------------------------------- oversight scopes

#: What an oversight user meets, by the group a case belongs to: (in scope, out of scope).
#: They read and import for the organisations in their scopes; they never edit, sign or manage.
OVERSIGHT_BY_GROUP = [
    (PUBLIC, (OK, OK)),
    (UNPUBLISHED, (404, 404)),
    (LOGGED_IN, (OK, OK)),
    (VIEW, (OK, 404)),
    (EDIT, (403, 404)),
    (MANAGE, (403, 404)),
]

#: Cases outside those groups, by URL name (and label): what a scoped oversight user gets.
OVERSIGHT_CASES: dict[str, tuple[object, object]] = {
    "oversight:dashboard": (OK, OK),
    "oversight:export": (OK, OK),
    "oversight:survey_counts": (OK, OK),
    "oversight:survey_template": (OK, OK),
    # Score imports: their own (the world's import is the central admin's: not theirs).
    "assessments:import_list": (OK, OK),
    "assessments:import_detail": (404, 404),
    "assessments:import_progress": (404, 404),
    "assessments:import_commit": (404, 404),
    "assessments:import_retry": (404, 404),
    "assessments:import_errors": (404, 404),
    "assessments:score_template": (OK, OK),
    "assessments:score_export": (OK, OK),
    # LINE's webhook is LINE's, whoever is signed in (off in this world).
    "notify:line_webhook": (503, 503),
    # Two-factor sign-in is offered to whoever imports scores.
    "two_factor:setup": (OK, OK),
    # A decision is only ever its assignee's (or a delegate's).
    "approvals:memo_act [in review]": (403, 404),
    # Central admins only.
    "audit_trail_all": (403, 403),
    "assessments:framework_roll_forward": (403, 403),
}


def _oversight_expected(name: str, case: Case) -> tuple[object, object] | None:
    for group, outcomes in OVERSIGHT_BY_GROUP:
        if case.expected is group:
            return outcomes
    return OVERSIGHT_CASES.get(f"{name} [{case.label}]", OVERSIGHT_CASES.get(name))


@pytest.mark.parametrize("level", ["province", "district"])
def test_oversight_scopes_on_every_url(level, world):
    """A provincial (or district) oversight user of `org`'s place reads `org` and gets 403 for
    what only members do; one of another province gets 404 for `org` as any outsider does."""
    from organisations.models import OversightScope

    world.other_org.province, world.other_org.district = "บุรีรัมย์", "เมือง"
    world.other_org.save()
    inside, outside = UserFactory(username="inside"), UserFactory(username="outside")
    OversightScope.objects.create(
        user=inside,
        level=level,
        province=world.org.province,
        district=world.org.district if level == "district" else "",
    )
    OversightScope.objects.create(
        user=outside,
        level=level,
        province="บุรีรัมย์",
        district="เมือง" if level == "district" else "",
    )
    client = Client()
    mismatches, unknown, checked = [], [], 0
    for name in EXPECTED:
        for label, case in cases(name):
            expected = _oversight_expected(name, case)
            if expected is None:
                unknown.append(label)
                continue
            url = url_of(name, case, world)
            for user, want in zip((inside, outside), expected, strict=True):
                checked += 1
                got = run(client, user, case.method, url, case.data(world))
                if got != want:
                    mismatches.append(
                        f"{user.username} {label} {url}: expected {want!r}, got {got!r}"
                    )
    assert not unknown, "no oversight expectation for: " + ", ".join(unknown)
    assert checked > 200
    assert not mismatches, "\n".join(mismatches)

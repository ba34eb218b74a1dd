"""The shape of the code (issue 13): the registries the apps fill at start-up, the fiscal-year URL
converter, the one access answer, and the migration operations of the `reports` split."""

import pytest
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.migrations.state import ProjectState
from django.urls import Resolver404, resolve

from documents.registry import (
    KINDS,
    attachable_kinds,
    layout_or_default,
    publishable_kind_choices,
)
from ita_portal.moved_models import CreateUnlessMoved, adopt_content_types
from organisations.access import Action, check, may_decide_step
from publication import registry as publication_registry
from publication.models import Publication
from publication.services import attachment_validate
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

# ---------------------------------------------------------------- registries


def test_attachable_kinds_are_the_four_reports_in_list_order():
    assert [k.name for k in attachable_kinds()] == [
        "measure-plan",
        "measure-results",
        "progress",
        "analysis",
    ]


def test_publication_kind_choices_come_from_the_registry():
    choices = dict(publishable_kind_choices())
    assert list(choices) == ["measure-plan", "measure-results", "progress", "analysis", "memo"]
    assert choices["memo"] == "บันทึกข้อความที่อนุมัติการเผยแพร่"
    field = Publication._meta.get_field("kind")
    assert dict(field.choices) == choices


def test_the_memo_kind_is_registered_by_approvals_and_cannot_be_attached():
    memo = KINDS["memo"]
    assert memo.publishable and not memo.attachable
    assert memo.template.startswith("approvals/")


@pytest.mark.parametrize(
    ("kind", "asked", "given"),
    [
        ("measure-results", "a", "a"),
        ("measure-results", "c", "c"),
        ("measure-results", "z", "b"),
        ("measure-results", "", "b"),
        ("measure-plan", "a", ""),
        ("no-such-kind", "a", ""),
    ],
)
def test_layouts_are_declared_once_per_kind(kind, asked, given):
    assert layout_or_default(kind, asked) == given


def test_oit_registers_its_file_kind_with_publication():
    kind = publication_registry.other_kind("oit-file")
    assert kind is not None
    assert "oit-file" in publication_registry.attachable_names()
    assert {"measure-plan", "analysis"} <= publication_registry.attachable_names()


@pytest.mark.django_db
def test_an_unknown_attachment_is_refused_in_thai():
    with pytest.raises(ValidationError) as exc:
        attachment_validate(organisation=OrganisationFactory(), kind="memo", options={})
    assert "แนบเอกสารประเภท memo ไม่ได้" in str(exc.value)


# ---------------------------------------------------------------- the fiscal-year converter


@pytest.mark.parametrize("year", ["2499", "2701", "0000", "9999"])
def test_a_year_outside_the_portal_range_is_404_before_any_view(year):
    for path in (
        f"/o/ORG1/{year}/documents/",
        f"/o/ORG1/{year}/measures/",
        f"/o/ORG1/{year}/oit/",
        f"/o/ORG1/{year}/scores/",
        f"/frameworks/{year}/",
    ):
        with pytest.raises(Resolver404):
            resolve(path)


@pytest.mark.parametrize("year", ["0", "24010", "100000", "1" * 31])
def test_a_year_of_the_wrong_length_never_matches(year):
    with pytest.raises(Resolver404):
        resolve(f"/o/ORG1/{year}/documents/")


def test_years_in_range_resolve_as_integers():
    match = resolve("/o/ORG1/2570/documents/")
    assert match.kwargs["year"] == 2570


# ---------------------------------------------------------------- access


@pytest.mark.django_db
def test_check_raises_a_thai_permission_error_for_the_wrong_role():
    membership = MembershipFactory(role="approver")
    with pytest.raises(PermissionDenied, match="ไม่มีสิทธิ์"):
        check(membership.user, membership.organisation, Action.EDIT)
    check(membership.user, membership.organisation, Action.APPROVE)  # no error


@pytest.mark.django_db
def test_who_may_decide_a_step():
    assignee = MembershipFactory(role="staff")
    organisation = assignee.organisation
    other_approver = MembershipFactory(organisation=organisation, role="approver").user
    org_admin = MembershipFactory(organisation=organisation, role="org_admin").user
    outsider_approver = MembershipFactory(role="approver").user
    central = UserFactory(is_superuser=True)
    assert may_decide_step(assignee.user, organisation, assignee_id=assignee.user.pk)
    # Another approver stands in only under a delegation the caller found.
    assert not may_decide_step(other_approver, organisation, assignee_id=assignee.user.pk)
    assert may_decide_step(
        other_approver, organisation, assignee_id=assignee.user.pk, delegated=True
    )
    for user in (org_admin, outsider_approver, central):
        assert not may_decide_step(user, organisation, assignee_id=assignee.user.pk)
    assert not may_decide_step(
        outsider_approver, organisation, assignee_id=assignee.user.pk, delegated=True
    )
    # A member who left no longer decides even their own step.
    assignee.is_active = False
    assignee.save()
    assignee.user._membership_cache = {}
    assert not may_decide_step(assignee.user, organisation, assignee_id=assignee.user.pk)


# ---------------------------------------------------------------- the split of `reports`


@pytest.mark.django_db
def test_moved_models_keep_their_tables():
    added_since = {"delegation", "publishedfile"}  # created after the move: their own tables
    for label in ("approvals", "publication", "oit"):
        for model in django_apps.get_app_config(label).get_models():
            if model._meta.model_name in added_since:
                assert model._meta.db_table == f"{label}_{model._meta.model_name}"
            else:
                assert model._meta.db_table == f"reports_{model._meta.model_name}"


@pytest.mark.django_db(transaction=True)
def test_the_initial_migrations_leave_existing_tables_alone():
    """On a database made by the former `reports` app the tables exist: nothing is run."""
    operation = CreateUnlessMoved(table="reports_memo", operations=[_failing_operation()])
    state = ProjectState()
    with connection.schema_editor() as editor:
        operation.database_forwards("approvals", editor, state, state.clone())  # no error


@pytest.mark.django_db(transaction=True)
def test_the_initial_migrations_create_missing_tables():
    operation = CreateUnlessMoved(table="no_such_table", operations=[_failing_operation()])
    state = ProjectState()
    with pytest.raises(RuntimeError, match="ran"), connection.schema_editor() as editor:
        operation.database_forwards("approvals", editor, state, state.clone())


@pytest.mark.django_db
def test_content_types_follow_their_model_to_the_new_app():
    ContentType.objects.filter(app_label="approvals", model="memo").update(app_label="reports")
    old = ContentType.objects.get(app_label="reports", model="memo")
    adopt_content_types("approvals", ["memo"]).code(django_apps, None)
    moved = ContentType.objects.get(pk=old.pk)
    assert (moved.app_label, moved.model) == ("approvals", "memo")
    ContentType.objects.clear_cache()


def _failing_operation():
    from django.db.migrations.operations.base import Operation

    class Ran(Operation):
        def state_forwards(self, app_label, state):
            pass

        def database_forwards(self, app_label, schema_editor, from_state, to_state):
            raise RuntimeError("ran")

    return Ran()


def test_no_template_has_a_multi_line_comment():
    """Django's {# #} comments end at the line's end: one spread over two lines is printed into
    the page (it was, into two documents). Use {% comment %} for more than one line."""
    from django.conf import settings

    offenders = []
    for path in sorted((settings.BASE_DIR / "templates").rglob("*.*")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            start = line.find("{#")
            if start >= 0 and "#}" not in line[start:]:
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}")
    assert offenders == []


def test_stored_files_are_served_by_the_one_function():
    """Every uploaded or frozen file goes out through ita_portal.files.stored_file_response (its
    headers cannot drift between views). FileResponse is built elsewhere only for what is not an
    upload: the public cache replaying a stored response, a publication's own PDF, an export."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    allowed = {
        "ita_portal/files.py",
        "public/cache.py",
        "public/views.py",
        "assessments/views.py",
        "oversight/views.py",  # the dashboard's exports, made per request
    }
    found = set()
    for path in root.glob("*/**/*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith((".venv/", "tests/", "bench/")):
            continue
        if re.search(r"\bFileResponse\(", path.read_text(encoding="utf-8")):
            found.add(relative)
    assert found <= allowed, found - allowed
    public = (root / "public/views.py").read_text(encoding="utf-8")
    assert public.count("FileResponse(") == 1  # the publication's PDF, not an upload

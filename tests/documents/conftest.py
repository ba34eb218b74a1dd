"""The demo on 6 December 2569, for the checks that render every registered document kind."""

import io

import pytest
from django.core.management import call_command

from approvals.models import Memo
from documents.registry import DocumentError, document_render
from documents.rendering import DocumentOptions
from organisations.models import Organisation


@pytest.fixture
def demo(db, settings, time_machine):
    time_machine.move_to("2026-12-06 09:00+07:00", tick=False)
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False
    return Organisation.objects.get(code="6301401")


def render_demo_kind(kind, org, output="pdf", **options):
    """The kind rendered for the newest demo year it renders for (the memo: the newest memo)."""
    memo = Memo.objects.filter(organisation=org).order_by("-pk").first()
    for year in (2570, 2569, 2568):
        try:
            return document_render(
                kind=kind.name,
                organisation=org if kind.needs_organisation else None,
                fiscal_year=year,
                output=output,
                options=DocumentOptions(memo_id=memo.pk, **options),
            )
        except DocumentError:
            continue
    raise AssertionError(f"{kind.name} renders for no demo year")

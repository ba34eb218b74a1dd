"""A crawler per persona over the demo (issue 16): from the landing page, every same-site link
and GET form the portal offers, a few hops deep. No link the portal printed answers 403 or 404,
and no page answers 500."""

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from organisations.models import Role
from tests.crawler import crawl
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anonymous",
    "staff",
    "approver",
    "orgadmin",
    "mayor",
    "deputy",
    "central",
    "province",
    "outsider",
)


@pytest.fixture
def demo(settings, time_machine):
    time_machine.move_to("2026-12-06 09:00+07:00", tick=False)
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False
    other = OrganisationFactory(name="องค์การบริหารส่วนตำบลมะค่า", code="6301402")
    return MembershipFactory(
        organisation=other, role=Role.ORG_ADMIN, user__username="outsider"
    ).user


def client_for(persona: str, outsider) -> Client:
    client = Client()
    if persona == "outsider":
        client.force_login(outsider)
    elif persona != "anonymous":
        client.force_login(get_user_model().objects.get(username=persona))
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_nothing_the_portal_offers_fails(demo, persona):
    starts = ["/", "/p/"] if persona == "anonymous" else ["/", "/dashboard/", "/p/"]
    if persona == "central":
        starts.append("/admin/")
    result = crawl(client_for(persona, demo), starts)
    assert len(result.visited) > 10, result.visited
    assert not result.problems, f"{persona}:\n" + "\n".join(result.problems)


def test_the_crawler_finds_a_planted_broken_link(demo, settings, tmp_path):
    """The checker itself: a link to a page that answers 403 is reported, as is a dead route."""
    planted = tmp_path / "templates"
    (planted / "portal").mkdir(parents=True)
    original = Path(settings.BASE_DIR) / "templates" / "portal" / "help.html"
    text = original.read_text(encoding="utf-8").replace(
        "{% block content %}",
        '{% block content %}<a href="/audit/">ลับ</a><a href="/nowhere/">หาย</a>',
        1,
    )
    (planted / "portal" / "help.html").write_text(text, encoding="utf-8")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [planted, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    result = crawl(client_for("staff", demo), ["/help/"], max_depth=1)
    assert any(p.startswith("403 /audit/") for p in result.problems), result.problems
    assert any(p.startswith("404 /nowhere/") for p in result.problems), result.problems

"""Searching organisations as people write their names (issue 16): abbreviations both ways,
spaces or none, and no 500 on control characters."""

import pytest
from django.test import Client

from organisations.search import clean_query, name_variants
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies():
    return {
        "full": OrganisationFactory(name="องค์การบริหารส่วนตำบลขามสมบูรณ์", code="6301401"),
        "short": OrganisationFactory(name="ทม.บัวใหญ่", code="3300401"),
        "other": OrganisationFactory(name="องค์การบริหารส่วนจังหวัดนครราชสีมา", code="3300001"),
        "district": OrganisationFactory(
            name="องค์การบริหารส่วนตำบลห้วยบง", code="6301903", district="ด่านขุนทด"
        ),
    }


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("อบต.ขามสมบูรณ์", {"full"}),
        ("อบต. ขามสมบูรณ์", {"full"}),
        ("อบต ขามสมบูรณ์", {"full"}),
        ("ขามสมบูรณ์", {"full"}),
        ("องค์การบริหารส่วนตำบล ขามสมบูรณ์", {"full"}),
        ("เทศบาลเมืองบัวใหญ่", {"short"}),
        ("ทม. บัวใหญ่", {"short"}),
        ("อบจ.นครราชสีมา", {"other"}),
        ("6301401", {"full"}),
        # Spaces typed inside a Thai name, or between a name and its district or type
        ("ขาม สมบูรณ์", {"full"}),
        ("สมบูรณ์ ขาม", {"full"}),
        ("ด่านขุนทด อบต.", {"district"}),
        ("อบต. ห้วย บง", {"district"}),
        ("ขาม ห้วยบง", set()),
    ],
)
def test_public_search_understands_abbreviations(agencies, query, found):
    page = Client().get("/p/", {"q": query}).content.decode()
    shown = {key for key, org in agencies.items() if org.name in page}
    assert shown == found, (query, shown)


def test_control_characters_never_reach_the_database(agencies, central_admin):
    assert clean_query("อบต.\x00ขาม\x07สมบูรณ์  ") == "อบต.ขามสมบูรณ์"
    # Other control characters are dropped from the query; a NUL is refused before any view
    # (ita_portal.middleware.RejectUnusableInputMiddleware, a Thai 400).
    assert Client().get("/p/", {"q": "\x07"}).status_code == 200
    assert Client().get("/p/", {"q": "\x00"}).status_code == 400
    client = Client()
    client.force_login(central_admin)
    response = client.get("/oversight/", {"q": "อบต.\x07ขามสมบูรณ์"})
    assert response.status_code == 200
    assert agencies["full"].name in response.content.decode()
    assert client.get("/oversight/", {"q": "อบต.\x00ขาม"}).status_code == 400


def test_an_abbreviation_inside_a_word_is_left_alone():
    assert name_variants("บ้านทนายความ") == {"บ้านทนายความ"}


def test_a_code_in_thai_digits_finds_its_agency(agencies):
    page = Client().get("/p/", {"q": "๖๓๐๑๔๐๑"}).content.decode()
    assert agencies["full"].name in page

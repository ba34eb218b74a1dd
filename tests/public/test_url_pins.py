"""Every URL of the portal answers where it did before the apps were split (issue 13).

Agencies paste the public addresses into ITAS, and staff bookmark their pages: a restructuring
must move code, never addresses. The lists below were taken from the URL resolver before the
split; a route that disappears, moves or changes its name fails here.
"""

import pytest
from django.urls import Resolver404, get_resolver, resolve

# Every route under /p/, exactly (patterns, not examples): no public route is added, removed or
# loosened without this list changing in the same commit.
PUBLIC_ROUTES = [
    "p/",
    # Added by issue 19: provinces and districts (Thai words no organisation code can contain).
    "p/จังหวัด/",
    "p/จังหวัด/<str:province>/",
    "p/จังหวัด/<str:province>/อำเภอ/<str:district>/",
    "p/<str:code>/",
    "p/<str:code>/<int:year>/oit/",
    "p/<str:code>/<int:year>/oit/<str:item_code>/",
    "p/<str:code>/<int:year>/oit/<str:item_code>/e<int:pk>/",
    # Added by issue 15: the year's published memos (this address used to mean the latest memo).
    "p/<str:code>/<int:year>/memo/",
    "p/<str:code>/<int:year>/memo.pdf",
    "p/^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{4})/(?P<kind>[a-z-]+)/$",
    "p/^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{4})/(?P<kind>[a-z-]+)\\.pdf$",
    "p/^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{4})/(?P<kind>[a-z-]+)/r(?P<revision>[0-9]+)/$",
    "p/^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{4})/(?P<kind>[a-z-]+)/r(?P<revision>[0-9]+)\\.pdf$",
    # Added by issue 15: each round's own latest report, and evidence frozen with a revision.
    "p/^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{4})/(?P<kind>[a-z-]+)/(?P<variant>round-[0-9]{1,2}(?:-[0-9]{1,2})?|year)/$",
    "p/^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{4})/(?P<kind>[a-z-]+)/(?P<variant>round-[0-9]{1,2}(?:-[0-9]{1,2})?|year)\\.pdf$",
    "p/^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{4})/(?P<kind>[a-z-]+)/r(?P<revision>[0-9]+)/files/(?P<number>[0-9]{1,5})/$",
    # Added by issue 17: the Word copy of each address's document.
    "p/^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{4})/(?P<kind>[a-z-]+)\\.docx$",
    "p/^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{4})/(?P<kind>[a-z-]+)/r(?P<revision>[0-9]+)\\.docx$",
    "p/^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{4})/(?P<kind>[a-z-]+)/(?P<variant>round-[0-9]{1,2}(?:-[0-9]{1,2})?|year)\\.docx$",
]

# One concrete address per route of the whole site (the admin aside) and its URL name.
PATHS = [
    ("/", "home"),
    ("/dashboard/", "dashboard"),
    ("/waiting/", "waiting"),
    ("/help/", "help"),
    ("/audit/", "audit_trail_all"),
    ("/healthz", "healthz"),
    ("/p/", "directory"),
    ("/p/ORG1/", "organisation"),
    ("/p/จังหวัด/", "provinces"),
    ("/p/จังหวัด/นครราชสีมา/", "province"),
    ("/p/จังหวัด/นครราชสีมา/อำเภอ/คง/", "district"),
    # An organisation whose code happens to spell a Latin word stays an organisation.
    ("/p/province/", "organisation"),
    ("/p/ORG1/2568/oit/", "oit_index"),
    ("/p/ORG1/2568/oit/o12/", "oit_item"),
    ("/p/ORG1/2568/oit/o12/e7/", "oit_file"),
    ("/p/ORG1/2568/measure-plan/", "document"),
    ("/p/ORG1/2568/measure-plan.pdf", "document_pdf"),
    ("/p/ORG1/2568/measure-plan/r2/", "document_revision"),
    ("/p/ORG1/2568/measure-plan/r2.pdf", "document_revision_pdf"),
    ("/p/ORG1/2568/measure-results/round-6/", "document_variant"),
    ("/p/ORG1/2568/measure-results/year/", "document_variant"),
    ("/p/ORG1/2568/measure-results/round-4-6.pdf", "document_variant_pdf"),
    ("/p/ORG1/2568/measure-results/r2/files/3/", "document_file"),
    ("/p/ORG1/2568/measure-plan.docx", "document_docx"),
    ("/p/ORG1/2568/measure-plan/r2.docx", "document_revision_docx"),
    ("/p/ORG1/2568/measure-results/round-6.docx", "document_variant_docx"),
    ("/accounts/login/", "login"),
    ("/accounts/logout/", "logout"),
    ("/accounts/password-reset/", "password_reset"),
    ("/accounts/password-reset/sent/", "password_reset_done"),
    ("/accounts/reset/MQ/abc-123/", "password_reset_confirm"),
    ("/accounts/reset/done/", "password_reset_complete"),
    ("/accounts/password-change/", "password_change"),
    ("/accounts/password-change/done/", "password_change_done"),
    ("/accounts/two-factor/", "setup"),
    ("/accounts/two-factor/verify/", "verify"),
    ("/accounts/two-factor/disable/", "disable"),
    ("/organisations/switch/", "switch"),
    ("/organisations/ORG1/", "organisation_detail"),
    ("/o/ORG1/2568/measures/", "measure_list"),
    ("/o/ORG1/2568/measures/new/", "measure_create"),
    ("/o/ORG1/2568/measures/copy/", "measures_copy"),
    ("/o/ORG1/2568/progress/", "progress_dashboard"),
    ("/o/ORG1/2568/rounds/", "round_list"),
    ("/o/ORG1/measures/7/", "measure_detail"),
    ("/o/ORG1/measures/7/edit/", "measure_update"),
    ("/o/ORG1/measures/7/delete/", "measure_delete"),
    ("/o/ORG1/measures/7/rounds/8/", "progress_edit"),
    ("/o/ORG1/evidence/7/", "evidence_download"),
    ("/o/ORG1/evidence/7/delete/", "evidence_delete"),
    ("/o/ORG1/2568/documents/", "document_index"),
    ("/o/ORG1/2568/documents/measure-plan/", "document"),
    ("/o/ORG1/audit/", "audit_trail"),
    ("/o/ORG1/memos/", "memo_list"),
    ("/o/ORG1/memos/new/", "memo_create"),
    ("/o/ORG1/memos/7/", "memo_detail"),
    ("/o/ORG1/memos/7/edit/", "memo_update"),
    ("/o/ORG1/memos/7/submit/", "memo_submit"),
    ("/o/ORG1/memos/7/act/", "memo_act"),
    ("/o/ORG1/memos/7/pdf/", "memo_pdf"),
    ("/o/ORG1/chains/", "chain_templates"),
    ("/o/ORG1/publications/7/withdraw/", "publication_withdraw"),
    ("/o/ORG1/2568/scores/", "assessment_detail"),
    ("/o/ORG1/2568/analysis/", "analysis_edit"),
    ("/o/ORG1/2568/analysis/document/", "analysis_document"),
    ("/o/ORG1/2568/analysis/9/redraft/", "analysis_redraft"),
    ("/o/ORG1/2568/analysis/9/measure/", "measure_from_area"),
    ("/o/ORG1/2568/oit/", "board"),
    ("/o/ORG1/2568/oit/submit/", "submit"),
    ("/o/ORG1/2568/oit/check-links/", "check_links"),
    ("/o/ORG1/2568/oit/itas/", "itas_print"),
    ("/o/ORG1/2568/oit/itas.xlsx", "itas_xlsx"),
    ("/o/ORG1/2568/oit/evidence/7/", "evidence_download"),
    ("/o/ORG1/2568/oit/evidence/7/delete/", "evidence_delete"),
    ("/o/ORG1/2568/oit/evidence/7/withdraw/", "evidence_withdraw"),
    ("/o/ORG1/2568/oit/o12/", "item"),
    ("/o/ORG1/2568/oit/o12/measure/", "measure_from_item"),
    ("/frameworks/", "framework_list"),
    ("/frameworks/2568/", "framework_detail"),
    ("/frameworks/scores/import/", "import_list"),
    ("/frameworks/scores/import/0b5c0e9e-3f7d-4c35-9c9b-2b9f7b0f4c11/", "import_detail"),
    ("/frameworks/scores/import/0b5c0e9e-3f7d-4c35-9c9b-2b9f7b0f4c11/progress/", "import_progress"),
    ("/frameworks/scores/import/0b5c0e9e-3f7d-4c35-9c9b-2b9f7b0f4c11/commit/", "import_commit"),
    ("/frameworks/scores/import/0b5c0e9e-3f7d-4c35-9c9b-2b9f7b0f4c11/retry/", "import_retry"),
    ("/frameworks/scores/import/0b5c0e9e-3f7d-4c35-9c9b-2b9f7b0f4c11/errors.xlsx", "import_errors"),
    ("/frameworks/scores/template.xlsx", "score_template"),
    ("/frameworks/scores/export.xlsx", "score_export"),
    ("/oversight/", "dashboard"),
    ("/oversight/export.xlsx", "export"),
]


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def test_public_routes_are_exactly_the_pinned_ones():
    public = [r for r in _routes(get_resolver().url_patterns) if r.startswith("p/")]
    assert public == PUBLIC_ROUTES


@pytest.mark.parametrize(("path", "name"), PATHS, ids=[p for p, _ in PATHS])
def test_every_address_still_resolves_to_its_page(path, name):
    try:
        match = resolve(path)
    except Resolver404:
        pytest.fail(f"{path} no longer resolves")
    assert match.url_name == name

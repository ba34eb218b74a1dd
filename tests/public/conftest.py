"""Fixtures of the public site's tests: a published document, and ITA scores beside it."""

import pytest

from approvals import services as memos
from approvals.models import Decision
from publication.models import Publication
from tests.memo_helpers import act, new_memo, setup_chain


@pytest.fixture
def published(org, staff, org_admin, approver):
    chain = setup_chain(org, staff, org_admin, approver)
    memo = new_memo(org, staff, chain[0], chain[1])
    memos.memo_submit(memo=memo, user=staff, template=chain[3])
    for user in (org_admin, approver, chain[4]):
        act(memo, user, Decision.APPROVED)
    return Publication.objects.get(kind="measure-results"), chain


@pytest.fixture
def scored(org, published):
    """`published`, and five years of ITA scores for the organisation page."""
    from assessments.demo import load_scores_demo

    load_scores_demo()
    return published

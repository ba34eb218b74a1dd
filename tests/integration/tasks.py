"""A task for the services tests: the final approval (which publishes) run by the worker.

The portal publishes synchronously inside the final `memo_step_act` (the web request); there is
no publication task. This one runs that same service in the worker process, so a publication
goes through the real worker: WeasyPrint there, files written to the shared media folder.
Registered with the worker by `celery worker --include tests.integration.tasks`.
"""

import os

from celery import shared_task
from django.contrib.auth import get_user_model

from approvals import services as memos
from approvals.models import Decision, Memo


@shared_task
def approve_final_step(memo_id: int, step_id: int, user_id: int) -> dict:
    memo = Memo.objects.get(pk=memo_id)
    user = get_user_model().objects.get(pk=user_id)
    memos.memo_step_act(memo=memo, step_id=step_id, user=user, decision=Decision.APPROVED)
    return {
        "pid": os.getpid(),
        "publications": sorted(memo.publications.values_list("pk", flat=True)),
    }

"""Memos and chain templates of an organisation (mounted under /o/<code>/)."""

from django.urls import path

from . import views

app_name = "approvals"
urlpatterns = [
    path("memos/", views.memo_list, name="memo_list"),
    path("memos/new/", views.memo_create, name="memo_create"),
    path("memos/<int:pk>/", views.memo_detail, name="memo_detail"),
    path("memos/<int:pk>/edit/", views.memo_update, name="memo_update"),
    path("memos/<int:pk>/submit/", views.memo_submit, name="memo_submit"),
    path("memos/<int:pk>/act/", views.memo_act, name="memo_act"),
    path("memos/<int:pk>/publish/", views.memo_publish_retry, name="memo_publish_retry"),
    path("memos/<int:pk>/pdf/", views.memo_pdf, name="memo_pdf"),
    path("memos/<int:pk>/docx/", views.memo_docx, name="memo_docx"),
    path("chains/", views.chain_templates, name="chain_templates"),
    path("chains/<int:pk>/delete/", views.chain_template_delete, name="chain_template_delete"),
    path("delegations/", views.delegations, name="delegations"),
    path("delegations/<int:pk>/cancel/", views.delegation_cancel, name="delegation_cancel"),
]

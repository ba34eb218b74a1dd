"""`{% may organisation "manage" as can_manage %}`: templates ask the one access module before
offering a link, so no page offers what then answers 403."""

from django import template

from organisations.access import Action, can

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, organisation, action: str) -> bool:
    request = context.get("request")
    if request is None or organisation is None:
        return False
    return can(request.user, organisation, Action(action))

"""``{% dashboard as data %}`` in the admin's index: the parts of ``lujiazui.dashboard``
the logged-in user may see."""

from django import template

from lujiazui import dashboard as parts

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard(context):
    request = context.get("request")
    if request is None or not request.user.is_active or not request.user.is_staff:
        return {}
    return parts.build(request.user)

"""``{% head_links as head %}``: the canonical and alternate links of the page being rendered
(``lujiazui.alternates``). A tag, not a context processor, because the links depend on the
object the view put in the page's context, which context processors do not see."""

from django import template

from lujiazui.alternates import head_links as links_for

register = template.Library()


@register.simple_tag(takes_context=True)
def head_links(context):
    return links_for(context)

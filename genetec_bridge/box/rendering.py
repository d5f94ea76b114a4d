"""Pages of the box: Jinja2 templates (autoescaped) around one shared layout, in the reader's language:
`t(key)` for words, `number(value, digits)` and `percent(share)` for figures in the language's format,
`local(moment)` for a time on the site's clock and `site_zone` to name that clock (box/site_time.py)."""

from functools import partial
from typing import Any

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from genetec_bridge.box.context import CONTEXT
from genetec_bridge.box.i18n import language, number, percent, translator
from genetec_bridge.box.security import SESSION_KEY
from genetec_bridge.box.site_time import wall_time

_templates = Environment(
    loader=PackageLoader("genetec_bridge.box", "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
)


def render(request: web.Request, template: str, status: int = 200, **values: Any) -> web.Response:
    """A page of the box in the reader's language, with the session (if any) and its CSRF token."""
    lang = language(request)
    session = request.get(SESSION_KEY)
    t = translator(lang)
    zone = request.app[CONTEXT].zone
    html = _templates.get_template(template).render(
        lang=lang,
        t=t,
        session_role=t(f"role.{session.role.value}") if session else "",
        number=partial(number, lang),
        percent=partial(percent, lang),
        local=partial(wall_time, zone=zone),
        site_zone=zone.key,
        session=session,
        csrf=session.csrf if session else "",
        path=request.path,
        **values,
    )
    return web.Response(text=html, content_type="text/html", status=status)

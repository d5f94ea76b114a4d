"""The privacy documents of a site, in each language, as Markdown, HTML and PDF.

Each document is one Jinja2 Markdown template (templates/*.md.j2) filled with the site's facts and a
language's wording (templates/strings/LANG.toml). Markdown is the source of the other two: Python-Markdown
makes the HTML, with the package's own style sheet inlined (no web font, no CDN), and WeasyPrint prints
that HTML to PDF. Text from the config is escaped so that a name can neither break a table nor inject HTML.
"""

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import markdown
from jinja2 import Environment, PackageLoader, StrictUndefined

from genetec_bridge.config.site import SiteConfig
from genetec_bridge.privacy.facts import CameraFacts, SiteFacts, SkillFacts, StoreRetention, site_facts

LANGUAGES = ("en", "fr")
Format = Literal["md", "html", "pdf"]
FORMATS: tuple[Format, ...] = ("md", "html", "pdf")

_TEMPLATES = "genetec_bridge.privacy"
# Characters that mean something in Markdown (or HTML, which Markdown lets through) inside table cells.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|])")


@cache
def strings(language: str) -> dict[str, Any]:
    if language not in LANGUAGES:
        raise ValueError(f"no wording for language '{language}' (have {', '.join(LANGUAGES)})")
    text = files(_TEMPLATES).joinpath(f"templates/strings/{language}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def _environment() -> Environment:
    # Markdown is not HTML: escaping is done by `md_escape` where config text goes in, not by autoescape.
    return Environment(
        loader=PackageLoader(_TEMPLATES, "templates"),
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def md_escape(text: str) -> str:
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Wording:
    """What the templates call to turn facts into words of one language."""

    def __init__(self, facts: SiteFacts, t: dict[str, Any]) -> None:
        self._facts, self._t = facts, t

    md = staticmethod(md_escape)

    @staticmethod
    def fmt(template: str, **values: Any) -> str:
        return template.format(**values)

    @staticmethod
    def number(value: float) -> str:
        return f"{value:g}"

    def placeholder(self, name: str) -> str:
        meta = self._t["meta"]
        return f"**[{meta['placeholder']}{meta['colon']}{self._t['stated'][name]}]**"

    def stated(self, name: str) -> str:
        value = self._facts.stated[name]
        return md_escape(value) if value else self.placeholder(name)

    def keep(self, retention: StoreRetention) -> str:
        if retention.store == "frames":
            return self._t["stores"]["frames_retention"]
        if retention.store == "security_center":
            return self.stated("security_center_retention")
        if retention.amount is None:
            raise ValueError(f"the {retention.store} store states no retention")
        return self._t["units"][retention.unit].format(n=self.number(retention.amount))

    def keep_of(self, store: str) -> str:
        return self.keep(next(r for r in self._facts.retention if r.store == store))

    def when(self, skill: SkillFacts) -> str:
        if not skill.schedule_windows:
            return self._t["meta"]["always"]
        days = self._t["days"]
        windows = "; ".join(
            f"{', '.join(days[day] for day in window_days)} {start}–{end}"
            for window_days, start, end in skill.schedule_windows
        )
        return f"{windows} ({skill.timezone})"

    def phases(self, phases: Iterable[str]) -> str:
        return ", ".join(self._t["phases"][phase] for phase in phases)

    def classes(self, classes: Iterable[str]) -> str:
        return ", ".join(self._t["classes"][name] for name in classes)

    @staticmethod
    def points(points: Iterable[tuple[float, float]]) -> str:
        return " ".join(f"({x:g}, {y:g})" for x, y in points)

    @staticmethod
    def code_list(items: Iterable[object]) -> str:
        return ", ".join(f"`{item}`" for item in items)

    def custom_events(self) -> str:
        return ", ".join(f"{event_id} ({md_escape(name)})" for event_id, name in self._facts.custom_events)

    def alert_skill_names(self) -> str:
        kinds = sorted(
            {skill.kind for camera in self._facts.cameras for skill in camera.skills if skill.alerts}
        )
        return ", ".join(self._t["skills"][kind]["name"] for kind in kinds)

    def security_measures(self) -> list[str]:
        s, t = self._facts.security, self._t["security"]
        measures = [
            t["tls_verified"] + (t["tls_own_ca"] if s.own_ca else "")
            if s.tls_verified
            else t["tls_not_verified"],
            t["account"].format(user=md_escape(s.websdk_user)),
            (t["health_local"] if s.health_local_only else t["health_exposed"]).format(
                address=s.health_address
            ),
            t["rtsp_tls"] if s.rtsp_tls else t["rtsp_plain"],
            t["rtsp_auth"] if s.rtsp_authenticated else t["rtsp_no_auth"],
            t["masks"].format(n=s.cameras_masked) if s.cameras_masked else t["no_masks"],
            t["local"],
            t["audit"],
            t["purge"].format(n=self.number(s.purge_every_min)),
            t["no_internet"],
        ]
        return measures


@dataclass(frozen=True)
class Document:
    """One document in one language: `name` is its file name without extension, `kind` its template."""

    kind: Literal["register", "dpia", "notice"]
    name: str
    language: str
    title: str
    markdown: str

    def html(self) -> str:
        body = markdown.markdown(self.markdown, extensions=["tables"], output_format="html")
        style = files(_TEMPLATES).joinpath("templates/style.css").read_text(encoding="utf-8")
        page = _environment().get_template("page.html.j2")
        # autoescape is off for Markdown; the title is config text, so it is escaped here by hand.
        return page.render(
            lang=self.language, title=_html_text(self.title), style=style, kind=self.kind, body=body
        )

    def pdf(self) -> bytes:
        # Imported here: WeasyPrint loads Pango and takes a second, which no other command should pay.
        from weasyprint import HTML

        return HTML(string=self.html()).write_pdf()

    def render(self, output: Format) -> str | bytes:
        renderers: dict[Format, Callable[[], str | bytes]] = {
            "md": lambda: self.markdown,
            "html": self.html,
            "pdf": self.pdf,
        }
        return renderers[output]()


def _html_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def site_documents(site: SiteConfig, languages: Iterable[str] = LANGUAGES) -> list[Document]:
    """The register, and a data sheet and a notice per camera, in each language."""
    facts = site_facts(site)
    documents = []
    for language in languages:
        t = strings(language)
        documents.append(_document("register", "register", language, t["register"]["title"], facts, t))
        for camera in facts.cameras:
            for kind in ("dpia", "notice"):
                title = f"{t[kind]['title']}{t['meta']['colon']}{camera.name}"
                documents.append(_document(kind, f"{kind}-{camera.slug}", language, title, facts, t, camera))
    return documents


def _document(
    kind: Literal["register", "dpia", "notice"],
    name: str,
    language: str,
    title: str,
    facts: SiteFacts,
    t: dict[str, Any],
    camera: CameraFacts | None = None,
) -> Document:
    template = _environment().get_template(f"{kind}.md.j2")
    text = template.render(t=t, f=facts, h=_Wording(facts, t), camera=camera)
    # Blank lines left by template blocks are squeezed, so the Markdown reads as if written by hand.
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return Document(kind, name, language, title, text)


def write_documents(
    documents: Iterable[Document], directory: Path, formats: Iterable[Format] = FORMATS
) -> list[Path]:
    """Write DIR/LANG/NAME.FORMAT for each document and format; the paths written."""
    written = []
    for document in documents:
        folder = directory / document.language
        folder.mkdir(parents=True, exist_ok=True)
        for output in formats:
            path = folder / f"{document.name}.{output}"
            content = document.render(output)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
            written.append(path)
    return written

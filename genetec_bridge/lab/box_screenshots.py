"""Every page of the configuration box in English and French, as `genetec-lab box-screenshots` saves them
(genetec_bridge.lab.box_screenshots_command).

The box runs on a temporary copy of the example site (genetec_bridge.lab.box_site: the box in front
of a stand-in bridge, with the fake Web SDK as Security Center); a one-time integrator logs in in
Debian's headless Chromium, and what a 1366×768 window shows of each page is saved as `PAGE-LANG.png`
(`editor-fr.png`), reduced to 256 colours to keep it small. The lab's RTSP server stands in for the
example's Media Gateway, serving PETS as its first camera and the urban road as its second, so the
editor draws on a real picture.
"""

import asyncio
import secrets
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect, sync_playwright

from analytics.assets import REPO_ROOT, asset
from genetec_bridge.box.accounts import AccountStore, Role
from genetec_bridge.config.site import DEV_APPLICATION_ID, load_site_config
from genetec_bridge.lab.box_site import box_in_background, write_example_box_site
from genetec_bridge.lab.fake_websdk.failures import Failures
from genetec_bridge.lab.fake_websdk.routes import Credentials
from genetec_bridge.lab.fake_websdk.server import FakeWebSdkServer
from genetec_bridge.lab.fake_websdk.state import FakeState
from genetec_bridge.lab.rtsp_server_process import RtspServerProcess
from genetec_bridge.websdk.client import WebSdkClient

CHROMIUM = Path("/usr/bin/chromium")  # Debian's: no browser is downloaded
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTH, HEIGHT = 1366, 768
WEBSDK_CAMERAS = REPO_ROOT / "fixtures/websdk-cameras.json"
CAMERA = "00000001-0000-babe-0000-00408ca1eb95"  # the example's first camera
SECOND_CAMERA = "00000002-0000-babe-0000-00408ca1eb96"
NEW_CAMERA = "00000001-0000-babe-0000-00408ca1eb97"  # in the fake Security Center, not in the example
EXAMPLE_GATEWAY = 'host = "sc-media.city.local"\nport = 654'
USER = "integrator"
# (file name, address): what each page shows, a confirmation and an error page included.
PAGES = (
    ("cameras", "/cameras"),
    ("editor", f"/cameras/{CAMERA}"),
    ("editor-road", f"/cameras/{SECOND_CAMERA}"),
    ("health", "/health"),
    ("traffic", "/traffic"),
    ("versions", "/versions"),
    ("diff", "/versions/2"),
    ("review", "/review"),
    ("audit", "/audit"),
    ("privacy", "/privacy"),
    ("hand-check", "/traffic/check"),
    ("users", "/users"),
    ("account", "/account"),
    ("error", "/versions/999"),
)


@contextmanager
def fake_security_center() -> Iterator[WebSdkClient]:
    """The fake Web SDK in a thread of its own, and a client of it for the box."""
    loop = asyncio.new_event_loop()
    password = secrets.token_urlsafe(12)
    server = FakeWebSdkServer(
        FakeState.from_file(WEBSDK_CAMERAS, None),
        Failures(),
        Credentials("admin", password, frozenset([DEV_APPLICATION_ID])),
    )
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(30)
    try:
        yield WebSdkClient(server.base_url, "admin", password)
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def small_png(path: Path) -> None:
    """The screenshot in 256 colours: a page's flat colours survive, the file is a few times smaller."""
    with Image.open(path) as image:
        reduced = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    reduced.save(path, optimize=True)


def take_screenshots(out: Path) -> None:
    def save(page: Page, name: str) -> None:
        path = out / f"{name}.png"
        page.screenshot(path=str(path))
        small_png(path)
        print(path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path)

    out.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(16)
    with (
        tempfile.TemporaryDirectory() as temporary,
        fake_security_center() as websdk,
        RtspServerProcess(
            {
                f"/{CAMERA}/live": (asset("data/pets09-s2l1/vtest.avi"), 7.0),
                f"/{SECOND_CAMERA}/highres": (asset("data/traffic/urban-320x240.avi"), 10.0),
            }
        ) as gateway,
    ):
        site = write_example_box_site(Path(temporary))
        text = site.read_text(encoding="utf-8")
        if EXAMPLE_GATEWAY not in text:
            raise ValueError(f"the example site no longer contains {EXAMPLE_GATEWAY!r}")
        site.write_text(text.replace(EXAMPLE_GATEWAY, f'host = "127.0.0.1"\nport = {gateway.port}'), "utf-8")
        AccountStore(load_site_config(site).box.accounts_path).add(USER, Role.INTEGRATOR, password)
        with box_in_background(site, websdk) as (url, _), sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for lang in ("en", "fr"):
                page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
                page.goto(f"{url}/lang/{lang}")
                page.goto(f"{url}/login")
                save(page, f"login-{lang}")
                page.fill("#user", USER)
                page.fill("#password", password)
                page.click("button[type=submit]")
                expect(page.locator(".who")).to_contain_text(USER)
                if lang == "en":
                    _save_a_version(page, url)
                for name, address in PAGES:
                    page.goto(f"{url}{address}")
                    if name.startswith("editor"):
                        expect(page.locator("#skills fieldset.skill").first).to_be_visible()
                        page.wait_for_function(
                            "() => { const i = document.getElementById('snapshot');"
                            " return i && i.complete && i.naturalWidth > 0; }",
                            timeout=60_000,
                        )
                    save(page, f"{name}-{lang}")
                page.goto(f"{url}/versions/1")
                page.click("form[action='/versions/1/rollback'] button")
                save(page, f"rollback-{lang}")
                page.goto(f"{url}/cameras")
                page.click(f"form[action='/cameras/{NEW_CAMERA}/add'] button")
                save(page, f"add-camera-{lang}")
                page.close()
            browser.close()


def _save_a_version(page: Page, url: str) -> None:
    """One saved change (the first camera analysed at 6 frames a second), for the versions and the diff."""
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    draft = page.request.get(f"{url}/api/cameras/{CAMERA}").json()
    draft["camera"]["fps"] = 6
    answer = page.request.post(f"{url}/api/cameras/{CAMERA}", data=draft, headers={"X-CSRF-Token": csrf})
    if answer.status != 200:
        raise RuntimeError(f"saving a version for the screenshots failed: {answer.status}")

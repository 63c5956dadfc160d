"""The city admin's home page renders with the vendored assets only (no internet): the house
stylesheet applies, htmx and ECharts load from /static/, and the district chart draws a canvas."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Request, Route, expect

from tests.browser.conftest import ROOT, login
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.browser

SCREENSHOT = ROOT / "var" / "browser-screenshots" / "city_admin_home.png"


def test_city_home_draws_the_district_chart_offline(
    page: Page, live_server: object, cast: Cast
) -> None:
    server = live_server.url  # type: ignore[attr-defined]
    outside: list[str] = []

    def refuse_outside(route: Route) -> None:
        outside.append(route.request.url)
        route.abort()

    page.route(lambda url: not url.startswith(server), refuse_outside)
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    static: dict[str, int] = {}

    def note_static(request: Request) -> None:
        response = request.response()
        if "/static/" in request.url and response is not None:
            static[request.url.split("/static/", 1)[1]] = response.status

    page.on("requestfinished", note_static)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    login(page, live_server, cast.city_admin.username, PASSWORD)
    expect(page.get_by_role("heading", name=f"工作台 · {cast.city.name}")).to_be_visible()
    expect(page.get_by_role("heading", name="各区县已入驻企业")).to_be_visible()

    chart = page.locator("#chart-districts")
    canvas = chart.locator("canvas")
    expect(canvas).to_have_count(1)
    # Let the bars' grow-in animation end (ECharts' "finished" event) before looking at the pixels.
    chart.evaluate(
        """el => new Promise(resolve => {
             const c = echarts.getInstanceByDom(el);
             c.on('finished', () => resolve(true));
             c.getZr().refresh();
           })"""
    )
    box = canvas.bounding_box()
    assert box is not None
    assert box["width"] > 300
    assert box["height"] > 200
    # Something was drawn (not a blank canvas), with the vendored ECharts.
    painted = canvas.evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }"""
    )
    assert painted > 1000
    assert page.evaluate("() => window.echarts && window.echarts.version") == "5.6.0"
    assert page.evaluate("() => typeof window.htmx") == "object"

    # The house stylesheet applies: the brand-coloured top bar.
    expect(page.locator("header.top")).to_have_css("background-color", "rgb(29, 78, 137)")
    expect(page.locator("header.top")).to_have_css("height", "56px")

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000

    assert all(status == 200 for status in static.values()), static
    assert static.get("kejin/app.css") == 200
    assert static.get("vendor/htmx-2.0.4/htmx.min.js") == 200
    assert static.get("vendor/echarts-5.6.0/echarts.min.js") == 200
    assert outside == [], f"requests left the server: {outside}"
    assert failed == []
    assert errors == []

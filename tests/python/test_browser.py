"""report.html, opened in headless Chromium, shows every figure and logs no
error. The checker itself is shown to catch a broken page first."""

from __future__ import annotations

import os

import pytest

import browser_check

pytestmark = pytest.mark.skipif(not os.access(browser_check.CHROMIUM, os.X_OK),
                                reason=f"{browser_check.CHROMIUM} is absent (Debian package chromium)")

_TINY_PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def test_the_checker_catches_broken_images_and_errors(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>broken</title></head><body>'
        f'<img src="data:image/png;base64,{_TINY_PNG}" alt="fine">'
        '<img src="data:image/png;base64,bm90IGEgcG5n" alt="corrupt">'
        f'<img src="data:image/png;base64,{_TINY_PNG}" alt="hidden" style="display:none">'
        '<script>console.error("deliberate"); no_such_function();</script></body></html>')
    check = browser_check.check_page(page)
    assert [i["alt"] for i in check.broken_images] == ["corrupt", "hidden"]
    assert any("deliberate" in e for e in check.errors)
    assert any("no_such_function" in e for e in check.errors)


def test_the_html_report_shows_every_figure_without_errors(report_dir):
    check = browser_check.check_page(report_dir / "report.html")
    assert len(check.images) == len(list(report_dir.glob("*.png"))) > 0
    assert check.broken_images == []
    assert check.errors == []


def test_the_first_screen_shows_every_queue_on_one_axis_and_the_verdict(report_dir, tmp_path):
    shot = tmp_path / "first-screen.png"
    check = browser_check.check_page(report_dir / "report.html", screenshot=shot)
    height = browser_check.VIEWPORT[1]
    assert "verdict" in check.anchors and "fastest-figure" in check.anchors, check.anchors
    assert check.anchors["verdict"]["bottom"] <= height, check.anchors
    assert check.anchors["fastest-figure"]["bottom"] <= height, check.anchors
    assert shot.read_bytes().startswith(b"\x89PNG")
    first = next(i for i in check.images)  # the first figure of the page is the one on one axis
    assert first["alt"].startswith("Every queue on one axis"), first
    assert check.too_wide == []  # the widest table scrolls in its own box, not the page


def test_the_width_check_finds_a_block_that_makes_the_page_scroll_sideways(tmp_path):
    page = tmp_path / "wide.html"
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"><title>wide</title></head><body>'
                    '<p>fits</p><table><tr><td style="min-width:2000px">a wide table</td></tr></table></body></html>')
    assert [w.split(" ends at")[0] for w in browser_check.check_page(page).too_wide] == ["table 'a wide table'"]


def test_the_first_screen_check_fails_for_a_verdict_pushed_down(tmp_path):
    page = tmp_path / "late.html"
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"><title>late</title></head><body>'
                    '<div style="height:1200px">machine table</div><table id="verdict"><tr><td>x</td></tr></table>'
                    '</body></html>')
    check = browser_check.check_page(page)
    assert check.anchors["verdict"]["top"] > browser_check.VIEWPORT[1]

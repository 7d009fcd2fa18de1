"""The caption page in a real browser: Debian's chromium, headless, driven by Selenium and chromedriver."""

import os
import socket
import subprocess
import sys
import time

import pytest
from conftest import need

from livecaption.captions import Caption
from livecaption.share.server import ShareServer

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"



@pytest.fixture
def browser(tmp_path):
    need(os.path.exists(CHROMIUM) and os.path.exists(DRIVER), "chromium and chromium-driver are not installed")
    try:
        from selenium import webdriver
    except ImportError:
        need(False, 'selenium is not installed (pip install -e ".[test]")')
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-quic", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1000,800"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


def wait_for(predicate, timeout: float = 30.0, what: str = ""):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def texts(driver) -> list[dict]:
    return driver.execute_script(
        "return [...document.querySelectorAll('#transcript .caption')].map(e => ({id: e.dataset.start,"
        " text: e.querySelector('.text').textContent, partial: e.classList.contains('partial'),"
        " speaker: (e.querySelector('.speaker') || {}).textContent || ''}))"
    )


@pytest.mark.model  # runs a session with the real model in a subprocess
def test_a_live_session_reaches_the_page_partials_become_finals(speech, browser, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "livecaption", "caption", "--input", str(speech / "jfk.flac"),
                             "--realtime", "--share", str(port), "-f", "jsonl", "--no-journal", "--no-audio-spool"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, XDG_DATA_HOME=str(tmp_path)))  # fmt: skip
    try:
        url = proc.stderr.readline().strip().rsplit(" ", 1)[1]
        browser.get(url)
        # Record every caption element ever shown as a partial, to see it become final in place.
        browser.execute_script(
            "window.partialsSeen = new Set();"
            "new MutationObserver(() => document.querySelectorAll('#transcript .caption.partial')"
            ".forEach(e => window.partialsSeen.add(e))).observe(document.getElementById('transcript'),"
            " {subtree: true, childList: true, attributes: true});"
        )
        wait_for(lambda: any("country" in c["text"] and not c["partial"] for c in texts(browser)), 60, "the last final")
        # The settle pass reads the clip again when it ends; its text replaces the live rows on the page.
        wait_for(lambda: browser.execute_script(
            "return [...document.querySelectorAll('#transcript .caption.settled .text')]"
            ".some(e => e.textContent.includes('country'))"), 120, "the settled transcript")  # fmt: skip
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    import json

    from livecaption.captions import Caption as C
    from livecaption.transcript import replay

    lines = [json.loads(x) for x in out.splitlines()]
    caps = [C(**{k: v for k, v in x.items() if k != "replaces"}, replaces=tuple(x.get("replaces", ()))) for x in lines]
    assert any(c.settled for c in caps)
    shown = texts(browser)
    assert [c["text"] for c in shown] == [c.text for c in replay(caps).kept()]  # the settled transcript, as the exports have it
    assert not any(c["partial"] for c in shown)
    partials = browser.execute_script(
        "return [...window.partialsSeen].map(e => [e.isConnected, e.classList.contains('partial')])"
    )
    assert partials, "no partial caption was ever shown"
    # Each element that showed a partial is now a final (or was taken back and removed): none is left tentative.
    assert all(not partial for connected, partial in partials if connected)
    assert browser.execute_script("return document.documentElement.dataset.connected") in ("yes", "no")


def test_controls_markup_as_text_and_catching_up_after_a_dropped_connection(browser):
    server = ShareServer("127.0.0.1", 0)
    server.start()
    try:
        server.publish(Caption(0, 1, "Plain first caption.", id=1, source="mic", speaker="You"))
        server.publish(Caption(1, 2, "A <b>bold</b> claim & <script>window.hacked=1</script>", id=2))
        browser.get(server.url)
        wait_for(lambda: len(texts(browser)) == 2, what="two captions")
        shown = texts(browser)
        assert shown[1]["text"] == "A <b>bold</b> claim & <script>window.hacked=1</script>"
        assert shown[0]["speaker"] == "You:"
        assert browser.execute_script("return document.querySelectorAll('#transcript b, #transcript script').length") == 0
        assert browser.execute_script("return window.hacked") is None

        def size() -> float:
            return float(browser.execute_script(
                "return parseFloat(getComputedStyle(document.querySelector('#transcript .text')).fontSize)"))

        before = size()
        browser.find_element("id", "larger").click()
        browser.find_element("id", "larger").click()
        assert size() == before + 4
        from selenium.webdriver.support.ui import Select

        Select(browser.find_element("id", "theme")).select_by_value("contrast")
        colors = browser.execute_script(
            "const s = getComputedStyle(document.body); return [s.backgroundColor, s.color]")
        assert colors == ["rgb(0, 0, 0)", "rgb(255, 255, 0)"]
        Select(browser.find_element("id", "view")).select_by_value("captions")
        browser.refresh()  # remembered in this browser
        wait_for(lambda: len(texts(browser)) == 2, what="the captions again")
        assert size() == pytest.approx((before + 4) * 1.6)  # captions only: larger still
        assert browser.execute_script("return document.documentElement.dataset.theme") == "contrast"
        assert browser.execute_script("return document.documentElement.dataset.view") == "captions"

        # The server drops every connection; what is said meanwhile arrives once the page reconnects.
        wait_for(lambda: server.viewer_count() == 1, what="the page's connection")
        server.disconnect_all()
        wait_for(lambda: server.viewer_count() == 0, what="the drop")
        for i in range(3, 6):
            server.publish(Caption(i, i + 1, f"Said while away {i}.", id=i))
        wait_for(lambda: len(texts(browser)) == 5, 20, "the captions said while away")
        assert [c["text"] for c in texts(browser)][2:] == [f"Said while away {i}." for i in range(3, 6)]
        assert server.viewer_count() == 1
    finally:
        server.stop()


def test_the_obs_overlay_shows_the_newest_lines(browser):
    server = ShareServer("127.0.0.1", 0)
    server.start()
    try:
        for i in range(1, 5):
            server.publish(Caption(i, i + 1, f"Line {i}", id=i))
        browser.get(server.url.replace("/?k=", "/overlay?lines=2&k="))
        strip = wait_for(lambda: browser.execute_script("return document.getElementById('strip').innerText"), 20,
                         "the strip")  # fmt: skip
        assert strip == "Line 1 Line 2 Line 3 Line 4"  # lines of text: short captions flow on one line
        assert browser.execute_script("return getComputedStyle(document.body).backgroundColor") == "rgba(0, 0, 0, 0)"
    finally:
        server.stop()




LINES_JS = """
const win = document.getElementById('window').getBoundingClientRect();
const range = document.createRange();
range.selectNodeContents(document.getElementById('roll'));
const rects = [...range.getClientRects()].filter(r => r.width > 1);
const lines = new Map();  // one entry per line of text, by its vertical centre
for (const r of rects) {
  const key = Math.round((r.top + r.bottom) / 2 / 4);
  const l = lines.get(key) || {top: r.top, bottom: r.bottom};
  lines.set(key, {top: Math.min(l.top, r.top), bottom: Math.max(l.bottom, r.bottom)});
}
const all = [...lines.values()];
const tail = document.querySelector('#roll .tentative');
return {
  visible: all.filter(l => l.top >= win.top - 1 && l.bottom <= win.bottom + 1).length,
  cut: all.filter(l => (l.top < win.top - 1 && l.bottom > win.top + 1) || (l.top < win.bottom - 1 && l.bottom > win.bottom + 1)).length,
  above: all.filter(l => l.bottom <= win.top + 1).length,
  tailBottom: tail.getBoundingClientRect().bottom, winBottom: win.bottom,
  tailItalic: getComputedStyle(tail).fontStyle, stableItalic: getComputedStyle(tail.parentNode).fontStyle,
};
"""


def test_the_obs_overlay_rolls_lines_of_text_whole_at_any_width(browser):
    """`lines=N` is N lines of text: the newest words on the bottom line, older lines rolling off the
    top whole (none cut in half), narrow or wide, small or large type; a partial's tentative tail is
    italic, its stable words are not."""
    server = ShareServer("127.0.0.1", 0)
    server.start()
    try:
        for i in range(1, 9):
            server.publish(Caption(3 * i, 3 * i + 3, f"Sentence {i} of a lecture that goes on without a pause,", id=i))
        partial = "and these words are still being read by the model"
        server.publish(Caption(27, 30, partial, final=False, id=9, stable=len("and these words")))
        for width, lines, size in ((390, 2, 40), (390, 3, 24), (1280, 2, 40), (1280, 4, 56)):
            browser.set_window_size(width, 800)
            browser.get(server.url.replace("/?k=", f"/overlay?lines={lines}&size={size}&k="))
            wait_for(lambda: browser.execute_script("return document.querySelector('#roll .tentative')"), 20, "text")
            got = browser.execute_script(LINES_JS)
            assert got["visible"] == lines and got["cut"] == 0 and got["above"] >= 1, (width, lines, size, got)
            assert abs(got["tailBottom"] - got["winBottom"]) <= 0.25 * size, got  # the newest words, bottom line
            assert got["tailItalic"] == "italic" and got["stableItalic"] == "normal"
    finally:
        server.stop()


def test_revisions_replace_rows_in_place_and_the_reader_keeps_their_place(browser):
    server = ShareServer("127.0.0.1", 0)
    server.start()
    try:
        for i in range(1, 61):
            server.publish(Caption(2 * i, 2 * i + 1.5, f"Live caption number {i}, as it was first heard.", id=i))
        browser.get(server.url)
        wait_for(lambda: len(texts(browser)) == 60, what="sixty captions")
        # The reader scrolls back to caption 30 and reads there; caption 3 gets a marker to see it kept in place.
        anchor_top = browser.execute_script(
            "const rows = document.querySelectorAll('#transcript .caption');"
            "rows[2].dataset.marker = 'kept'; rows[29].scrollIntoView({block: 'start'});"
            "window.anchor = rows[29]; return rows[29].getBoundingClientRect().top;"
        )
        time.sleep(0.3)
        assert not browser.execute_script("return document.getElementById('live').hidden")  # not following
        # Settled text for captions 3-10, above the reader: eight rows become two longer ones.
        long = "Settled words of a much longer caption that wraps onto more lines than the live one did. " * 3
        server.publish(Caption(6, 13, long, id=1001, settled=True, replaces=(3, 4, 5, 6)))
        server.publish(Caption(14, 21, long, id=1002, settled=True, replaces=(7, 8, 9, 10)))
        server.publish(Caption(22, 23, "", id=1003, settled=True, replaces=(11,)))  # nothing there after all
        wait_for(lambda: len(texts(browser)) == 60 - 7, 20, "the revisions")
        shown = texts(browser)
        assert [c["text"] for c in shown[:4]] == [
            "Live caption number 1, as it was first heard.", "Live caption number 2, as it was first heard.",
            long, long,
        ]  # fmt: skip
        assert "Live caption number 11," not in " ".join(c["text"] for c in shown)
        # the first row a revision replaces keeps its place on the page (the same element)
        assert browser.execute_script(
            "return document.querySelectorAll('#transcript .caption')[2].dataset.marker") == "kept"
        # the row the reader was reading did not move, though rows above it grew and went
        top = browser.execute_script("return window.anchor.getBoundingClientRect().top")
        assert abs(top - anchor_top) <= 2, (anchor_top, top)
        # The overlay page listens to live captions only: a revision does not reach it.
        browser.get(server.url.replace("/?k=", "/overlay?lines=2&k="))
        wait_for(lambda: browser.execute_script("return document.getElementById('strip').innerText").endswith(
                 "Live caption number 60, as it was first heard."), 20, "the strip")  # fmt: skip
        server.publish(Caption(120, 121.5, "Settled sixty.", id=1004, settled=True, replaces=(60,)))
        server.publish(Caption(122, 123, "Live sixty-one.", id=61))  # after the revision on the same stream
        wait_for(lambda: "sixty-one" in browser.execute_script("return document.getElementById('strip').innerText"),
                 20, "the next live caption")  # fmt: skip
        strip = browser.execute_script("return document.getElementById('strip').innerText")
        assert strip.endswith("Live caption number 60, as it was first heard. Live sixty-one.") and "Settled" not in strip
    finally:
        server.stop()


def test_languages_are_tagged_where_they_change_and_translations_go_under(browser):
    server = ShareServer("127.0.0.1", 0)
    server.start()
    try:
        server.publish(Caption(0, 3, "오늘 회의를 시작하겠습니다", language="ko", id=1, translation="Let's start the meeting."))
        server.publish(Caption(3, 5, "Any questions so far?", language="en", id=2))
        server.publish(Caption(5, 8, "다음 주제입니다", language="ko", id=3, translation="Next topic."))
        browser.get(server.url)
        wait_for(lambda: len(texts(browser)) == 3, what="three captions")
        rows = browser.execute_script(
            "return [...document.querySelectorAll('#transcript .caption')].map(e => ({"
            " tag: (e.querySelector('.lang') || {}).textContent || '', lang: e.querySelector('.text').lang,"
            " under: (e.querySelector('.translation') || {}).textContent || '',"
            " underLang: (e.querySelector('.translation') || {}).lang || '',"
            " below: e.querySelector('.translation') ? e.querySelector('.translation').getBoundingClientRect().top"
            "        >= e.querySelector('.text').getBoundingClientRect().bottom - 1 : null}))"
        )
        assert [r["tag"] for r in rows] == ["", "EN", "KO"]  # where the language changes, not on every row
        assert [r["lang"] for r in rows] == ["ko", "en", "ko"]  # read aloud in each caption's own language
        assert rows[0]["under"] == "Let's start the meeting." and rows[0]["underLang"] == "en" and rows[0]["below"]
        assert rows[1]["under"] == "" and rows[2]["under"] == "Next topic."
        browser.get(server.url.replace("/?k=", "/overlay?lines=2&k="))
        wait_for(lambda: browser.execute_script("return !document.getElementById('under').hidden"), what="the English")
        assert "Next topic." in browser.execute_script("return document.getElementById('roll-under').textContent")
    finally:
        server.stop()


def test_each_speaker_has_a_colour_legible_in_every_theme(browser):
    from livecaption.gui.contrast import luminance, ratio

    def contrast_ratio(fg, bg) -> float:
        return ratio(luminance(tuple(v / 255 for v in fg)), luminance(tuple(v / 255 for v in bg)))

    server = ShareServer("127.0.0.1", 0)
    server.start()
    try:
        said = [("Speaker 1", "Good morning."), ("Speaker 2", "Morning!"), ("Speaker 1", "Shall we start?"),
                ("Ana", "Yes."), ("Speaker 3", "Go ahead.")]  # fmt: skip
        for k, (who, text) in enumerate(said):  # the third line's voice is unsure: marked, in Speaker 1's colour
            server.publish(Caption(k, k + 1, text, id=k + 1, speaker=who, unsure=k == 2))
        browser.get(server.url)
        wait_for(lambda: len(texts(browser)) == 5, what="five captions")
        for theme in ("light", "dark", "contrast"):
            browser.execute_script(
                "document.getElementById('theme').value = arguments[0];"
                "document.getElementById('theme').dispatchEvent(new Event('change'));", theme)  # fmt: skip
            rows = browser.execute_script(
                "const rgb = s => s.match(/\\d+/g).slice(0, 3).map(Number);"
                "const bg = rgb(getComputedStyle(document.body).backgroundColor);"
                "return [...document.querySelectorAll('#transcript .speaker')].map(e =>"
                " ({who: e.textContent, fg: rgb(getComputedStyle(e).color), bg}))"
            )
            colours = {r["who"]: tuple(r["fg"]) for r in rows}
            assert len(set(colours.values())) == 4, (theme, colours)  # four people, four colours
            assert rows[2]["who"] == "Speaker 1 (?):" and rows[0]["who"] == "Speaker 1:"
            assert colours["Speaker 1:"] == tuple(rows[2]["fg"])  # the same person keeps theirs, sure or not
            for r in rows:
                assert contrast_ratio(tuple(r["fg"]), tuple(r["bg"])) >= 4.5, (theme, r)
    finally:
        server.stop()


def test_an_edit_reaches_the_page_within_a_second_and_an_undo_takes_it_back(browser):
    from livecaption.transcript import Edit

    server = ShareServer("127.0.0.1", 0)
    server.start()
    try:
        for i in range(1, 6):
            server.publish(Caption(2 * i, 2 * i + 1.5, f"The Buluru said {i}.", id=i, speaker="Speaker 1"))
        browser.get(server.url)
        wait_for(lambda: len(texts(browser)) == 5, what="five captions")
        sent = time.monotonic()
        server.publish(Edit("", 3, "The Boolooroo said 3."))
        wait_for(lambda: texts(browser)[2]["text"] == "The Boolooroo said 3.", 5, "the edit")
        took = time.monotonic() - sent
        assert took < 1.0, took
        row = browser.execute_script("return document.querySelectorAll('#transcript .caption')[2].innerText")
        assert "(edited)" in row and "Speaker 1" in row and len(texts(browser)) == 5  # in its place, its speaker kept
        server.publish(Edit("", 3, ""))  # the undo
        wait_for(lambda: texts(browser)[2]["text"] == "The Buluru said 3.", 5, "the undo")
        assert "(edited)" not in browser.execute_script("return document.getElementById('transcript').innerText")
        browser.refresh()  # a viewer who comes later gets the line as it is now
        server.publish(Edit("", 4, "The Boolooroo said 4."))
        wait_for(lambda: len(texts(browser)) == 5 and texts(browser)[3]["text"] == "The Boolooroo said 4.", 10, "reload")
    finally:
        server.stop()

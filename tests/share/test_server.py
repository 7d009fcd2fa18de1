"""The caption page's server, over real HTTP on loopback: the token, the events, replay, slow viewers."""

import base64
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sse_client import Stream

import livecaption.share
from livecaption.captions import Caption
from livecaption.share.log import EventLog
from livecaption.share.server import ShareServer, lan_address, parse_address

PATHS = ["/", "/overlay", "/events", "/transcript.txt", "/transcript.srt", "/static/app.js", "/static/style.css",
         "/static/", "/nothing", "/static/../server.py", "/favicon.ico"]  # fmt: skip


@pytest.fixture
def server():
    s = ShareServer("127.0.0.1", 0)
    s.start()
    yield s
    s.stop()


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers or {})
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, dict(r.getheaders()), body


def test_the_log_replays_finals_and_open_partials_after_an_event():
    log = EventLog()
    log.add(Caption(0, 1, "hel", final=False, id=1))
    log.add(Caption(0, 1, "hello", final=True, id=1))
    log.add(Caption(1, 2, "wor", final=False, id=2))
    seen = log.seq
    log.add(Caption(1, 2, "world", final=False, id=2))
    log.add(Caption(2, 3, "x", final=False, id=3, source="system"))
    assert [(e.caption.text, e.caption.final) for e in log.after(0)] == [("hello", True), ("world", False), ("x", False)]
    assert [e.caption.text for e in log.after(seen)] == ["world", "x"]
    log.add(Caption(1, 2, "", final=True, id=2))  # retracted
    assert [c.text for c in log.finals()] == ["hello"]
    assert log.after(log.seq - 1)[-1].caption == Caption(1, 2, "", final=True, id=2)


def test_a_settled_caption_is_a_revision_that_replaces_the_live_finals_it_names():
    log = EventLog()
    for k in (1, 2, 3):
        log.add(Caption(k, k + 1, f"live {k}", id=k))
    seen = log.seq
    log.add(Caption(1, 3, "settled one and two", id=100, settled=True, replaces=(1, 2)))
    log.add(Caption(3, 4, "", id=101, settled=True, replaces=(3,)))  # the settle pass heard nothing there
    # A new viewer gets the settled transcript, not the live rows it replaced...
    assert [(e.caption.text, e.caption.settled) for e in log.after(0)] == [("settled one and two", True), ("", True)]
    # ...one who saw the live rows gets the revisions, which name them
    assert [e.caption.replaces for e in log.after(seen)] == [(1, 2), (3,)]
    assert [c.text for c in log.finals()] == ["settled one and two"]


def test_revisions_are_their_own_event_type_on_the_wire(server):
    server.publish(Caption(0, 1, "live words", id=1))
    server.publish(Caption(0, 1, "settled words", id=200, settled=True, replaces=(1,)))
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", f"/events?k={server.token}")
    r = conn.getresponse()
    body = b""
    while b"settled words" not in body:
        body += r.read1(65536)
    conn.close()
    frames = [f for f in body.decode().split("\n\n") if "data:" in f]
    # The live row was replaced before this viewer came: it gets only the revision, as an "event: revision"
    # (the OBS overlay listens to plain messages and keeps showing live captions).
    assert len(frames) == 1 and "event: revision\n" in frames[0] and '"replaces": [1]' in frames[0]
    status, _, text = get(server.port, f"/transcript.txt?k={server.token}")
    assert status == 200 and b"settled words" in text and b"live words" not in text


def test_every_path_without_the_token_is_403_and_nothing_else(server):
    for path in PATHS:
        wrong = server.token[:-1] + ("y" if server.token.endswith("x") else "x")  # one character off
        for query in ("", "?k=", "?k=" + wrong, "?K=" + server.token):
            status, headers, body = get(server.port, path + query)
            assert status == 403 and body == b"forbidden\n", (path, query, status, body[:80])
            assert "Content-Security-Policy" in headers
    assert len(base64.urlsafe_b64decode(server.token + "==")) * 8 >= 128


def test_the_page_with_the_token_is_strict(server):
    k = "?k=" + server.token
    status, headers, body = get(server.port, "/" + k)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert headers["Referrer-Policy"] == "no-referrer" and headers["X-Content-Type-Options"] == "nosniff"
    assert f"/static/app.js?k={server.token}" in body.decode()
    for page in ("index.html", "overlay.html", "app.js", "overlay.js", "style.css", "overlay.css"):
        text = (Path(livecaption.share.__file__).parent / "page" / page).read_text()
        assert "http" not in text and "innerHTML" not in text, page  # offline, and text only

    assert get(server.port, "/static/app.js" + k)[0] == 200
    for path in ("/static/", "/static/server.py", "/static/..%2fserver.py", "/static/index.html"):
        assert get(server.port, path + k)[0] == 404, path
    status, headers, _ = get(server.port, "/overlay" + k)
    assert status == 200


def test_bound_to_this_computer_by_default():
    s = ShareServer(port=0)
    assert s.host == "127.0.0.1" and parse_address("8765") == ("127.0.0.1", 8765)
    s.start()
    try:
        assert s.url.startswith("http://127.0.0.1:")
        lan = lan_address()
        if lan != "127.0.0.1":
            with pytest.raises(OSError):
                socket.create_connection((lan, s.port), timeout=3)
    finally:
        s.stop()


def test_events_carry_the_jsonl_captions_and_replay_from_the_last_seen(server):
    k = "k=" + server.token
    first = Stream(server.port, k)
    assert first.status == 200
    caps = [Caption(0, 1, "Hello <b>there</b>", final=False, id=1, emit=1.2, source="mic", speaker="You"),
            Caption(0, 1.5, "Hello <b>there</b>, friend.", id=1, emit=1.9, source="mic", speaker="You"),
            Caption(2, 3, "Second", id=2, emit=3.4)]  # fmt: skip
    for c in caps:
        server.publish(c)
    got = first.events(3)
    assert [d for _, d in got] == [c.to_dict() for c in caps]
    assert [int(i) for i, _ in got] == [1, 2, 3]
    first.close()
    server.publish(Caption(3, 4, "Missed while away", id=3))
    again = Stream(server.port, k, last=got[1][0])
    assert [d["text"] for _, d in again.events(2)] == ["Second", "Missed while away"]
    again.close()
    newcomer = Stream(server.port, k)  # a new viewer gets the session so far, not the superseded partial
    assert [d["text"] for _, d in newcomer.events(3)] == ["Hello <b>there</b>, friend.", "Second", "Missed while away"]
    newcomer.close()
    status, _, body = get(server.port, "/transcript.txt?" + k)
    assert status == 200 and "[00:00:00] You: Hello <b>there</b>, friend." in body.decode()
    status, headers, body = get(server.port, "/transcript.srt?" + k)
    assert "00:00:02,000 --> 00:00:03,000\nSecond" in body.decode() and "attachment" in headers["Content-Disposition"]


def test_a_stalled_viewer_is_dropped_and_the_others_get_everything(server):
    k = "k=" + server.token
    server.viewer_buffer = 8
    stalled = socket.create_connection(("127.0.0.1", server.port))
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.sendall(f"GET /events?{k} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    reader = Stream(server.port, k, timeout=30)
    deadline = time.monotonic() + 10
    while server.viewer_count() < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.viewer_count() == 2
    got: list = []
    t = threading.Thread(target=lambda: got.extend(reader.events(60)))
    t.start()
    for i in range(60):
        server.publish(Caption(i, i + 1, f"caption {i} " + "words " * 5000, id=i + 1))
        time.sleep(0.05)  # a reading viewer keeps up even on a loaded machine; the stalled one reads nothing
    t.join(30)
    assert [d["id"] for _, d in got] == list(range(1, 61))
    assert server.dropped == 1 and server.viewer_count() == 1
    stalled.close()
    reader.close()


def test_viewers_are_bounded_and_stopping_closes_every_connection():
    s = ShareServer("127.0.0.1", 0, max_viewers=2)
    s.start()
    k = "k=" + s.token
    a, b = Stream(s.port, k), Stream(s.port, k)
    deadline = time.monotonic() + 10
    while s.viewer_count() < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert get(s.port, "/events?" + k)[0] == 503
    s.stop()
    assert a.ended() and b.ended()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", s.port), timeout=3)


@pytest.mark.model  # runs a session with the real model in a subprocess
def test_the_command_line_shares_a_live_session(speech, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "livecaption", "caption", "--input", str(speech / "jfk.flac"),
                             "--realtime", "--share", str(port), "--no-journal", "--no-audio-spool"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, XDG_DATA_HOME=str(tmp_path)))  # fmt: skip
    try:
        line = proc.stderr.readline()
        assert line.startswith(f"livecaption: sharing captions at http://127.0.0.1:{port}/?k="), line
        token = line.strip().rsplit("k=", 1)[1]
        assert get(port, "/events")[0] == 403
        stream = Stream(port, "k=" + token, timeout=60)
        texts = []
        while not any("country" in t for t in texts):
            texts += [d["text"] for _, d in stream.events(1) if d["final"]]
        stream.close()
    finally:
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "country" in out


def test_the_command_line_says_what_is_wrong_with_share_in_one_line(speech):
    bad = subprocess.run([sys.executable, "-m", "livecaption", "caption", "--input", str(speech / "jfk.flac"),
                          "--share", "nowhere"], capture_output=True, text=True, timeout=60)  # fmt: skip
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "[HOST:]PORT" in bad.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = subprocess.run([sys.executable, "-m", "livecaption", "caption", "--input", str(speech / "jfk.flac"),
                              "--share", f"127.0.0.1:{port}"], capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "in use" in out.stderr, out.stderr

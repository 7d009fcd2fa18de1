"""The caption page's web server: aiohttp on its own thread and event loop, read-only, behind a token.

Captions come in from any thread through `publish` (it only schedules work on the server's loop, so
captioning never waits for viewers); each viewer has a bounded queue, and a viewer whose queue fills
is dropped: its browser reconnects and catches up from the last event it saw.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import secrets
import socket
import threading
from dataclasses import dataclass
from importlib import resources

from aiohttp import web

from livecaption.errors import InputError
from livecaption.share.log import Event, EventLog
from livecaption.storage.export import render
from livecaption.transcript import Event as TranscriptEvent

MAX_VIEWERS = 500
VIEWER_BUFFER = 256  # events a viewer may fall behind before it is dropped
SOCKET_BUFFER = 64 * 1024  # bytes the kernel may hold for one viewer
KEEPALIVE_S = 15.0
PAGES = {"/": "index.html", "/overlay": "overlay.html"}
ASSETS = {"app.js": "text/javascript", "overlay.js": "text/javascript", "style.css": "text/css",
          "overlay.css": "text/css"}  # fmt: skip
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the link's token never leaves in a Referer
    "Cache-Control": "no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def parse_address(text: str) -> tuple[str, int]:
    """ "8765" -> ("127.0.0.1", 8765); "0.0.0.0:8765" and "192.168.1.5:8765" as given."""
    host, _, port = text.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError(f"--share wants [HOST:]PORT, such as 8765 or 0.0.0.0:8765, not '{text}'")
    return host, int(port)


def lan_address() -> str:
    """This machine's address on its network (no packet is sent: a UDP connect only picks a route)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.254.254.254", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


@dataclass(eq=False)
class Viewer:
    queue: asyncio.Queue
    task: asyncio.Task | None


class ShareServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 8765, max_viewers: int = MAX_VIEWERS,
                 viewer_buffer: int = VIEWER_BUFFER) -> None:  # fmt: skip
        self.host, self.port = host, port
        self.max_viewers, self.viewer_buffer = max_viewers, viewer_buffer
        self.token = secrets.token_urlsafe(24)  # 192 bits
        self.log = EventLog()
        self.viewers: set[Viewer] = set()
        self.dropped = 0  # viewers dropped for falling behind, since the start
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.thread_id = 0
        self.url = ""  # the link, once serving
        self._pages = {name: resources.files("livecaption.share").joinpath("page", name).read_bytes()
                       for name in [*PAGES.values(), *ASSETS]}  # fmt: skip

    # -- the outside (any thread) --------------------------------------------------------------
    def start(self) -> str:
        """Binds and serves on a thread of its own; a port in use or a bad address is an InputError."""
        started = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            self.thread_id = threading.get_native_id()  # benchmarks read this thread's CPU time
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._start())
            except BaseException as exc:  # reported to start()'s caller
                failure.append(exc)
                started.set()
                loop.close()
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(self._stop())
            loop.close()

        self._thread = threading.Thread(target=run, name="livecaption-share", daemon=True)
        self._thread.start()
        started.wait()
        if failure:
            exc = failure[0]
            if isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE:
                raise InputError(f"cannot share captions on {self.host}:{self.port}: the port is in use (try another)")
            raise InputError(f"cannot share captions on {self.host}:{self.port}: {exc}") from exc
        host = lan_address() if self.host in ("0.0.0.0", "") else self.host  # a link other devices can open
        self.url = f"http://{host}:{self.port}/?k={self.token}"
        return self.url

    def publish(self, event: TranscriptEvent) -> None:
        """A caption, settled reading, rename or edit of the session (captions are immutable: safe to hand over)."""
        loop = self._loop
        if loop is not None and loop.is_running():
            loop.call_soon_threadsafe(self._publish, event)

    def stop(self) -> None:
        """Closes every connection and the server."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop has already ended
            loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        self._loop = self._thread = None

    def viewer_count(self) -> int:
        return len(self.viewers)

    def disconnect_all(self) -> None:
        """Closes every viewer's connection (their pages reconnect and catch up); the server goes on."""
        loop = self._loop
        if loop is not None and loop.is_running():
            loop.call_soon_threadsafe(self._drop_all)

    # -- the server's loop -------------------------------------------------------------------------
    async def _start(self) -> None:
        app = web.Application(middlewares=[self._guard])
        for path in PAGES:
            app.router.add_get(path, self._page)
        app.router.add_get("/static/{name}", self._asset)
        app.router.add_get("/events", self._events)
        app.router.add_get("/transcript.txt", self._transcript)
        app.router.add_get("/transcript.srt", self._transcript)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, reuse_address=True, backlog=1024)
        await site.start()
        if self.port == 0:  # the system picked one (tests, benchmarks)
            self.port = self._runner.addresses[0][1]

    async def _stop(self) -> None:
        for viewer in list(self.viewers):
            self._drop(viewer)
        if self._runner is not None:
            await self._runner.cleanup()

    def _publish(self, event: TranscriptEvent) -> None:
        for numbered in self.log.add(event):
            for viewer in list(self.viewers):
                try:
                    viewer.queue.put_nowait(numbered)
                except asyncio.QueueFull:
                    self.dropped += 1
                    self._drop(viewer)

    def _drop_all(self) -> None:
        for viewer in list(self.viewers):
            self._drop(viewer)

    def _drop(self, viewer: Viewer) -> None:
        self.viewers.discard(viewer)
        if viewer.task is not None:
            viewer.task.cancel()

    @web.middleware
    async def _guard(self, request: web.Request, handler) -> web.StreamResponse:
        given = request.query.get("k", "")
        if not secrets.compare_digest(given.encode(), self.token.encode()):
            return web.Response(status=403, text="forbidden\n", headers=SECURITY_HEADERS)
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            exc.headers.update(SECURITY_HEADERS)
            raise
        if not response.prepared:
            response.headers.update(SECURITY_HEADERS)
        return response

    async def _page(self, request: web.Request) -> web.Response:
        # The token goes into the asset links; it is URL-safe base64, so it needs no escaping.
        html = self._pages[PAGES[request.path]].decode().replace("{{TOKEN}}", self.token)
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    async def _asset(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in ASSETS:  # only the page's own files: no listing, no paths
            raise web.HTTPNotFound()
        return web.Response(body=self._pages[name], content_type=ASSETS[name], charset="utf-8")

    async def _transcript(self, request: web.Request) -> web.Response:
        fmt = request.path.rsplit(".", 1)[1]
        headers = {"Content-Disposition": f'attachment; filename="livecaption.{fmt}"'}
        return web.Response(text=render(self.log.finals(), fmt), content_type="text/plain", charset="utf-8",
                            headers=headers)  # fmt: skip

    async def _events(self, request: web.Request) -> web.StreamResponse:
        if len(self.viewers) >= self.max_viewers:
            return web.Response(status=503, text="too many viewers\n", headers={"Retry-After": "5"})
        last = request.headers.get("Last-Event-ID") or request.query.get("last") or "0"
        seen = int(last) if last.isdigit() else 0
        sock = request.transport.get_extra_info("socket") if request.transport else None
        if sock is not None:  # what the kernel holds for a viewer is bounded too, not only its queue
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SOCKET_BUFFER)
        response = web.StreamResponse(headers={**SECURITY_HEADERS, "Content-Type": "text/event-stream",
                                               "X-Accel-Buffering": "no"})  # fmt: skip
        await response.prepare(request)
        viewer = Viewer(queue=asyncio.Queue(self.viewer_buffer), task=asyncio.current_task())
        # No await between taking the backlog and joining: every later event reaches the queue.
        backlog = self.log.after(seen)
        self.viewers.add(viewer)
        try:
            await response.write(b"retry: 1000\n\n")
            for event in backlog:
                await response.write(_frame(event))
            while True:
                try:
                    event = await asyncio.wait_for(viewer.queue.get(), KEEPALIVE_S)
                except TimeoutError:
                    await response.write(b": keep-alive\n\n")
                    continue
                await response.write(_frame(event))
        except (asyncio.CancelledError, ConnectionError):
            pass
        finally:
            self.viewers.discard(viewer)
        return response


def _frame(event: Event) -> bytes:
    """One SSE event: its number (for Last-Event-ID) and the caption as the CLI's JSONL writes it;
    a settled caption is a "revision" event naming the live captions it replaces."""
    extra: dict[str, object] = {"edited": True} if event.edited else {}
    if event.caption.unsure:  # the speaker as every transcript shows them ("Speaker 2 (?)")
        extra["label"] = event.caption.label
    data = json.dumps({**event.caption.to_dict(), **extra}, ensure_ascii=False)
    kind = "event: revision\n" if event.caption.settled else ""  # the overlay page listens to live captions only
    return f"id: {event.seq}\n{kind}data: {data}\n\n".encode()

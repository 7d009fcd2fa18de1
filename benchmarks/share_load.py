"""Load on the caption page's server: a real-time session shared to hundreds of viewers on loopback.

    .venv/bin/python benchmarks/share_load.py [--viewers 300] [--repeat 3] [--stream ../shared/speech/meeting_en.wav]

Runs the same session three times in this process (the app: engine and ShareServer on its own thread):
with no viewers, with N viewers, and with N viewers plus one that connects and never reads. The viewers
are asyncio/aiohttp SSE clients in a second process (`--clients`), so they do not share this one's GIL.
Delay is from the moment the engine hands a caption to its listener (its emit, on the wall clock) to its
arrival at a viewer, both read from time.time() on this machine. Results go to results/share_load.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


# -- the viewers' process ----------------------------------------------------------------------------
async def viewer(session, url: str, out: list, ready: asyncio.Event, counter: list) -> None:
    async with session.get(url) as response:
        counter[0] += 1
        if counter[0] >= counter[1]:
            ready.set()
        seq = ""
        async for raw in response.content:
            line = raw.decode().rstrip("\n")
            if line.startswith("id: "):
                seq = line[4:]
            elif line.startswith("data: "):
                out.append((int(seq), time.time()))


async def clients(url: str, n: int, stalled: bool, out_path: str) -> None:
    import aiohttp

    host, port = url.split("//")[1].split("/")[0].split(":")
    query = url.split("?", 1)[1]
    events = f"http://{host}:{port}/events?{query}"
    stuck = None
    if stalled:  # connects, asks for the stream, never reads a byte
        stuck = socket.create_connection((host, int(port)))
        stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stuck.sendall(f"GET /events?{query} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    received: list[list] = [[] for _ in range(n)]
    ready, counter = asyncio.Event(), [0, n]
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=None, sock_read=None)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        tasks = [asyncio.create_task(viewer(session, events, received[i], ready, counter)) for i in range(n)]
        await ready.wait()
        print("ready", flush=True)
        await stop.wait()
        for t in tasks:
            t.cancel()
    Path(out_path).write_text(json.dumps(received))


# -- the app's process -------------------------------------------------------------------------------
def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def thread_cpu_s(tid: int) -> float:
    """CPU seconds of one thread of this process (utime + stime from /proc)."""
    fields = Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(stream: Path, loaded, viewers: int, stalled: bool) -> dict:
    from livecaption.config import SessionConfig
    from livecaption.session import build_session
    from livecaption.share.server import ShareServer
    from livecaption.streaming.engine import EngineListener

    server = ShareServer("127.0.0.1", 0)
    url = server.start()
    published: list[float] = []

    class Share(EngineListener):
        def on_caption(self, caption) -> None:
            published.append(time.time())
            server.publish(caption)

    proc = None
    out = Path(f"/tmp/share_load_{os.getpid()}.json")
    rss_before = rss_mb()
    if viewers:
        proc = subprocess.Popen([sys.executable, __file__, "--clients", url, str(viewers), str(int(stalled)), str(out)],
                                stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(1.0)
    rss_connected = rss_mb()
    config = SessionConfig(input_file=str(stream), realtime=True, journal=False, keep_audio=False, language="en")
    session = build_session(config, Share(), loaded=loaded)
    samples: list[float] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(1.0):
            samples.append(rss_mb())

    threading.Thread(target=sample, daemon=True).start()
    cpu0, wall0 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    server_cpu0 = thread_cpu_s(server.thread_id)
    session.start()
    session.wait()
    time.sleep(1.0)  # the last events reach the viewers
    cpu1, wall1 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    server_cpu = thread_cpu_s(server.thread_id) - server_cpu0
    done.set()
    result = {
        "viewers": viewers,
        "stalled_viewer": stalled,
        "events": len(published),
        "cpu_s": round((cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime), 2),
        "wall_s": round(wall1 - wall0, 1),
        "server_thread_cpu_s": round(server_cpu, 2),
        "rss_mb_added_by_connecting": round(rss_connected - rss_before, 1),
        "rss_mb_mean": round(statistics.mean(samples), 1) if samples else None,
        "rss_mb_max": round(max(samples), 1) if samples else None,
        "server_viewers_at_end": server.viewer_count(),
        "dropped": server.dropped,
    }
    if proc is not None:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
        received = json.loads(out.read_text())
        out.unlink()
        delays = sorted(t - published[seq - 1] for per in received for seq, t in per)
        complete = sum(1 for per in received if sorted(s for s, _ in per) == list(range(1, len(published) + 1)))
        result.update({
            "viewers_with_every_event": complete,
            "delay_ms_p50": round(1000 * delays[len(delays) // 2], 1),
            "delay_ms_p95": round(1000 * delays[int(len(delays) * 0.95)], 1),
            "delay_ms_max": round(1000 * delays[-1], 1),
        })
    server.stop()
    return result


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--viewers", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--stream", default=str(ROOT.parent / "shared" / "speech" / "meeting_en.wav"))
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "share_load.json"))
    ap.add_argument("--clients", nargs=4, metavar=("URL", "N", "STALLED", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.clients:
        url, n, stalled, out = args.clients
        asyncio.run(clients(url, int(n), stalled == "1", out))
        return 0
    from livecaption.config import SessionConfig
    from livecaption.session import load

    loaded = load(SessionConfig(device="cpu"))
    variants = {"no viewers": (0, False), f"{args.viewers} viewers": (args.viewers, False),
                f"{args.viewers} viewers + 1 stalled": (args.viewers, True)}  # fmt: skip
    runs: dict[str, list[dict]] = {name: [] for name in variants}
    for _ in range(args.repeat):  # alternating, so that drift of the machine falls on every variant
        for name, (n, stalled) in variants.items():
            runs[name].append(run(Path(args.stream), loaded, n, stalled))
            print(name, json.dumps(runs[name][-1]), flush=True)
    medians = {}
    for name, rs in runs.items():
        medians[name] = {k: statistics.median(r[k] for r in rs) for k in rs[0] if isinstance(rs[0][k], (int, float))
                         and not isinstance(rs[0][k], bool)}  # fmt: skip
        print(f"median of {args.repeat}, {name}: {json.dumps(medians[name])}")
    Path(args.out).write_text(json.dumps({"stream": Path(args.stream).name, "repeat": args.repeat,
                                          "medians": medians, "runs": runs}, indent=1) + "\n")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What a session leaves behind, measured: kept audio, crash recovery, stopping, and --polish.

    python benchmarks/after_session.py spool            # size an hour, CPU with and without it (idle, live)
    python benchmarks/after_session.py crash            # kill -9 at 50 s of 90 s; SIGTERM at 50 s
    python benchmarks/after_session.py polish STREAM... # --polish WER against offline whole-file, same run
    python benchmarks/after_session.py polish-hour      # time and memory for one hour of session audio

The crash and stop runs play a 90 s stream of English clips (../shared/speech/clips, with their
references) in real time through `livecaption caption`, as a user would.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.metrics import align, error_rate, tokens
from livecaption.audio.files import read_audio
from livecaption.config import SessionConfig
from livecaption.samples import SR
from livecaption.session import build_session, load
from livecaption.storage.journal import list_sessions
from livecaption.storage.spool import AudioSpool

SHARED = Path(__file__).resolve().parents[2] / "shared" / "speech"


def english_stream(seconds: float, folder: Path) -> tuple[Path, list[dict]]:
    """Clips from the shared set, 1 s apart, until `seconds`; the WAV and its clip list."""
    clips = [c for c in json.loads((SHARED / "clips.json").read_text()) if c.get("language") == "en"]
    parts, ref, pos = [np.zeros(SR // 2, np.float32)], [], 0.5
    for c in clips[10:]:  # not the first ten: lecture_en starts with them
        audio = read_audio(SHARED / c["file"])
        if pos + len(audio) / SR > seconds - 1:
            break
        ref.append({"start": pos, "end": pos + len(audio) / SR, "text": c["text"]})
        parts += [audio, np.zeros(SR, np.float32)]
        pos += len(audio) / SR + 1.0
    audio = np.concatenate(parts)
    audio = np.pad(audio, (0, max(0, int(seconds * SR) - len(audio))))
    path = folder / "stream90.wav"
    sf.write(path, audio, SR)
    return path, ref


def recall(text: str, hypothesis: str) -> float:
    ref = tokens(text, "word")
    return len({r for r in align(ref, tokens(hypothesis, "word")).hyp_to_ref if r is not None}) / len(ref)


def found(reference: list[dict], hypothesis: str) -> list[set[int]]:
    """For each reference clip, the indices of its words that `hypothesis` holds (aligned in order)."""
    words, clip_of = [], []
    for k, c in enumerate(reference):
        t = tokens(c["text"], "word")
        words += t
        clip_of += [k] * len(t)
    out: list[set[int]] = [set() for _ in reference]
    for r in align(words, tokens(hypothesis, "word")).hyp_to_ref:
        if r is not None:
            out[clip_of[r]].add(r)
    return out


def cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "livecaption", *args], capture_output=True, text=True, env=env)


def crash(runs: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        path, clips = english_stream(90, Path(d))
        env = dict(os.environ, LIVECAPTION_SESSIONS=str(Path(d) / "whole"))
        whole = found(clips, cli("caption", "--input", str(path), env=env).stdout)  # what an uninterrupted run gets
        for k in range(runs):
            env = dict(os.environ, LIVECAPTION_SESSIONS=str(Path(d) / f"s{k}"))
            for how in ("kill -9", "SIGTERM"):
                out = Path(d) / f"out{k}.txt"
                command = [sys.executable, "-m", "livecaption", "caption", "--input", str(path), "--realtime",
                           "-o", str(out)]  # fmt: skip
                proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
                for line in proc.stderr:
                    if "captioning" in line:
                        break
                t0 = time.monotonic()
                time.sleep(50.0)
                sent = time.monotonic()
                proc.send_signal(signal.SIGKILL if how == "kill -9" else signal.SIGTERM)
                code = proc.wait()
                took = time.monotonic() - sent
                live = out.read_text()
                text = cli("export", "latest", "--format", "txt", env=env).stdout if how == "kill -9" else live
                ended = [i for i, c in enumerate(clips) if c["end"] <= sent - t0 - 1.0]
                got, shown = found(clips, text), found(clips, live)
                # of the words an uninterrupted run captions right, the share the output after the stop holds
                per = [len(got[i] & whole[i]) / max(1, len(whole[i])) for i in ended]
                live_per = [len(shown[i] & whole[i]) / max(1, len(whole[i])) for i in ended]
                print(json.dumps({
                    "run": k, "how": how, "exit": code, "exit_s": round(took, 2), "utterances_ended": len(ended),
                    "kept_min": round(min(per), 3), "kept_mean": round(statistics.mean(per), 3),
                    "utterances_at_95": sum(r >= 0.95 for r in per),
                    "live_output_kept_mean": round(statistics.mean(live_per), 3),
                    "reference_recall_mean": round(statistics.mean(recall(clips[i]["text"], text) for i in ended), 3),
                }), flush=True)  # fmt: skip


def spool(runs: int) -> None:
    loaded = load(SessionConfig(device="cpu"))
    with tempfile.TemporaryDirectory() as d:
        os.environ["LIVECAPTION_SESSIONS"] = d
        silence = Path(d) / "silence.wav"
        sf.write(silence, np.zeros(20 * SR, np.float32), SR)
        for what, path, n in (
            ("silence 20 s, real time", silence, runs),
            ("meeting_en, real time", SHARED / "meeting_en.wav", 2),
        ):
            for k in range(n):
                for keep in (False, True):
                    config = SessionConfig(input_file=str(path), realtime=True, keep_audio=keep, language="en")
                    session = build_session(config, loaded=loaded)
                    c0, w0 = time.process_time(), time.monotonic()
                    session.start()
                    session.wait()
                    cpu = 100 * (time.process_time() - c0) / (time.monotonic() - w0)
                    size = session.journal.path.with_suffix(".flac").stat().st_size if keep else 0
                    print(json.dumps({"what": what, "run": k, "audio kept": keep, "cpu_percent": round(cpu, 2),
                                      "flac_bytes": size}), flush=True)  # fmt: skip


def polish_streams(streams: list[Path]) -> None:
    from livecaption.recovery import polish

    loaded = load(SessionConfig(device="cpu"))
    with tempfile.TemporaryDirectory() as d:
        os.environ["LIVECAPTION_SESSIONS"] = d
        for stream in streams:
            clips = json.loads(stream.with_suffix(".json").read_text())["clips"]
            reference = " ".join(c["text"] for c in clips)
            config = SessionConfig(input_file=str(stream), language="en")
            session = build_session(config, loaded=loaded)
            session.start()
            session.wait()
            live = " ".join(c.text for c in session.engine.captions)
            t = time.monotonic()
            segments, _ = loaded.model.transcribe(read_audio(stream), language="en")
            offline = " ".join(s.text for s in segments)
            offline_s = time.monotonic() - t
            info = next(s for s in list_sessions() if s.id == session.journal.id)
            t = time.monotonic()
            polished = " ".join(c.text for c in polish(info))
            polish_s = time.monotonic() - t
            print(json.dumps({
                "stream": stream.name, "live_wer": round(error_rate(reference, live), 4),
                "offline_wer": round(error_rate(reference, offline), 4),
                "polish_wer": round(error_rate(reference, polished), 4),
                "offline_s": round(offline_s, 1), "polish_s": round(polish_s, 1),
            }), flush=True)  # fmt: skip


def polish_hour() -> None:
    from livecaption.recovery import polish
    from livecaption.storage.journal import Journal

    lecture = read_audio(SHARED / "lecture_en.wav")
    with tempfile.TemporaryDirectory() as d:
        os.environ["LIVECAPTION_SESSIONS"] = d
        journal = Journal("soak", "tiny.en (bundled)", extra={"model_arg": "", "language": "en"})
        sp = AudioSpool(journal.path.with_suffix(".flac"))
        pos = 0
        while pos < 3600 * SR:
            piece = lecture[: 3600 * SR - pos]
            sp.write(pos, piece)
            pos += len(piece)
        sp.close()
        journal.close()
        info = list_sessions()[-1]
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t = time.monotonic()
        caps = polish(info)
        print(json.dumps({
            "audio_s": 3600, "flac_mb": round(info.audio.stat().st_size / 1e6, 1), "captions": len(caps),
            "polish_s": round(time.monotonic() - t), "peak_rss_mb_before": round(rss0),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }), flush=True)  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["spool", "crash", "polish", "polish-hour"])
    ap.add_argument("streams", nargs="*", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if args.what == "spool":
        spool(args.runs)
    elif args.what == "crash":
        crash(args.runs)
    elif args.what == "polish":
        polish_streams(args.streams or [SHARED / f"{s}.wav" for s in ("lecture_en", "spontaneous_en", "meeting_en")])
    else:
        polish_hour()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

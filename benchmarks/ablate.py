"""Does a heuristic of the commit policy pay? The development set with one of them switched off.

    python benchmarks/ablate.py too_short lecture_en long_en spontaneous_en
    python benchmarks/ablate.py max_chars

(`rereads`, a 4-word run of the context read again, was switched off this way and removed: it
changed nothing on lecture_en, long_en or spontaneous_en; benchmarks/README.md.) Each name switches off one check that sends a context pass back to be decoded alone; the rest of the
arguments go to devbench.py (streams, variant, -v). Compare the table with devbench.py's.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks import devbench
from livecaption.transcription import healing, policy

OFF = {
    "too_short": lambda: setattr(policy.Transcriber, "_too_short", lambda self, text, seconds: False),
    "max_chars": lambda: setattr(healing, "MAX_CHARS_PER_S", 10_000),
    "seam_check": lambda: setattr(policy, "drop_seam_repeat", lambda previous, text, max_words=8: text),
}


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in OFF:
        sys.exit(f"usage: ablate.py {{{','.join(OFF)}}} [devbench arguments]")
    OFF[sys.argv.pop(1)]()
    devbench.main()

"""The layering the README's architecture section describes, checked on every import in the package.

* only livecaption.gui imports Qt (PySide6);
* only livecaption.whisper imports faster-whisper and CTranslate2;
* the engine's layers (audio, streaming, transcription, storage) import neither, and none
  of the package imports cli or gui except cli and gui themselves;
* benchmarks live outside the installed package.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "livecaption"
MAX_LINES = 350


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts), path


def top(name: str) -> str:
    return name.split(".")[0]


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else ""  # livecaption.<layer>.<module>; "" for top-level modules


def test_the_import_contract_holds():
    broken = []
    for module, path in modules():
        for name in imports(path):
            where = layer(module)
            if top(name) == "PySide6" and where != "gui":
                broken.append(f"{module} imports {name} (only livecaption.gui may use Qt)")
            if top(name) in ("faster_whisper", "ctranslate2") and where != "whisper":
                broken.append(f"{module} imports {name} (only livecaption.whisper may)")
            front_end = where in ("gui", "cli") or module == "livecaption.__main__"
            if name.startswith(("livecaption.gui", "livecaption.cli")) and not front_end:
                broken.append(f"{module} imports {name} (the engine never depends on a front end)")
            if top(name) in ("benchmarks", "tests"):
                broken.append(f"{module} imports {name}")
    assert not broken, "\n".join(broken)


def test_the_policy_and_scheduler_know_no_back_end():
    for module, path in modules():
        if layer(module) in ("transcription", "streaming"):
            assert not any(n.startswith("livecaption.whisper") for n in imports(path)), module


def test_modules_stay_small():
    sizes = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in modules()}
    assert all(n <= MAX_LINES for n in sizes.values()), {m: n for m, n in sizes.items() if n > MAX_LINES}
    assert sizes["livecaption.gui.main_window"] < 300


def test_the_contract_sees_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import PySide6.QtCore\nfrom faster_whisper import WhisperModel\n")
    assert imports(bad) == {"PySide6.QtCore", "faster_whisper"}

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


def imports(path: Path, module: str | None = None) -> set[str]:
    """Every module `path` imports, relative imports resolved against `module` (its dotted name)."""
    module = module or ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[: len(package) - (node.level - 1)]
                base = ".".join([*parent, base] if base else parent)
            # `from livecaption import gui` imports livecaption.gui
            found |= {base} | {f"{base}.{a.name}" for a in node.names if a.name != "*"}
    return found


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts), path


def top(name: str) -> str:
    return name.split(".")[0]


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else ""  # livecaption.<layer>.<module>; "" for top-level modules


def violations(module: str, names: set[str]) -> list[str]:
    broken = []
    where = layer(module)
    for name in sorted(names):
        if top(name) == "PySide6" and where != "gui":
            broken.append(f"{module} imports {name} (only livecaption.gui may use Qt)")
        if top(name) in ("faster_whisper", "ctranslate2") and where != "whisper":
            broken.append(f"{module} imports {name} (only livecaption.whisper may)")
        front_end = where in ("gui", "cli") or module == "livecaption.__main__"
        if name.startswith(("livecaption.gui", "livecaption.cli")) and not front_end:
            broken.append(f"{module} imports {name} (the engine never depends on a front end)")
        if top(name) in ("benchmarks", "tests"):
            broken.append(f"{module} imports {name}")
    return broken


def test_the_import_contract_holds():
    broken = [v for module, path in modules() for v in violations(module, imports(path, module))]
    assert not broken, "\n".join(broken)


def test_the_policy_and_scheduler_know_no_back_end():
    for module, path in modules():
        if layer(module) in ("transcription", "streaming"):
            assert not any(n.startswith("livecaption.whisper") for n in imports(path, module)), module


def test_modules_stay_small():
    sizes = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in modules()}
    assert all(n <= MAX_LINES for n in sizes.values()), {m: n for m, n in sizes.items() if n > MAX_LINES}
    assert sizes["livecaption.gui.main_window"] < 300


def test_the_contract_sees_a_violation(tmp_path):
    """Each rule, fed an import that breaks it, absolute or relative."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import PySide6.QtCore\nfrom faster_whisper import WhisperModel\n"
        "from ..gui import overlay\nfrom ..cli.commands import main\nfrom . import whisper_bits\n"
    )
    names = imports(bad, "livecaption.streaming.bad")
    assert {"livecaption.gui.overlay", "livecaption.cli.commands", "livecaption.streaming.whisper_bits"} <= names
    found = violations("livecaption.streaming.bad", names)
    assert any("PySide6.QtCore" in v and "only livecaption.gui" in v for v in found)
    assert any("faster_whisper" in v and "only livecaption.whisper" in v for v in found)
    assert any("livecaption.gui.overlay" in v and "front end" in v for v in found)
    assert any("livecaption.cli.commands" in v and "front end" in v for v in found)
    assert violations("livecaption.gui.bad", {"PySide6.QtCore", "livecaption.cli.commands"}) == []
    assert violations("livecaption.whisper.bad", {"faster_whisper"}) == []


def graph() -> dict[str, set[str]]:
    """Each module of the package → the package's modules it imports (at the top, in functions or under
    TYPE_CHECKING alike); `livecaption.x.Name` counts as an import of livecaption.x."""
    known = dict(modules())
    names = {m.removesuffix(".__init__") for m in known}
    out: dict[str, set[str]] = {}
    for module, path in known.items():
        me = module.removesuffix(".__init__")
        deps = set()
        for name in imports(path, module):
            while name and name not in names:
                name = name.rpartition(".")[0]
            if name and name != me and name != "livecaption":
                deps.add(name)
        out[me] = deps
    return out


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The import circles: strongly connected groups of two or more modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_module_imports_one_that_imports_it_back():
    found = circles(graph())
    assert found == [], found  # the window's helpers type it with Protocols (gui/host.py), never import it
    # the engine, its pumps, the settle thread and speaker naming: the engine runs them, none imports it
    assert not any("livecaption.streaming.engine" in c for c in found)


def test_the_circle_check_sees_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


# Private names of third-party libraries the package relies on (pinned in pyproject.toml, with why).
THIRD_PARTY_PRIVATE = {"sd._terminate", "sd._initialize", "os._exit", "m._split_segments_by_timestamps"}


def private_reaches(source: str) -> list[str]:
    """`x._name` where x is not `self`, `cls` or `super()`: one object reaching into another's private state."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")):
            continue
        owner = node.value
        if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
            continue
        if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "super":
            continue
        found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_reaches_into_another_objects_private_attributes():
    found = [f"{module}:{hit}" for module, path in modules()
             for hit in private_reaches(path.read_text(encoding="utf-8"))
             if hit.split(": ", 1)[1] not in THIRD_PARTY_PRIVATE]  # fmt: skip
    assert not found, "\n".join(found)


def test_the_private_check_sees_a_reach():
    source = "def f(t):\n    t._span += 1\n    self._ok = super()._ok\n    return t.engine._lock, t.__class__\n"
    assert private_reaches(source) == ["2: t._span", "4: t.engine._lock"]


# The sample rate, the frame and window sizes and the types every layer shares: defined once, low in the package.
SHARED = {"SR": "livecaption.samples", "SAMPLE_RATE": "livecaption.samples", "VAD_FRAME": "livecaption.samples",
          "FRAME": "livecaption.samples", "HOP": "livecaption.samples", "WINDOW": "livecaption.samples",
          "Chunk": "livecaption.samples", "Label": "livecaption.captions"}  # fmt: skip
OWN = {("livecaption.speakers.encoder", "HOP")}  # the speaker model's own feature hop, a model constant as N_FFT is


def definitions(source: str) -> set[str]:
    """Names a module defines at its top: assigned constants and classes."""
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def test_shared_types_and_sizes_are_defined_once_below_their_users():
    twice = [f"{module} defines {name} (it is {SHARED[name]}'s)"
             for module, path in modules() for name in definitions(path.read_text(encoding="utf-8")) & SHARED.keys()
             if module != SHARED[name] and (module, name) not in OWN]  # fmt: skip
    assert not twice, "\n".join(twice)
    rate = [module for module, path in modules() if module != "livecaption.samples"
            and any(isinstance(n, ast.Constant) and n.value == 16000 for n in ast.walk(ast.parse(path.read_text())))]  # fmt: skip
    assert not rate, f"16000 written out instead of samples.SR: {rate}"
    for module in ("livecaption.samples", "livecaption.captions"):  # low: they import nothing of the package
        assert not any(n.startswith("livecaption") for n in imports(PACKAGE.parent / f"{module.replace('.', '/')}.py", module))


def test_the_once_check_sees_a_second_definition():
    assert definitions("SR = 16000\nclass Chunk:\n    x = 1\nW: int = 3\ndef f():\n    HOP = 1\n") == {"SR", "Chunk", "W"}

"""Rules that keep the suite honest, checked on the tests' own source.

* a test skips only through conftest.need(), which fails in CI: no pytest.skip, importorskip or
  skip marks elsewhere, so a broken install can never pass as a quiet skip;
* a session or engine waited on with a timeout has its result checked: an ignored `wait(300)`
  lets a hung engine pass a test that then finds no captions.
"""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
WAITED = {"engine", "eng", "session", "e"}


def skips(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("skip", "importorskip", "skipif", "xfail"):
            lines.append(node.lineno)
    return lines


def ignored_waits(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            f = node.value.func
            if isinstance(f, ast.Attribute) and f.attr == "wait" and isinstance(f.value, ast.Name) and f.value.id in WAITED:
                lines.append(node.lineno)
    return lines


def test_every_skip_goes_through_need():
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        allowed = set()
        if path.name == "conftest.py":  # need() itself is the one skip
            need = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "need")
            allowed = set(range(need.lineno, need.end_lineno + 1))
        found += [f"{path.relative_to(TESTS)}:{n}" for n in skips(tree) if n not in allowed]
    assert not found, found


def test_no_wait_result_is_ignored():
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        found += [f"{path.relative_to(TESTS)}:{n}" for n in ignored_waits(ast.parse(path.read_text(encoding="utf-8")))]
    assert not found, found


def test_the_rules_see_what_they_forbid():
    bad = ast.parse(
        "import pytest\nwebdriver = pytest.importorskip('selenium')\n"
        "@pytest.mark.skipif(True, reason='')\ndef test_x(engine):\n    pytest.skip('x')\n    engine.wait(300)\n"
    )
    assert sorted(skips(bad)) == [2, 3, 5]
    assert ignored_waits(bad) == [6]
    assert ignored_waits(ast.parse("assert engine.wait(300)\nok = session.wait(1)\n")) == []

"""Rules that keep the suite honest, checked on the tests' own source.

* a test skips only through conftest.need(), which fails in CI: no pytest.skip, importorskip or
  skip marks elsewhere, so a broken install can never pass as a quiet skip;
* a session or engine waited on with a timeout has its result checked: an ignored `wait(300)`
  lets a hung engine pass a test that then finds no captions (`engine.wait(...)`, and
  `session.engine.wait(...)`, `win.engine.wait(...)`: any attribute chain ending in one of the names);
* a test body has no `return` of its own (one inside a nested function is that function's): an early
  return passes silently, where need() says why it skips and an assertion why it may stop.
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
            if isinstance(f, ast.Attribute) and f.attr == "wait" and _name(f.value) in WAITED:
                lines.append(node.lineno)
    return lines


def _name(node: ast.AST) -> str | None:
    """`engine` for `engine`, `session.engine` or `win.session.engine`; None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None


def early_returns(tree: ast.AST) -> list[int]:
    """Lines of `return` statements in test functions' own bodies (not in functions nested in them)."""
    lines = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Return):
                lines.append(child.lineno)
            elif not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                visit(child)

    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            visit(node)
    return sorted(lines)


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


def test_no_test_returns_early():
    found = []
    for path in sorted(TESTS.rglob("test_*.py")):
        found += [f"{path.relative_to(TESTS)}:{n}" for n in early_returns(ast.parse(path.read_text(encoding="utf-8")))]
    assert not found, found


def test_the_rules_see_what_they_forbid():
    bad = ast.parse(
        "import pytest\nwebdriver = pytest.importorskip('selenium')\n"
        "@pytest.mark.skipif(True, reason='')\ndef test_x(engine):\n    pytest.skip('x')\n    engine.wait(300)\n"
    )
    assert sorted(skips(bad)) == [2, 3, 5]
    assert ignored_waits(bad) == [6]
    assert ignored_waits(ast.parse("assert engine.wait(300)\nok = session.wait(1)\n")) == []
    chains = ast.parse("session.engine.wait(300)\nwin.engine.wait(5)\nwin.session.wait(9)\nassert win.engine.wait(1)\n")
    assert ignored_waits(chains) == [1, 2, 3]
    assert ignored_waits(ast.parse("done.wait(1)\nwin.bridge.finished.wait(1)\n")) == []  # events, not sessions
    returns = ast.parse(
        "def test_a(x):\n    if x:\n        return\n    def helper():\n        return 1\n"
        "    f = lambda: 2\n    for _ in x:\n        return None\n\n"
        "def helper_b():\n    return 3\n\nclass TestC:\n    def test_d(self):\n        while True:\n            return\n"
    )
    assert early_returns(returns) == [3, 8, 16]

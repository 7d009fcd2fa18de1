"""Run by Debian's python3 (pyatspi is a system package): what a screen reader sees of livecaption.

    python3 atspi_probe.py tree            -> JSON: every showing node of the app's windows
    python3 atspi_probe.py wait TEXT SECS  -> JSON: the first transcript cell containing TEXT, and the
                                              announcements heard meanwhile
    python3 atspi_probe.py focus ROLE NAME -> the keyboard focus moved to that control
    python3 atspi_probe.py focus-events SECS -> JSON: each control that got the focus meanwhile
"""

import json
import sys
import time

import pyatspi
from gi.repository import GLib

APP = "livecaption"


def find_app(timeout: float = 30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        desktop = pyatspi.Registry.getDesktop(0)
        for app in desktop:
            if app is not None and app.name == APP and app.childCount:
                return app
        time.sleep(0.2)
    raise SystemExit(f"no accessible application named {APP}")


def node(acc) -> dict:
    states = acc.getState()
    labelled_by = []
    for rel in acc.getRelationSet():
        if rel.getRelationType() == pyatspi.RELATION_LABELLED_BY:
            labelled_by += [rel.getTarget(i).name for i in range(rel.getNTargets())]
    return {
        "role": acc.getRoleName(),
        "name": acc.name,
        "description": acc.description,
        "labelled_by": labelled_by,
        "showing": states.contains(pyatspi.STATE_SHOWING),
        "focusable": states.contains(pyatspi.STATE_FOCUSABLE),
        "enabled": states.contains(pyatspi.STATE_ENABLED),
        "focused": states.contains(pyatspi.STATE_FOCUSED),
        "active": states.contains(pyatspi.STATE_ACTIVE),
    }


def walk(acc, out: list, path: str = "", depth: int = 0) -> None:
    n = node(acc)
    n["path"] = path + "/" + n["role"]
    out.append(n)
    if depth > 25 or n["role"] in ("menu", "list", "table cell") or acc.childCount > 500:
        return  # closed menus and combo lists are listed but not walked
    for child in acc:
        if child is not None:
            walk(child, out, n["path"], depth + 1)


def tree() -> None:
    app = find_app()
    out: list = []
    walk(app, out)
    print(json.dumps(out))


def wait(text: str, seconds: float) -> None:
    app = find_app()
    heard: list[str] = []
    found: dict = {}

    def on_announcement(event) -> None:
        heard.append(str(event.any_data))

    pyatspi.Registry.registerEventListener(on_announcement, "object:announcement")
    # As a screen reader does: it hears of changed names (libatspi then refreshes its cache).
    pyatspi.Registry.registerEventListener(lambda _e: None, "object:property-change:accessible-name")

    def poll() -> bool:
        cells: list = []
        try:
            walk_cells(app, cells)
        except Exception as exc:  # a node that went away while walked: look again next time
            print(f"walk: {exc!r}", file=sys.stderr)
        print(len(cells), [c["name"][:30] for c in cells], file=sys.stderr)
        for c in cells:
            if text.lower() in c["name"].lower():
                found.update(c)
        # A partial's cell may have the words before the final that is announced.
        if (found and any(text.lower() in a.lower() for a in heard)) or time.monotonic() > end:
            pyatspi.Registry.stop()
            return False
        return True

    end = time.monotonic() + seconds
    GLib.timeout_add(500, poll)
    pyatspi.Registry.start()
    print(json.dumps({"cell": found, "announced": heard}))


def walk_cells(acc, out: list, depth: int = 0) -> None:
    for child in acc:
        if child is None:
            continue
        role = child.getRoleName()
        if role == "table cell":
            out.append(node(child))
        elif depth < 25 and role not in ("menu", "list", "menu bar"):
            walk_cells(child, out, depth + 1)


def focus_events(seconds: float) -> None:
    """What gets the keyboard focus over the next SECS, as a screen reader hears it (an editor opened
    in a table is not among the table's children: the reader is told it has the focus)."""
    find_app()
    seen: list = []

    def on_focus(event) -> None:
        if event.detail1:
            seen.append(node(event.source))

    pyatspi.Registry.registerEventListener(on_focus, "object:state-changed:focused")
    print("listening", file=sys.stderr, flush=True)
    GLib.timeout_add(int(seconds * 1000), lambda: pyatspi.Registry.stop() and False)
    pyatspi.Registry.start()
    print(json.dumps(seen))


def focus(role: str, name: str) -> None:
    """Move the keyboard focus to a control, as a screen reader's "focus this" does."""
    found: list = []
    find(find_app(), role, name, found)
    assert found, f"no {role} named {name}"
    found[0].queryComponent().grabFocus()
    print(json.dumps({"focused": name}))


def find(acc, role: str, name: str, out: list, depth: int = 0) -> None:
    for child in acc:
        if child is None:
            continue
        if child.getRoleName() == role and child.name == name:
            out.append(child)
        elif depth < 25 and child.getRoleName() not in ("menu", "list", "menu bar", "table"):
            find(child, role, name, out, depth + 1)


if __name__ == "__main__":
    if sys.argv[1] == "tree":
        tree()
    elif sys.argv[1] == "focus-events":
        focus_events(float(sys.argv[2]))
    elif sys.argv[1] == "focus":
        focus(sys.argv[2], sys.argv[3])
    else:
        wait(sys.argv[2], float(sys.argv[3]))

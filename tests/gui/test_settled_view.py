"""Settled text in the app: it replaces the live rows in place, the reader keeps their place,
selection and find, unsettled rows are marked quietly, and nobody is told a row again."""

import json
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

import livecaption.gui.transcript as transcript_module
from livecaption.captions import Caption
from livecaption.gui import a11y
from livecaption.gui.main_window import MainWindow
from livecaption.gui.status import StatusArea
from livecaption.gui.transcript_model import PENDING_TIP
from livecaption.streaming.events import EngineStatus

LONG = "Settled words of a longer caption that wraps onto more lines than the live one did, " * 2


def make_window(qtbot) -> MainWindow:
    win = MainWindow()
    win.automation = True
    qtbot.addWidget(win)
    win.resize(700, 420)
    win.show()
    return win


class ScreenReader:
    """Stands in for Qt's accessibility bridge in the view: records the rows it would re-tell."""

    Role = SimpleNamespace(Cell="cell")
    Event = SimpleNamespace(NameChanged="name changed")

    def __init__(self) -> None:
        self.told: list[int] = []

    def isActive(self) -> bool:
        return True

    def queryAccessibleInterface(self, _view):
        return SimpleNamespace(child=lambda k: SimpleNamespace(role=lambda: "cell", row=(k - 3) // 2))

    def updateAccessibility(self, event) -> None:
        self.told.append(event[0].row)


def test_settled_rows_replace_live_ones_and_the_reader_keeps_their_place(qtbot, monkeypatch, tmp_path):
    win = make_window(qtbot)
    reader = ScreenReader()
    monkeypatch.setattr(transcript_module, "QAccessible", reader)
    monkeypatch.setattr(transcript_module, "QAccessibleEvent", lambda cell, kind: (cell, kind))
    announced, overlaid = [], []
    monkeypatch.setattr(a11y, "announce", lambda _w, text: announced.append(text))
    monkeypatch.setattr(win.overlay, "show_caption", lambda c: overlaid.append(c.text))
    win.model.begin({""})  # a session whose one input a settle pass reads
    for i in range(1, 81):
        win.on_caption(Caption(2 * i, 2 * i + 1.5, f"Live caption {i}, as first heard.", id=i))
    assert len(announced) == len(overlaid) == 80 and win.view.following
    view, model = win.view, win.model
    assert all(model.is_pending(c) for c in model.captions)
    assert PENDING_TIP in model.data(model.index(19), Qt.ItemDataRole.ToolTipRole)

    # The reader scrolls back to caption 41, finds caption 50 and selects 45 and 46 too.
    view.verticalScrollBar().setValue(view.verticalHeader().sectionPosition(40) + 7)
    assert not view.following
    win.find_bar.edit.setText("caption 50,")
    assert win.find_bar.find_next(1)
    for row in (44, 45):
        view.selectionModel().select(model.index(row), QItemSelectionModel.SelectionFlag.Select)
    top_row = view.rowAt(0)
    top_id, top_y = model.captions[top_row].id, view.rowViewportPosition(top_row)
    scroll = view.verticalScrollBar().value()
    reader.told.clear()

    # Settled text arrives for captions 3-8 (one longer row), 10 (nothing was said) and a stretch the live path missed.
    win.on_caption(Caption(6, 17.5, LONG, id=1001, settled=True, replaces=(3, 4, 5, 6, 7, 8)))
    win.on_caption(Caption(20, 21.5, "", id=1002, settled=True, replaces=(10,)))
    win.on_caption(Caption(23.7, 23.9, "Words only the settle pass heard.", id=1003, settled=True))
    texts = [c.text for c in model.captions]
    assert len(texts) == 80 - 6 + 1 - 1 + 1
    assert texts[:4] == ["Live caption 1, as first heard.", "Live caption 2, as first heard.", LONG,
                         "Live caption 9, as first heard."]  # fmt: skip
    assert "Live caption 10, as first heard." not in texts
    assert texts.index("Words only the settle pass heard.") == texts.index("Live caption 11, as first heard.") + 1
    # the reader's place, selection and find stayed with their captions, though rows above them went
    row = model.row_of(top_id)
    assert view.rowViewportPosition(row) == top_y and view.verticalScrollBar().value() != scroll
    assert not view.following
    selected = sorted(model.captions[i.row()].id for i in view.selectionModel().selectedRows())
    assert selected == [45, 46, 50]
    assert model.captions[view.currentIndex().row()].id == 50
    # nobody is told again: no announcement, no overlay line, no row re-read
    assert len(announced) == len(overlaid) == 80 and reader.told == []
    win.on_caption(Caption(200, 201, "A new live partial", final=False, id=99))
    win.on_caption(Caption(200, 201.5, "A new live partial, now final.", id=99))
    assert reader.told and overlaid[-1] == "A new live partial, now final." and len(announced) == 81
    # settled rows are not marked; live rows not settled yet are, until the session ends
    assert not model.is_pending(model.captions[2]) and model.is_pending(model.captions[20])
    model.settling(None)
    assert not any(model.is_pending(c) for c in model.captions)
    # an export carries the settled text, and live text only where nothing is settled
    out = tmp_path / "t.json"
    assert win.export_to(str(out))
    said = [c["text"] for c in json.loads(out.read_text(encoding="utf-8"))["captions"]]
    assert said[:3] == ["Live caption 1, as first heard.", "Live caption 2, as first heard.", LONG]
    assert not any(s.startswith(("Live caption 3,", "Live caption 10,")) for s in said)
    win.model.clear()
    win.close()


def test_the_status_bar_says_how_far_behind_the_settled_transcript_is(qtbot):
    win = make_window(qtbot)
    area: StatusArea = win.status
    area.running("tiny.en on CPU")
    area.show_status(EngineStatus("listening", 95.0, 0.3, 0.2, 0.0, 0, "en", settle_behind=28.4))
    assert "settled 28 s behind" in area.perf_label.text()
    area.show_status(EngineStatus("settling", 95.0, 0.3, 0.2, 0.0, 0, "en", settle_behind=41.0))
    assert area.state_label.text() == "Settling the transcript: 41 s of audio to go"
    win.close()


@pytest.mark.model  # runs a session with the real model
def test_a_recording_in_the_app_ends_with_the_settled_transcript(speech, qtbot, tmp_path):
    win = make_window(qtbot)
    statuses: list[EngineStatus] = []
    win.bridge.status.connect(statuses.append)
    win.input_file, win.realtime = str(speech / "jfk.flac"), False
    with qtbot.waitSignal(win.bridge.finished, timeout=180_000):
        qtbot.mouseClick(win.toolbar.start_btn, Qt.MouseButton.LeftButton)
    finals = win.model.finals()
    assert finals and all(c.settled for c in finals)
    text = " ".join(c.text for c in finals).lower()
    assert "fellow americans" in text and "your country" in text
    assert not any(win.model.is_pending(c) for c in win.model.captions)
    assert any(s.state == "settling" for s in statuses) and all(s.settle_behind is not None for s in statuses)
    out = tmp_path / "jfk.json"
    assert win.export_to(str(out))
    assert [c["text"] for c in json.loads(out.read_text(encoding="utf-8"))["captions"]] == [c.text for c in finals]
    win.close()

"""The status bar: input level, what the app is doing, the model and device, live speed."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton

from livecaption.captions import hms
from livecaption.gui import a11y
from livecaption.streaming.engine import EngineStatus

NOTICE_MS = 20_000  # how long a notice stays in the status bar

STATE_TEXT = {
    "listening": "Listening",
    "speech": "Hearing speech",
    "transcribing": "Transcribing",
    "stopped": "Stopped",
    "settling": "Settling the transcript",
}


class ElidedLabel(QLabel):
    """A label that ends in "…" when the window is narrow, rather than cutting a letter in half."""

    def paintEvent(self, _e) -> None:
        p = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        p.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)

    def minimumSizeHint(self) -> QSize:
        return QSize(40, super().minimumSizeHint().height())


class StatusArea(QObject):
    """Widgets placed in the window's QStatusBar. A QObject of the GUI thread: signals from the
    engine's and the worker's threads connected to its slots are queued to the GUI thread."""

    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.bar = bar
        self.live = False  # a session is running: its status updates are shown
        self.level = QProgressBar()
        self.level.setRange(-60, 0)
        self.level.setValue(-60)
        self.level.setTextVisible(False)
        self.level.setFixedSize(110, 10)
        self.level.setToolTip("Input level")
        a11y.name(self.level, "Input level", "How loud the input is, in decibels")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setFixedSize(90, 10)
        a11y.name(self.progress, "Loading", "The model is loading or downloading")
        self.progress.hide()
        self.cancel_btn = QToolButton()
        self.cancel_btn.setText("Cancel")
        a11y.name(self.cancel_btn, "Cancel download", "Stops downloading the model")
        self.cancel_btn.hide()
        self.state_label = QLabel("Ready")
        self.engine_label = ElidedLabel("")
        self.perf_label = QLabel("")
        self.notice_label = ElidedLabel("")  # what the watchdog did, for a while
        a11y.name(self.notice_label, "Notice", "Something the app did on its own during the session")
        self.notice_label.hide()
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice_label.hide)
        bar.setStyleSheet("QStatusBar::item { border: none; }")
        for lab in (self.state_label, self.engine_label, self.perf_label):
            lab.setContentsMargins(8, 0, 8, 0)
        for w in (self.level, self.progress, self.cancel_btn, self.state_label):
            bar.addWidget(w)
        bar.addWidget(self.engine_label, 1)
        bar.addWidget(self.notice_label, 1)
        bar.addPermanentWidget(self.perf_label)

    @Slot(str)
    def loading(self, text: str) -> None:
        self.state_label.setText(text)
        self.progress.show()
        self.cancel_btn.setVisible(text.startswith("Downloading"))

    def running(self, description: str, audio_folder: str | None = None) -> None:
        self.progress.hide()
        self.cancel_btn.hide()
        self.state_label.setText("Listening")
        self.engine_label.setText(description)
        self.live = True
        kept = (
            f"\n\nThis session's audio is kept in {audio_folder}, for crash recovery and File → Improve transcript. "
            "Session → Settings → Audio turns it off."
            if audio_folder
            else ""
        )
        self.engine_label.setToolTip(description.replace(" · ", "\n") + kept)  # the whole of it, where it is cut

    def idle(self, text: str) -> None:
        self.live = False
        self.progress.hide()
        self.cancel_btn.hide()
        self.state_label.setText(text)
        self.level.setValue(-60)

    @Slot(str)
    def show_notice(self, text: str) -> None:
        self.notice_label.setText(text)
        self.notice_label.setToolTip(text)
        self.notice_label.show()
        self._notice_timer.start(NOTICE_MS)

    @Slot(float)
    def show_level(self, dbfs: float) -> None:
        self.level.setValue(int(max(-60, min(0, dbfs))))

    @Slot(object)
    def show_status(self, st: EngineStatus) -> None:
        if not self.live:
            return  # a late update after the session ended
        state = STATE_TEXT.get(st.state, st.state.title())
        if st.state == "settling" and st.settle_behind:  # stopping: the rest is read before the session ends
            state += f": {st.settle_behind:.0f} s of audio to go"
        self.state_label.setText(state)
        parts = [hms(st.position)]
        if st.language:
            parts.append(st.language)
        if st.latency is not None:
            parts.append(f"latency {st.latency:.1f} s")
        parts.append(f"RTF {st.rtf:.2f}")
        if st.words_every is not None:  # a slow machine: words come less often, but do not fall behind
            parts.append(f"words every {st.words_every:.1f} s")
        if st.backlog > 5:
            parts.append(f"behind by {st.backlog:.0f} s")
        if st.settle_behind is not None and st.state != "settling":
            parts.append(f"settled {st.settle_behind:.0f} s behind")
        if st.overflows:
            parts.append(f"{st.overflows} overflows")
        self.perf_label.setText(" · ".join(parts))

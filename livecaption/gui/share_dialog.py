"""Session → Share captions…: the caption page for other devices, its link and a QR code for it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtNetwork import QAbstractSocket, QNetworkInterface
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from livecaption.errors import LivecaptionError
from livecaption.gui import a11y
from livecaption.gui.bridge import EngineBridge
from livecaption.gui.host import Host

if TYPE_CHECKING:
    from livecaption.share.server import ShareServer

LOCAL = "127.0.0.1"


class ShareHost(Host, Protocol):
    """What sharing needs of the window: its transcript so far, and each caption as it comes."""

    bridge: EngineBridge


def addresses() -> list[tuple[str, str]]:
    """(label, address) to bind to: this computer only first (the default), then each network."""
    found = [("This computer only", LOCAL)]
    for addr in QNetworkInterface.allAddresses():
        if addr.protocol() == QAbstractSocket.NetworkLayerProtocol.IPv4Protocol and not addr.isLoopback():
            found.append((f"The network of {addr.toString()}", addr.toString()))
    found.append(("Every network of this computer", "0.0.0.0"))
    return found


def qr_pixmap(url: str, scale: int = 6) -> QPixmap:
    import io

    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=scale, border=3)
    pix = QPixmap()
    pix.loadFromData(buf.getvalue(), "PNG")
    return pix


class ShareDialog(QDialog):
    def __init__(self, win: ShareHost) -> None:
        super().__init__(win.window())
        self.win = win
        self.setWindowTitle("Share captions")
        self.setMinimumWidth(480)
        lay = QVBoxLayout(self)
        intro = QLabel(
            "Show the captions on a web page that phones, tablets and laptops on the same network can open, "
            "read-only. Only people with the link can see it."
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        self.address = QComboBox()
        for label, addr in addresses():
            self.address.addItem(f"{label} ({addr})", addr)
        a11y.name(self.address, "Share on", "Who can open the page: this computer only, or devices on a network")
        self.port = QSpinBox()
        self.port.setRange(1024, 65535)
        self.port.setValue(8765)
        a11y.name(self.port, "Port", "The port of the page's address")
        form.addRow("Share &on", self.address)
        form.addRow("&Port", self.port)
        lay.addLayout(form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        lay.addWidget(self.error)
        self.link = QLineEdit()
        self.link.setReadOnly(True)
        a11y.name(self.link, "Link", "The caption page's address, with its secret key")
        self.copy = QPushButton("&Copy link")
        a11y.name(self.copy, "Copy link", "Copies the caption page's address")
        self.copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.link.text()))
        row = QHBoxLayout()
        row.addWidget(self.link, 1)
        row.addWidget(self.copy)
        lay.addLayout(row)
        self.qr = QLabel()
        a11y.name(self.qr, "QR code of the link", "Scan it with a phone's camera to open the caption page")
        lay.addWidget(self.qr)
        self.viewers = QLabel()
        self.viewers.setWordWrap(True)
        lay.addWidget(self.viewers)
        self.toggle = QPushButton()
        self.toggle.clicked.connect(self.start_or_stop)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.toggle)
        buttons.addWidget(close)
        lay.addLayout(buttons)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(1000)
        self.shown_on: bool | None = None
        self.refresh()

    @property
    def server(self) -> ShareServer | None:
        return self.win.share_server

    def start_or_stop(self) -> None:
        if self.server is not None:
            stop_sharing(self.win)
        else:
            try:
                start_sharing(self.win, self.address.currentData(), self.port.value())
                self.error.hide()
            except LivecaptionError as exc:
                self.error.setText(str(exc))
                self.error.show()
        self.refresh()

    def refresh(self) -> None:
        server = self.server
        on = server is not None
        if on != self.shown_on:  # the layout changes only when sharing starts or stops
            self.shown_on = on
            self.toggle.setText("&Stop sharing" if on else "&Start sharing")
            a11y.name(self.toggle, self.toggle.text().replace("&", ""), "Starts or stops the caption page")
            for choice in (self.address, self.port):
                choice.setEnabled(not on)
            for shown in (self.link, self.copy, self.qr, self.viewers):
                shown.setVisible(on)
            QTimer.singleShot(0, self.adjustSize)
        if server is not None:
            if self.link.text() != server.url:
                self.link.setText(server.url)
                self.link.setCursorPosition(0)
                self.qr.setPixmap(qr_pixmap(server.url))
            n = server.viewer_count()
            text = f"{n} viewer{'s' if n != 1 else ''} now"
            if server.host == LOCAL:
                text += ". Only this computer can open the page: to reach phones and tablets, stop, pick a network and start again."
            self.viewers.setText(text)


def start_sharing(win: ShareHost, host: str, port: int) -> ShareServer:
    from livecaption.share.server import ShareServer

    server = ShareServer(host, port)
    server.start()
    for caption in win.model.finals():  # the page starts with what the window has
        server.publish(caption)
    win.bridge.caption.connect(server.publish)
    app = QApplication.instance()
    assert app is not None  # the window is a widget: the application exists
    app.aboutToQuit.connect(server.stop)
    win.share_server = server
    win.statusBar().showMessage(f"Sharing captions at {server.url}", 8000)
    return server


def stop_sharing(win: ShareHost) -> None:
    server = win.share_server
    if server is None:
        return
    win.bridge.caption.disconnect(server.publish)
    server.stop()
    win.share_server = None
    win.statusBar().showMessage("Stopped sharing captions", 5000)

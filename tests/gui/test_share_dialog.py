"""Session → Share captions… in the app: the link, its QR code, and the window's captions on the page."""

import socket

from sse_client import Stream

from livecaption.captions import Caption
from livecaption.gui.main_window import MainWindow
from livecaption.gui.share_dialog import ShareDialog, addresses, qr_pixmap


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_sharing_from_the_app(qtbot):
    win = MainWindow()
    win.automation = True
    qtbot.addWidget(win)
    win.show()
    win.on_caption(Caption(0, 1, "Before sharing began.", id=1))
    dlg = ShareDialog(win)
    qtbot.addWidget(dlg)
    assert addresses()[0][1] == "127.0.0.1" and dlg.address.currentData() == "127.0.0.1"  # this computer by default
    assert dlg.link.isHidden() and dlg.toggle.text() == "&Start sharing"
    dlg.port.setValue(free_port())
    dlg.toggle.click()
    server = win.share_server
    assert server is not None and dlg.link.text() == server.url and server.url.startswith("http://127.0.0.1:")
    assert not dlg.qr.pixmap().isNull()
    assert dlg.qr.pixmap().toImage() == qr_pixmap(server.url).toImage()
    stream = Stream(server.port, "k=" + server.token)
    win.bridge.caption.emit(Caption(1, 2, "Said while shared.", id=2))
    got = [d["text"] for _, d in stream.events(2)]
    assert got == ["Before sharing began.", "Said while shared."]
    qtbot.waitUntil(lambda: (dlg.refresh(), dlg.viewers.text())[1].startswith("1 viewer now."), timeout=5000)
    assert "Only this computer" in dlg.viewers.text()  # a 127.0.0.1 link does not reach a phone
    dlg.toggle.click()  # stop: the page's connection closes
    assert win.share_server is None and stream.ended()
    # A port in use: the dialog says so in a line and nothing is shared.
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        dlg.port.setValue(busy.getsockname()[1])
        dlg.toggle.click()
    assert win.share_server is None and "in use" in dlg.error.text() and not dlg.error.isHidden()
    dlg.close()
    win.close()

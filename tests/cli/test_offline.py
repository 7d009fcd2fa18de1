"""No network by default: a whole session with the bundled model opens no socket."""

import socket

import pytest

pytestmark = pytest.mark.model  # loads the real Whisper model


def test_full_session_opens_no_socket(speech, monkeypatch, tmp_path):
    def refuse(*args, **kwargs):
        raise AssertionError("livecaption tried to open a network socket")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setenv("LIVECAPTION_SESSIONS", str(tmp_path / "sessions"))

    from livecaption import cli

    out = tmp_path / "out.srt"
    assert cli.main(["caption", "--input", str(speech / "jfk.flac"), "--format", "srt", "-o", str(out)]) == 0
    assert "country" in out.read_text().lower()
    assert cli.main(["models"]) == 0
    assert cli.main(["export", "latest", "--format", "txt", "-o", str(tmp_path / "again.txt")]) == 0

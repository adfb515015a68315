# Sourced by .ci/run and .ci/app: installs what a fresh Debian/Ubuntu machine lacks, and nothing twice.
#   - the Debian packages Qt needs, and for "test" also desktop-file-utils and appstream (as root,
#     or through sudo without a password; otherwise it prints the command to run), and python3-venv
#     when Python cannot make a virtualenv; for "test" also Debian's postgresql, whose server programs
#     tests/pg runs as a throwaway cluster (without it those tests skip, and fail on CI);
#   - a virtualenv in .venv with Annotator installed editable (plus the test and lint tools for "test").
# Usage: source .ci/setup.sh app|test|build (build: packaging/build.sh, PyInstaller)
set -euo pipefail

ANNOTATOR_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ANNOTATOR_ROOT"
purpose="${1:-test}"

# Offscreen Qt (tests) needs the first list; a real X11 window (the app) also the second.
QT_DEBS=(libegl1 libgl1 libglib2.0-0 libfontconfig1 libxkbcommon0 libdbus-1-3 libx11-6 fonts-dejavu-core)
X11_DEBS=(libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
          libxcb-render-util0 libxcb-shape0 libxcb-xkb1)
# The tests also run the validators of the .desktop entry and the AppStream metainfo (resources/desktop).
DESKTOP_DEBS=(desktop-file-utils appstream)
# tests/pg starts a throwaway PostgreSQL cluster (initdb, pg_ctl of /usr/lib/postgresql/<major>/bin,
# run as the package's postgres user; tests/pg/cluster.py). About 25 MB of packages.
PG_DEBS=(postgresql)

say() { echo "[setup] $*" >&2; }

apt_install() {  # apt_install PKG...: installs those not installed yet
    command -v dpkg-query >/dev/null 2>&1 || { say "not a Debian-like system: install Qt's libraries yourself"; return 0; }
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo=(sudo -n)
        else
            say "missing Debian packages: ${missing[*]}"
            say "install them with: sudo apt-get install ${missing[*]}"
            return 0
        fi
    fi
    say "installing Debian packages: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

find_python() {  # the first Python >= 3.11 on PATH
    for candidate in python3 python3.13 python3.12 python3.11; do
        if command -v "$candidate" >/dev/null 2>&1 &&
           "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

# A build bundles the X11 libraries it finds (so they must be there), strips with binutils and links
# the slim ICU data library with gcc (packaging/slim_icu.py; the tests of it too).
case "$purpose" in
    app) apt_install "${QT_DEBS[@]}" "${X11_DEBS[@]}" ;;
    build) apt_install "${QT_DEBS[@]}" "${X11_DEBS[@]}" binutils gcc ;;
    *) apt_install "${QT_DEBS[@]}" "${DESKTOP_DEBS[@]}" "${PG_DEBS[@]}" binutils gcc ;;
esac

PYTHON="$(find_python)" || { say "Annotator needs Python 3.11 or newer (python3 --version says: $(python3 --version 2>&1))"; exit 1; }

if [ ! -x .venv/bin/python ]; then
    if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
        apt_install python3-venv
    fi
    say "creating .venv with $("$PYTHON" --version)"
    "$PYTHON" -m venv .venv
fi

extras=""
[ "$purpose" = test ] && extras="[test,lint]"
[ "$purpose" = build ] && extras="[build]"
stamp=".venv/.annotator-installed-${purpose}"
want="$(sha256sum < pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing Annotator$extras into .venv"
    .venv/bin/python -m pip install --disable-pip-version-check -q --upgrade pip
    .venv/bin/python -m pip install --disable-pip-version-check -q -e ".$extras"
    echo "$want" > "$stamp"
fi

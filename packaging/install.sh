#!/bin/sh
# Adds Annotator to the desktop's application menu for the current user (no root). It sits in the
# unpacked bundle folder next to the `annotator` executable; run it from anywhere. It installs
#   $XDG_DATA_HOME/applications/org.annotator.Annotator.desktop   (Exec: this folder's annotator)
#   $XDG_DATA_HOME/icons/hicolor/<n>x<n>/apps/org.annotator.Annotator.png, scalable/apps/....svg
#   $XDG_DATA_HOME/metainfo/org.annotator.Annotator.metainfo.xml
# ($XDG_DATA_HOME defaults to ~/.local/share), lists every file and folder it created in
# $XDG_DATA_HOME/annotator-desktop/installed.txt, and refreshes the menu and icon caches when
# update-desktop-database / gtk-update-icon-cache exist. Run it again after moving the folder.
# uninstall.sh removes exactly what it lists.
set -eu

APP_ID=org.annotator.Annotator
here=$(cd "$(dirname "$0")" && pwd -P)
data=${XDG_DATA_HOME:-$HOME/.local/share}
record=$data/annotator-desktop
manifest=$record/installed.txt

say() { echo "install.sh: $*" >&2; }

# The resources: in the bundle (PyInstaller keeps data files under _internal/), or in a source
# checkout (this script in packaging/, resources/ beside that).
res=
for candidate in "$here/_internal/annotator/resources" "$here/annotator/resources" "$here/../resources"; do
    if [ -f "$candidate/desktop/$APP_ID.desktop" ]; then res=$(cd "$candidate" && pwd -P); break; fi
done
[ -n "$res" ] || { say "cannot find Annotator's resources in $here (run the install.sh of the unpacked bundle folder)"; exit 1; }
exe=$here/annotator
[ -f "$exe" ] && [ -x "$exe" ] || { say "no annotator executable at $exe"; exit 1; }
# The Exec key quotes a path with a space or a ~; other special characters are refused rather than escaped.
case $exe in
    *[!A-Za-z0-9_./+,@~\ -]*) say "the folder's path has a special character; move the folder to a plain path (e.g. ~/Applications/annotator) and run install.sh again"; exit 1 ;;
    *[\ ~]*) exec_path="\"$exe\"" ;;
    *) exec_path=$exe ;;
esac

# An earlier install (of this folder or another) goes first, so nothing of it stays behind.
if [ -f "$manifest" ]; then sh "$here/uninstall.sh" --quiet; fi

new=$(mktemp "${TMPDIR:-/tmp}/annotator-install.XXXXXX")
trap 'rm -f "$new"' EXIT
mkdirs() {  # mkdirs DIR: create DIR and its missing parents, listing each one created
    set -- "$1" ""
    while [ ! -d "$1" ]; do set -- "$(dirname "$1")" "$1
$2"; done
    printf '%s\n' "$2" | while IFS= read -r dir; do
        [ -n "$dir" ] || continue
        mkdir "$dir" && echo "dir $dir" >> "$new"
    done
}
put() {  # put SOURCE TARGET: copy a file and list it
    mkdirs "$(dirname "$2")"
    [ -e "$2" ] || echo "file $2" >> "$new"
    cp "$1" "$2.tmp" && chmod 644 "$2.tmp" && mv -f "$2.tmp" "$2"
}

mkdirs "$record"
desktop=$new.desktop
sed -e "s|^Exec=annotator |Exec=$exec_path |" -e "s|^TryExec=.*|TryExec=$exe|" "$res/desktop/$APP_ID.desktop" > "$desktop"
put "$desktop" "$data/applications/$APP_ID.desktop"
rm -f "$desktop"
put "$res/desktop/$APP_ID.metainfo.xml" "$data/metainfo/$APP_ID.metainfo.xml"
for png in "$res"/icons/hicolor/*/apps/"$APP_ID".png; do
    size=$(basename "$(dirname "$(dirname "$png")")")
    put "$png" "$data/icons/hicolor/$size/apps/$APP_ID.png"
done
put "$res/icons/annotator.svg" "$data/icons/hicolor/scalable/apps/$APP_ID.svg"

if command -v update-desktop-database >/dev/null 2>&1; then
    [ -e "$data/applications/mimeinfo.cache" ] || echo "file $data/applications/mimeinfo.cache" >> "$new"
    update-desktop-database -q "$data/applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$data/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
fi
echo "file $manifest" >> "$new"
cp "$new" "$manifest"
say "Annotator is in your applications menu (it runs $exe); uninstall.sh takes it out"

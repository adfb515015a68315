#!/bin/sh
# Takes out what install.sh installed for the current user: exactly the files and folders listed in
# $XDG_DATA_HOME/annotator-desktop/installed.txt ($XDG_DATA_HOME defaults to ~/.local/share); a
# folder is removed only if it is empty. Then refreshes the menu and icon caches. Your projects,
# settings and the bundle folder itself are not touched.
set -eu

APP_ID=org.annotator.Annotator
data=${XDG_DATA_HOME:-$HOME/.local/share}
manifest=$data/annotator-desktop/installed.txt
quiet=no
[ "${1:-}" = --quiet ] && quiet=yes
say() { [ "$quiet" = yes ] || echo "uninstall.sh: $*" >&2; }

if [ ! -f "$manifest" ]; then
    say "nothing to take out (no $manifest)"
    exit 0
fi
listed=$(cat "$manifest")
inside() { case $1 in "$data"/*) return 0 ;; *) say "skipping $1 (outside $data)"; return 1 ;; esac; }
printf '%s\n' "$listed" | while read -r kind path; do
    if [ "$kind" = file ] && inside "$path"; then rm -f "$path"; fi
done
# Folders deepest first, and only when empty (install.sh lists the ones it created, which may include
# $XDG_DATA_HOME itself and its parents, e.g. ~/.local/share on a new account).
printf '%s\n' "$listed" | sed -n 's/^dir //p' | sort -r | while IFS= read -r dir; do
    case $data/ in "$dir"/*) rmdir "$dir" 2>/dev/null || true; continue ;; esac
    if inside "$dir"; then rmdir "$dir" 2>/dev/null || true; fi
done

if command -v update-desktop-database >/dev/null 2>&1 && ls "$data"/applications/*.desktop >/dev/null 2>&1; then
    update-desktop-database -q "$data/applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$data/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
fi
say "Annotator ($APP_ID) is out of your applications menu"

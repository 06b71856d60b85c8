#!/usr/bin/env bash
# The installed layout and the Debian package of a build (ctest: package_install, label package).
#   check-install.sh BUILD_DIR SOURCE_DIR VERSION CMAKE CPACK
# 1. `cmake --install BUILD_DIR` into a scratch prefix: the file list, desktop-file-validate,
#    appstreamcli validate --no-net, every option and command of each --help in its man page
#    (groff renders it without a warning), the bash completion, and --version of both programs
#    (version and git revision; the app without a display).
# 2. cpack -G DEB on the same build (the dev build: scripts/package makes the Release one): its
#    Depends come from dpkg-shlibdeps; unpacked with dpkg-deb -x, both programs print --version.
set -euo pipefail
build=$1 source=$2 version=$3 cmake=$4 cpack=$5
app_id=io.github.cachescope.CacheScope
scratch=$build/package-check
rm -rf "$scratch"
mkdir -p "$scratch"
root=$scratch/root

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $* [${SECONDS}s]"; }

for tool in desktop-file-validate appstreamcli groff dpkg-deb dpkg-shlibdeps file; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/deps.sh: CACHESCOPE_TEST_PACKAGES)"
done
revision=unknown
if git -C "$source" rev-parse --short HEAD >/dev/null 2>&1; then
  revision=$(git -C "$source" rev-parse --short HEAD)
fi

step "cmake --install into $root"
"$cmake" --install "$build" --prefix "$root" >/dev/null
expected=(
  bin/cachescope
  bin/cachescope-cli
  "share/applications/$app_id.desktop"
  share/bash-completion/completions/cachescope-cli
  "share/icons/hicolor/scalable/apps/$app_id.svg"
  share/man/man1/cachescope-cli.1
  share/man/man1/cachescope.1
  "share/metainfo/$app_id.metainfo.xml"
)
sizes=(16 22 24 32 48 64 128 256)
for s in "${sizes[@]}"; do
  expected+=("share/icons/hicolor/${s}x${s}/apps/$app_id.png")
done
diff <(printf '%s\n' "${expected[@]}" | sort) <(cd "$root" && find . -type f -printf '%P\n' | sort) \
  || fail "installed files differ from the expected list (< expected, > installed)"
for p in cachescope cachescope-cli; do
  [ -x "$root/bin/$p" ] || fail "bin/$p is not executable"
  ! readelf -d "$root/bin/$p" | grep -E 'R(UN)?PATH' || fail "bin/$p has an RPATH/RUNPATH"
done
for s in "${sizes[@]}"; do
  file "$root/share/icons/hicolor/${s}x${s}/apps/$app_id.png" | grep -q "PNG image data, $s x $s," \
    || fail "the ${s}x${s} icon is not a $s x $s PNG"
done

step "desktop-file-validate, appstreamcli validate --no-net"
desktop="$root/share/applications/$app_id.desktop"
desktop-file-validate "$desktop" || fail "desktop-file-validate"
grep -qx 'Exec=cachescope' "$desktop" || fail "the desktop entry does not run cachescope"
grep -qx "Icon=$app_id" "$desktop" || fail "the desktop entry's Icon is not $app_id"
grep -qE '^Categories=(.*;)?Development;' "$desktop" || fail "the desktop entry is not in Development"
metainfo="$root/share/metainfo/$app_id.metainfo.xml"
appstreamcli validate --no-net "$metainfo" || fail "appstreamcli validate"
grep -q "<id>$app_id</id>" "$metainfo" || fail "metainfo <id> is not $app_id"
grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo" \
  || fail "metainfo <launchable> is not $app_id.desktop"
grep -q "<release version=\"$version\"" "$metainfo" || fail "metainfo has no release $version"

step "man pages against --help"
# The page as text: one line per paragraph (no filling, no hyphenation), so an option is never split.
render() { groff -man -Tascii -rLL=4000n -rHY=0 -P-cbou "$1"; }
options_of() { grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u; }
contains_option() { grep -qE -- "$2([^a-z0-9-]|\$)" <<<"$1"; }
for p in cachescope cachescope-cli; do
  page=$root/share/man/man1/$p.1
  warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1) || fail "groff failed on $p.1"
  [ -z "$warnings" ] || fail "groff warns on $p.1: $warnings"
  text=$(render "$page")
  help=$(QT_QPA_PLATFORM=offscreen "$root/bin/$p" --help)
  grep -q '^NAME' <<<"$text" || fail "$p.1 has no NAME section"
  for o in $(options_of <<<"$help"); do
    contains_option "$text" "$o" || fail "$p.1 lacks $o of '$p --help'"
  done
  # The first line of each paragraph of --help (the description) is in the page.
  [ "$p" = cachescope-cli ] || continue
  commands=$(awk '/^Commands:$/ { on = 1; next } /^$/ { on = 0 } on && /^  [a-z]/ { print $1 }' <<<"$help")
  [ -n "$commands" ] || fail "cachescope-cli --help lists no commands"
  for c in $commands; do
    grep -qE "^   $c\$" <<<"$text" || fail "$p.1 has no section for the command $c"
    grep -qE "^       $c( |\$)" <<<"$text" || fail "$p.1 does not list the command $c"
    for o in $(QT_QPA_PLATFORM=offscreen "$root/bin/$p" "$c" --help | options_of); do
      contains_option "$text" "$o" || fail "$p.1 lacks $o of '$p $c --help'"
    done
  done
done

step "bash completion"
completion=$root/share/bash-completion/completions/cachescope-cli
bash -n "$completion" || fail "bash -n $completion"
# complete WORD...: what the completion offers for the last word (COMP_WORDS as bash sets them).
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _cachescope_cli; printf "%s\n" "${COMPREPLY[@]}"' \
    complete "$completion" "$root/bin/cachescope-cli" "$@"
}
# offers CHOICE WORD...: the completion of WORD... offers CHOICE (whole output captured first: a
# grep -q in a pipe would stop the writer early and fail the pipe under pipefail).
offers() {
  local choice=$1 offered
  shift
  offered=$(complete_words "$@")
  grep -qx -- "$choice" <<<"$offered" || fail "cachescope-cli $* <TAB> offers none of '$choice': $offered"
}
commands_offered=$(complete_words ru | sort | tr '\n' ' ')
[ "$commands_offered" = "run runs " ] || fail "cachescope-cli ru<TAB> offers '$commands_offered', not 'run runs'"
for c in $(QT_QPA_PLATFORM=offscreen "$root/bin/cachescope-cli" --help | awk '/^Commands:$/ { on = 1; next } /^$/ { on = 0 } on && /^  [a-z]/ { print $1 }'); do
  offers "$c" ''
done
offers --trace simulate --tr
offers --capture-limit monitor --capture-
offers wtinylfu simulate --policy ''
offers json run --output ''
offers compare runs ''
(cd "$root/share/man/man1" && offers cachescope-cli.1 simulate --trace cachescope-c)

# expect_version PROGRAM_PATH NAME: its --version, without a display, is "NAME VERSION (git REV)".
expect_version() {
  local out
  out=$(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$1" --version 2>&1) \
    || fail "$1 --version failed: $out"
  [ "$out" = "$2 $version (git $revision)" ] \
    || fail "$1 --version printed '$out', not '$2 $version (git $revision)'"
}
step "--version of the installed programs"
expect_version "$root/bin/cachescope-cli" cachescope-cli
expect_version "$root/bin/cachescope" cachescope

step "cpack -G DEB"
"$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/deb" >"$scratch/cpack.log" 2>&1 \
  || { cat "$scratch/cpack.log" >&2; fail "cpack"; }
debs=("$scratch"/deb/cachescope_*.deb)
[ ${#debs[@]} = 1 ] && [ -f "${debs[0]}" ] || fail "cpack made no cachescope_*.deb: ${debs[*]}"
deb=${debs[0]}
info=$(dpkg-deb -I "$deb")
grep -qx ' Package: cachescope' <<<"$info" || fail "the package is not named cachescope"
grep -qx " Version: $version" <<<"$info" || fail "the package's version is not $version"
grep -qx ' Section: devel' <<<"$info" || fail "the package's section is not devel"
depends=$(grep '^ Depends:' <<<"$info") || fail "the package has no Depends"
for lib in libqt6core6 libqt6widgets6 libqt6charts6 libqt6sql6 libhiredis libpq5 libc6 libqt6sql6-sqlite qt6-qpa-plugins; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib (dpkg-shlibdeps): $depends"
done
dpkg-deb -x "$deb" "$scratch/unpacked"
expect_version "$scratch/unpacked/usr/bin/cachescope-cli" cachescope-cli
expect_version "$scratch/unpacked/usr/bin/cachescope" cachescope
[ -f "$scratch/unpacked/usr/share/applications/$app_id.desktop" ] || fail "the package has no desktop entry"
echo "package: $(basename "$deb"), $(du -h "$deb" | cut -f1); $depends"
rm -rf "$scratch"
step "passed"

#!/bin/sh
# make-manpage.sh PROGRAM TEMPLATE OUTPUT VERSION [--commands]
# Writes the man page OUTPUT from TEMPLATE (hand-written sections around a line "@HELP@") and
# PROGRAM's --help, through help2man.awk; with --commands also each command's --help (the
# commands listed under "Commands:"), as "COMMAND OPTIONS". Run by packaging/CMakeLists.txt after
# each link of PROGRAM, so the page cannot fall behind --help.
set -eu
program=$1 template=$2 output=$3 version=$4 commands=${5:-}
awkfile=$(dirname "$0")/help2man.awk
tmp=$output.tmp
# The app prints --help without a display; offscreen in case a platform plugin is ever loaded.
export QT_QPA_PLATFORM=offscreen LC_ALL=C.UTF-8

"$program" --help >"$tmp.top"
[ -s "$tmp.top" ] || { echo "make-manpage.sh: $program --help printed nothing" >&2; exit 1; }
awk -v mode=top -f "$awkfile" "$tmp.top" >"$tmp.help"
if [ "$commands" = --commands ]; then
  echo '.SH "COMMAND OPTIONS"' >>"$tmp.help"
  for c in $(awk '/^Commands:$/ { on = 1; next } /^$/ { on = 0 } on && /^  [a-z]/ { print $1 }' "$tmp.top"); do
    "$program" "$c" --help >"$tmp.command"
    [ -s "$tmp.command" ] || { echo "make-manpage.sh: $program $c --help printed nothing" >&2; exit 1; }
    awk -v mode=sub -v command="$c" -f "$awkfile" "$tmp.command" >>"$tmp.help"
  done
fi
sed -e "s/@VERSION@/$version/g" -e "/^@HELP@\$/{
r $tmp.help
d
}" "$template" >"$tmp"
rm -f "$tmp.top" "$tmp.command" "$tmp.help"
mv "$tmp" "$output"

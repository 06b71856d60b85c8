# Turns a --help text (QCommandLineParser's layout, or cachescope-cli's own usage) into man(7)
# markup, so each man page says exactly what --help says (make-manpage.sh runs it at build time).
#   awk -v mode=top -f help2man.awk   the program's own --help: its paragraphs, then each
#                                     "Heading:" list (Commands, Options) as a .SH section
#   awk -v mode=sub -v command=NAME   `PROGRAM NAME --help`: a .SS section with the usage line,
#                                     the paragraphs and the options
# The "Usage:" line is left out in top mode: the page's SYNOPSIS says it.
function esc(s) {
    gsub(/\\/, "\\e", s)
    gsub(/-/, "\\-", s)
    return s
}
function lead(s) {
    return s ~ /^[.']/ ? "\\&" s : s
}
# "-h, --help" or "--trace <FILE>" or "simulate": bold names, italic values.
function term(spec,    n, parts, i, out, name, value) {
    n = split(spec, parts, /, /)
    out = ""
    for (i = 1; i <= n; i++) {
        name = parts[i]
        value = ""
        if (match(name, / <[^>]*>$/)) {
            value = substr(name, RSTART + 2, RLENGTH - 3)
            name = substr(name, 1, RSTART - 1)
        }
        out = out (i > 1 ? ", " : "") "\\fB" esc(name) "\\fR"
        if (value != "")
            out = out " \\fI" esc(value) "\\fR"
    }
    return out
}
function flushItem() {
    if (itemTerm != "") {
        print ".TP"
        print lead(itemTerm)
        if (itemText != "")
            print lead(esc(itemText))
    }
    itemTerm = ""
    itemText = ""
}
function flushParagraph() {
    if (paragraph != "") {
        print ".PP"
        print lead(esc(paragraph))
    }
    paragraph = ""
}
BEGIN {
    inList = 0
    if (mode == "sub")
        print ".SS \"" esc(command) "\""
}
/^Usage: / {
    if (mode == "sub") {
        print ".PP"
        print lead(esc(substr($0, 8)))
    }
    next
}
/^[A-Z][A-Za-z ]*:$/ {
    flushItem()
    flushParagraph()
    inList = 1
    heading = substr($0, 1, length($0) - 1)
    if (mode == "top")
        print ".SH " toupper(heading)
    else if (heading != "Options")
        print ".PP\n\\fI" esc(heading) ":\\fR"
    next
}
/^[ \t]*$/ {
    flushItem()
    flushParagraph()
    inList = 0
    next
}
inList && /^  [^ ]/ {
    flushItem()
    line = substr($0, 3)
    if (match(line, /  +/)) {
        itemText = substr(line, RSTART + RLENGTH)
        itemTerm = term(substr(line, 1, RSTART - 1))
    } else {
        itemTerm = term(line)
    }
    next
}
inList && /^   +[^ ]/ {
    line = $0
    sub(/^ +/, "", line)
    itemText = itemText (itemText == "" ? "" : " ") line
    next
}
{
    flushItem()
    paragraph = paragraph (paragraph == "" ? "" : " ") $0
}
END {
    flushItem()
    flushParagraph()
}

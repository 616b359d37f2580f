#!/usr/bin/env bash
# tests/runner/commands_agree.sh SOURCE_DIR MAPSCOPE: the commands of
# mapscope are listed alike in the dispatch table (runner/cli/main.c,
# aSubcommand), the usage text (`mapscope --help`), the man page
# (docs/mapscope.1, SYNOPSIS and COMMANDS) and the bash completion
# (contrib/bash-completion/mapscope). A command added to one and not the
# others fails here, naming where it is missing.
set -u
src=$1
mapscope=$2
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# The dispatch table: `{ "run",     cmd_run },` lines.
sed -n 's/^ *{ *"\([a-z]*\)", *cmd_[a-z_]* *},.*/\1/p' "$src/runner/cli/main.c" | sort -u >table.txt
[ "$(wc -l <table.txt)" -ge 8 ] && pass=$((pass+1)) \
  || { echo "not ok: could not read the command table of main.c"; sed 's/^/  | /' table.txt; nfail=$((nfail+1)); }
# help and version are handled by main() itself, outside the table.
printf '%s\n' help version >>table.txt
sort -u -o table.txt table.txt

# The usage text: a command starts a line indented by two blanks.
"$mapscope" --help | sed -n 's/^  \([a-z][a-z]*\)\( .*\)\{0,1\}$/\1/p' | sort -u >usage.txt
# The man page: `.B mapscope CMD` in SYNOPSIS, `.TP` + `.B CMD` in COMMANDS.
sed -n '/^\.SH SYNOPSIS/,/^\.SH /s/^\.B mapscope \([a-z][a-z]*\).*/\1/p' "$src/docs/mapscope.1" | sort -u >synopsis.txt
sed -n '/^\.SH COMMANDS/,/^\.SH /p' "$src/docs/mapscope.1" \
  | sed -n '/^\.TP/{n;s/^\.B \([a-z][a-z]*\)$/\1/p;}' | sort -u >commands.txt
# The completion: its `local commands="..."` list.
sed -n 's/^ *local commands="\(.*\)"/\1/p' "$src/contrib/bash-completion/mapscope" \
  | tr ' ' '\n' | sed '/^$/d' | sort -u >completion.txt

# `version` has no line of its own in the synopsis or the
# COMMANDS section (it is -V | --version there).
grep -vx version table.txt >table-noversion.txt
agree() {
  # agree WHAT FILE EXPECTED_FILE
  if diff -u "$3" "$2" >d.txt; then pass=$((pass+1)); else
    echo "not ok: $1 does not list the commands of main.c (- missing, + extra)"
    sed 's/^/  | /' d.txt; nfail=$((nfail+1)); fi
}
agree "the usage text" usage.txt table.txt
agree "the man page's SYNOPSIS" synopsis.txt table-noversion.txt
agree "the man page's COMMANDS" commands.txt table-noversion.txt
agree "the bash completion" completion.txt table.txt

echo "$pass passed, $nfail failed"
[ "$nfail" -eq 0 ]

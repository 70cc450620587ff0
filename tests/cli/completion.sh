#!/usr/bin/env bash
# Bash completion (completion/tearsheet.bash, installed as
# share/bash-completion/completions/tearsheet): sourced into this bash,
# _tearsheet is called with COMP_WORDS/COMP_CWORD as bash would, and
# the candidates it gives (from compgen) are compared with what a user
# expects: commands, each command's options (the same as its --help),
# folders for SITE and DIR values, photos for meta and verify, the
# inquiries subcommands and statuses.
# usage: completion.sh TEARSHEET SOURCE_DIR
set -u
export LC_ALL=C # one sort order for expected and given candidates
ts=$1 src=$(cd "$2" && pwd)
. "$src/tests/cli/lib.sh"
tmp=$(mktemp -d /tmp/ts-completion-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/work/my site/stories" "$tmp/work/photos"
ln -s "$(cd "$(dirname "$ts")" && pwd)/$(basename "$ts")" "$tmp/bin/tearsheet"
touch "$tmp/work/photos/kim-01.jpg" "$tmp/work/photos/KIM-02.JPG" "$tmp/work/photos/kim-03.heic" \
  "$tmp/work/photos/kim-01.c2pa" "$tmp/work/photos/notes.txt" "$tmp/work/site.yaml"
PATH=$tmp/bin:$PATH
cd "$tmp/work" || exit 1

. "$src/completion/tearsheet.bash"
check "complete -p: tearsheet completes with _tearsheet" \
  bash -c '. "$1"; complete -p tearsheet | grep -q -- "-F _tearsheet tearsheet"' _ "$src/completion/tearsheet.bash"

# candidates WORD...: the sorted candidates for the last word
candidates() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="$*"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _tearsheet
  printf '%s\n' "${COMPREPLY[@]}" | grep . | sort | tr '\n' ' ' | sed 's/ $//'
}
expect() {
  local want=$1
  shift
  local got
  got=$(candidates "$@")
  if [ "$got" = "$want" ]; then ok "[$*] -> $want"; else bad "[$*] -> '$got', expected '$want'"; fi
}

commands=$(tearsheet help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p' | sort | tr '\n' ' ')
check "tearsheet help lists commands" test -n "$commands"
expect "$(printf '%s\n' $commands help --help --version | sort | tr '\n' ' ' | sed 's/ $//')" tearsheet ""
expect "build" tearsheet bu
expect "inquiries" tearsheet help inq
expect "--help --jobs --output --stats -h -o" tearsheet build -
expect "--help --jobs --listen --output --stats --watch -h -o" tearsheet serve -
expect "--help --iim-charset --json -h" tearsheet meta -
expect "--trust" tearsheet verify --t
expect "--help --site -h" tearsheet passwd -
# the same options as --help, for every command
for cmd in $commands; do
  want=$(tearsheet "$cmd" --help | sed -n 's/^  \(-[-a-z]*\)\(, \(--[-a-z]*\)\)\{0,1\} .*/\1 \3/p' |
    tr ' ' '\n' | grep . | sort | tr '\n' ' ' | sed 's/ $//')
  expect "$want" tearsheet "$cmd" -
done
# SITE and DIR: folders, never files (bash adds the "/": -o filenames)
expect "my site photos" tearsheet build ""
expect "my site" tearsheet lint m
expect "my site photos" tearsheet build -o ""
expect "my site photos" tearsheet inquiries --site ""
expect "" tearsheet lint "my site" ""
# photos for meta and verify: photo files (any case) and folders to descend
expect "photos/KIM-02.JPG photos/kim-01.c2pa photos/kim-01.jpg photos/kim-03.heic" \
  tearsheet meta photos/
expect "photos/KIM-02.JPG photos/kim-01.c2pa photos/kim-01.jpg photos/kim-03.heic" \
  tearsheet verify --json photos/
expect "" tearsheet meta photos/n
expect "export list mark show" tearsheet inquiries ""
expect "declined licensed new quoted" tearsheet inquiries mark 3 ""
expect "" tearsheet build --jobs ""
finish

#!/usr/bin/env bash
# The help and the manual say the same (issue 17):
#  - both man pages pass `mandoc -T lint -W warning` without a message;
#  - every command `tearsheet help` lists has a section in tearsheet(1)
#    and the reverse; every option `tearsheet CMD --help` prints is in
#    that command's section of tearsheet(1) (-h/--help and --version
#    under OPTIONS) and every option the page gives a command is in its
#    --help;
#  - `tearsheet help CMD` prints what `tearsheet CMD --help` prints, with
#    usage, options, an example and exit codes 0 and 2;
#  - every key src/story compares against is described in
#    tearsheet-site.yaml(5) (".It Ic key") and every key described there
#    is one src/story reads.
# usage: docs.sh TEARSHEET SOURCE_DIR
set -u
ts=$1 src=$2
. "$src/tests/cli/lib.sh"
need mandoc
man1=$src/man/tearsheet.1 man5=$src/man/tearsheet-site.yaml.5
tmp=$(mktemp -d /tmp/ts-docs-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for page in "$man1" "$man5"; do
  mandoc -T lint -W warning "$page" >"$tmp/lint" 2>&1
  rc=$?
  [ -s "$tmp/lint" ] && cat "$tmp/lint"
  check "mandoc -T lint: $(basename "$page") has no warning" test $rc -eq 0 -a ! -s "$tmp/lint"
done

# "COMMAND -flag" pairs of the man page (COMMAND "*" for OPTIONS).
awk '/^\.Sh /{sec=$2; cmd=""} /^\.Ss /{cmd=$2}
     (sec=="OPTIONS" || sec=="COMMANDS") && /^\.It Fl /{
       for (i = 2; i <= NF; i++) if ($i == "Fl") { f = $(i+1); gsub(/\\/, "", f);
         print (sec == "OPTIONS" ? "*" : cmd) " -" f } }' "$man1" | sort -u >"$tmp/man_options"
awk '/^\.Sh /{sec=$2} sec=="COMMANDS" && /^\.Ss /{print $2}' "$man1" | sort >"$tmp/man_commands"

"$ts" help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p' | sort >"$tmp/commands"
check "tearsheet help lists commands" test -s "$tmp/commands"
check "the commands of tearsheet help and of tearsheet(1) are the same" \
  diff "$tmp/commands" "$tmp/man_commands"

: >"$tmp/help_options"
while read -r cmd; do
  "$ts" "$cmd" --help >"$tmp/help.$cmd" 2>&1
  check "$cmd --help exits 0" test $? -eq 0
  "$ts" help "$cmd" >"$tmp/help2.$cmd" 2>&1
  check "help $cmd is $cmd --help" cmp -s "$tmp/help.$cmd" "$tmp/help2.$cmd"
  for part in "^usage: tearsheet $cmd" "^Options:" "^  -h, --help " "^Example:" "^  tearsheet $cmd" \
    "^Exit codes:" "^  0  " "^  2  "; do
    check "$cmd --help has '$part'" grep -q -- "$part" "$tmp/help.$cmd"
  done
  sed -n 's/^  \(-[-a-z]*\)\(, \(--[-a-z]*\)\)\{0,1\} .*/\1 \3/p' "$tmp/help.$cmd" |
    tr ' ' '\n' | grep . | while read -r flag; do
      case $flag in -h | --help) echo "* $flag" ;; *) echo "$cmd $flag" ;; esac
    done >>"$tmp/help_options"
done <"$tmp/commands"
echo "* --version" >>"$tmp/help_options"
sort -u "$tmp/help_options" -o "$tmp/help_options"
comm -23 "$tmp/help_options" "$tmp/man_options" >"$tmp/not_in_man"
comm -13 "$tmp/help_options" "$tmp/man_options" >"$tmp/not_in_help"
[ -s "$tmp/not_in_man" ] && sed 's/^/  in --help, not in tearsheet(1): /' "$tmp/not_in_man"
[ -s "$tmp/not_in_help" ] && sed 's/^/  in tearsheet(1), not in --help: /' "$tmp/not_in_help"
check "every --help option is in tearsheet(1) ($(wc -l <"$tmp/help_options") options)" test ! -s "$tmp/not_in_man"
check "every option of tearsheet(1) is in --help" test ! -s "$tmp/not_in_help"

# site.yaml and front-matter keys: the parser's against the page's.
cat "$src"/src/story/*.c | grep -o 'strcmp(key, "[a-z0-9_]*")' | sed 's/.*"\(.*\)".*/\1/' |
  sort -u >"$tmp/keys_parsed"
sed -n 's/^\.It Ic \([a-z0-9_]*\).*/\1/p' "$man5" | sort -u >"$tmp/keys_man"
check "src/story compares keys ($(wc -l <"$tmp/keys_parsed"))" test -s "$tmp/keys_parsed"
comm -23 "$tmp/keys_parsed" "$tmp/keys_man" | sed 's/^/  read by src\/story, not in tearsheet-site.yaml(5): /'
comm -13 "$tmp/keys_parsed" "$tmp/keys_man" | sed 's/^/  in tearsheet-site.yaml(5), not read by src\/story: /'
check "every key src/story reads is in tearsheet-site.yaml(5), and only those" \
  cmp -s "$tmp/keys_parsed" "$tmp/keys_man"
finish

#!/usr/bin/env bash
# Issue 19, the tool as a clinic's IT installs it: --version with the licence lines, --help in
# 79 columns ending with where to report problems, write errors on standard output (exit 3),
# '-' as an input refused, CSV text cells that a spreadsheet would run as formulas, the manual
# page (man -l without warnings, every option of every --help in it), the bash completion
# (every option, fixed values the binary accepts), the install tree (cmake --install into a
# scratch prefix: the installed binary runs from another directory and finds its data), and
# every output against the JSON Schemas in docs/.
# Usage: test_package.sh OUTCOMES SOURCE_DIR JSON_COMPARE JSON_GET
set -uo pipefail
bin=$1
src=$2
get=$4
build=$(cd "$(dirname "$bin")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/schema.sh"
commands=(report check verify sample)

# --version, as GNU tools print it
"$bin" --version >"$tmp/version.txt"
check version_exit test $? -eq 0
check version_first_line grep -qE '^outcomes [0-9]+\.[0-9]+\.[0-9]+$' <(head -n 1 "$tmp/version.txt")
check version_copyright grep -q '^Copyright (C) [0-9]\{4\} ' "$tmp/version.txt"
check version_licence grep -q '^License Apache-2.0: Apache License, Version 2.0' "$tmp/version.txt"
check version_warranty grep -qx 'There is NO WARRANTY, to the extent permitted by law.' "$tmp/version.txt"
check licence_file grep -q 'Apache License' "$src/LICENSE"

# --help: at most 79 columns, the last line says where to report problems
for c in "" "${commands[@]}"; do
  name=${c:-top}
  "$bin" $c --help >"$tmp/help-$name.txt"
  check "help_${name}_exit" test $? -eq 0
  long=$(awk 'length($0) > 79 { print FNR ": " $0 }' "$tmp/help-$name.txt")
  check "help_${name}_79_columns" test -z "$long"
  [ -z "$long" ] || echo "$long" | head -n 3
  check "help_${name}_report_line" grep -q '^Report problems to ' <(tail -n 1 "$tmp/help-$name.txt")
done

# standard output that cannot be written: exit 3 with a message, never 0
"$bin" check "$src/sample-data/sessions.csv" >/dev/full 2>"$tmp/full.err"
check full_check_exit test $? -eq 3
check full_check_message grep -q '^outcomes: write error on standard output' "$tmp/full.err"
"$bin" --help >/dev/full 2>/dev/null
check full_help_exit test $? -eq 3
"$bin" --version >/dev/full 2>/dev/null
check full_version_exit test $? -eq 3
"$bin" sample --patients 5 >/dev/full 2>/dev/null
check full_sample_exit test $? -eq 3

# '-' is not standard input: refused as a usage error that says why
"$bin" check - <"$src/sample-data/sessions.csv" >"$tmp/dash.out" 2>"$tmp/dash.err"
check dash_check_exit test $? -eq 2
check dash_check_message grep -q "^outcomes: '-' (standard input) is not read" "$tmp/dash.err"
"$bin" report -o "$tmp/dash" - <"$src/sample-data/sessions.csv" >/dev/null 2>&1
check dash_report_exit test $? -eq 2
check dash_report_nothing test ! -e "$tmp/dash"
"$bin" check --columns - "$src/sample-data/sessions.csv" </dev/null >/dev/null 2>"$tmp/dash2.err"
check dash_columns_exit test $? -eq 2
check dash_columns_message grep -q "^outcomes: -: '-' (standard input) is not read: give a" "$tmp/dash2.err"
"$bin" check --config - "$src/sample-data/sessions.csv" </dev/null >/dev/null 2>"$tmp/dash3.err"
check dash_config_exit test $? -eq 2

# CSV cells a spreadsheet would run as formulas: an apostrophe before text beginning with
# = + - @; numbers (also a rejected "-3") and dates untouched
head -n 120 "$src/sample-data/sessions.csv" | awk -F, 'BEGIN { OFS = "," }
  NR == 1 { print; next }
  $1 == "P0000001" { $4 = "=HYPERLINK(1)"; $5 = "@SUM(A1)"; $20 = "-2+3" }
  NR == 5 { $10 = "=1+1" } NR == 6 { $10 = "-3" } { print }' >"$tmp/formula.csv"
"$bin" report --quiet -o "$tmp/formula" "$tmp/formula.csv"
check formula_site grep -q "^P0000001,.*,'=HYPERLINK(1),'@SUM(A1),im,ketamine,'-2+3,0\.5000," "$tmp/formula/episodes.csv"
check formula_rejected_text grep -q ",5,phq9,'=1+1,not_an_integer$" "$tmp/formula/rejects.csv"
check formula_rejected_number grep -q ',6,phq9,-3,' "$tmp/formula/rejects.csv"
check formula_numbers_plain bash -c "! grep -q \"'[0-9]\" '$tmp/formula/episodes.csv'"
"$bin" verify "$tmp/formula" >/dev/null 2>&1
check formula_verify test $? -eq 0

# the manual page: made by the build, no warning from man, every option of every --help in it
page=$build/outcomes.1
check man_built test -s "$page"
if command -v man >/dev/null; then
  MANWIDTH=80 man --warnings -l "$page" >"$tmp/man.txt" 2>"$tmp/man.err"
  check man_exit test $? -eq 0
  check man_no_warnings test ! -s "$tmp/man.err"
  [ ! -s "$tmp/man.err" ] || head -n 5 "$tmp/man.err"
  for c in "${commands[@]}"; do
    for o in $(grep -oE '^ {2,6}(-[A-Za-z], )?--[a-z0-9-]+' "$tmp/help-$c.txt" | grep -oE -- '--[a-z0-9-]+'); do
      check "man_has_${c}_$o" grep -qe "$o" "$tmp/man.txt"
    done
  done
  for s in NAME SYNOPSIS DESCRIPTION COMMANDS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES; do
    check "man_section_${s// /_}" grep -qx "$s" "$tmp/man.txt"
  done
  for code in 0 1 2 3; do
    check "man_exit_code_$code" grep -qE "^ +$code +[A-Z]" "$tmp/man.txt"
  done
else
  echo "skip man_*: man (man-db) is not installed"
fi

# bash completion: the commands, every option of each command's --help, fixed values the
# binary accepts
complete_words() { # WORD...: what completion offers for the last word
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _outcomes; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$src/completion/outcomes" "$@"
}
export PATH="$build:$PATH"
check completion_commands test "$(complete_words outcomes "" | sort | tr '\n' ' ')" = "--help --version check report sample verify "
for c in "${commands[@]}"; do
  offered=$(complete_words outcomes "$c" --)
  for o in $(grep -oE '^ {2,6}(-[A-Za-z], )?--[a-z0-9-]+' "$tmp/help-$c.txt" | grep -oE -- '--[a-z0-9-]+'); do
    check "completion_${c}_$o" grep -qx -- "$o" <<<"$offered"
  done
done
"$bin" sample --patients 25 --seed 3 -o "$tmp/s25.csv"
# the fixed values of every option that has them, as the binary's own table tells them (its
# message for a value it does not know: "expected wilson or exact, got ..."), are exactly
# what completion offers; so a keyword option added to the table without its values in the
# completion fails here
keywords() { # MESSAGE: the plain words of its "expected A, B or C" / "must be 'A' or 'B'" list
  python3 -c '
import re, sys
m = re.search(r"(?:expected|must be) (.*), got ", sys.argv[1])
items = re.split(r", | or ", re.sub(r"^one of ", "", m.group(1))) if m else []
words = [i.strip("\x27") for i in items]
if len(items) > 1:
    print(" ".join(sorted(w for w in words if re.fullmatch(r"[a-z0-9_]+|[,;]|\\t", w))))' "$1"
}
for c in report check sample; do
  # (options that take a FILE or a PATH complete file names: nothing to ask the binary)
  for o in $(sed -nE 's/^ {2,6}(-[A-Za-z], )?(--[a-z0-9-]+) ([A-Z][A-Z/]*).*/\2 \3/p' "$tmp/help-$c.txt" |
             grep -vE ' (FILE|PATH|DIR)$' | cut -d' ' -f1); do
    msg=$(cd "$tmp" && "$bin" "$c" "$o" zz-not-a-value "$tmp/s25.csv" 2>&1 >/dev/null | head -n 1)
    want=$(keywords "$msg")
    got=$(complete_words outcomes "$c" "$o" "" | tr -d "'" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
    check "completion_values_${c}_$o" test "$got" = "$want"
    [ "$got" = "$want" ] || echo "  $c $o: the binary takes '$want', completion offers '$got'"
  done
done
values_ok=1
for ov in "--date-format iso" "--ci wilson" "--ci exact" "--paper a4" "--paper letter" \
          "--endpoint induction" "--endpoint 6m" "--endpoint 12m" "--period all"; do
  set -- $ov
  offered=$(complete_words outcomes report "$1" "")
  if ! grep -qx -- "$2" <<<"$offered"; then echo "completion does not offer $ov"; values_ok=0; fi
done
for v in $(complete_words outcomes report --instrument ""); do
  "$bin" report --quiet --instrument "$v" -o "$tmp/inst-$v" "$tmp/s25.csv" >/dev/null 2>&1 ||
    { echo "report refuses the completed --instrument $v"; values_ok=0; }
done
for k in --date-format --ci --paper --endpoint --period; do
  for v in $(complete_words outcomes report "$k" ""); do
    [ "$k" != --date-format ] || [ "$v" = iso ] || continue # us needs a US-dated export
    "$bin" report --quiet "$k" "$v" -o "$tmp/val" "$tmp/s25.csv" >/dev/null 2>&1 ||
      { echo "report refuses the completed $k $v"; values_ok=0; }
  done
done
for v in $(complete_words outcomes sample --shape ""); do
  "$bin" sample --patients 5 --shape "$v" -o "$tmp/shape-$v" >/dev/null 2>&1 ||
    { echo "sample refuses the completed --shape $v"; values_ok=0; }
done
check completion_values_accepted test "$values_ok" -eq 1
check completion_file_after_columns grep -qx "$tmp/s25.csv" <(complete_words outcomes check --columns "$tmp/s2")

# the install tree: bin, man page, completion, data, schemas, docs; the installed binary run
# from another directory finds its data beside itself (bin/../share/outcomes)
if cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1; then
  passed=$((passed + 1))
  for f in bin/outcomes share/man/man1/outcomes.1 share/bash-completion/completions/outcomes \
           share/outcomes/benchmarks.csv share/outcomes/schema/results.schema.json \
           share/outcomes/schema/manifest.schema.json share/doc/outcomes/README.md \
           share/doc/outcomes/LICENSE share/doc/outcomes/NOTICE; do
    check "installed_$f" test -s "$tmp/prefix/$f"
  done
  check installed_benchmarks_same cmp -s "$src/data/benchmarks.csv" "$tmp/prefix/share/outcomes/benchmarks.csv"
  (cd / && env -u OUTCOMES_DATADIR "$tmp/prefix/bin/outcomes" report --quiet -o "$tmp/installed" "$tmp/s25.csv")
  check installed_report_runs test $? -eq 0
  # once the summary page reads data/benchmarks.csv (issue 15), its rows come from the
  # installed copy: the benchmarks named in results.json are those of the file
  if grep -q '"benchmarks"' "$tmp/installed/results.json" 2>/dev/null; then
    check installed_benchmarks_found grep -q 'mcinnes2022' "$tmp/installed/results.json"
  fi
  check installed_no_build_path bash -c "! grep -qF '$build' '$tmp/prefix/share/man/man1/outcomes.1'"
else
  echo "FAIL install: $(tail -n 3 "$tmp/install.log")"
  failures=$((failures + 1))
fi
check benchmarks_columns test "$(head -n 1 "$src/data/benchmarks.csv")" = "id,citation,instrument,measure,population,window,rate,n"

# every results.json and manifest.json made here against the schemas, and the committed sample
"$bin" report --quiet --suppress-below 11 -o "$tmp/suppressed" "$tmp/s25.csv"
schema_check "$src" "$tmp"
schema_check "$src" "$src/reports/sample"

echo "test_package: $passed passed, $failures failed"
[ "$failures" -eq 0 ]

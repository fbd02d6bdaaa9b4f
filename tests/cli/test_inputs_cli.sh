#!/usr/bin/env bash
# End-to-end tests of what the tool reads (issue 11 "trust at the edges", issue 13 "inputs
# hashed from the bytes analysed"): devices, FIFOs and directories refused without a wait (as
# inputs, --config and --columns), config lines longer than inih's buffer named by their own
# line, --title as one line of UTF-8, a note for a file with no data rows, 40 input files at 1
# and 64 threads, multi-line text values end to end, and an input changed in place (same size)
# between reading and hashing. Every command runs under a timeout, so a hang fails the test
# instead of blocking CI. Usage: test_inputs_cli.sh OUTCOMES SOURCE_DIR [JSON_COMPARE] [JSON_GET]
set -uo pipefail
bin=$1
src=$2
get=${4:-}
tmp=$(mktemp -d)
writers=()
cleanup() {
  for w in "${writers[@]}"; do kill "$w" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
. "$(dirname "$0")/lib.sh" # failures, passed, check
run() { # WANT_EXIT COMMAND... (output in $tmp/out, $tmp/err); 124 = it hung
  local want=$1
  shift
  timeout 60 "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  [ "$got" -eq "$want" ] || { echo "  exit $got, want $want: $*"; sed 's/^/  err: /' "$tmp/err" | head -5; return 1; }
}
has() { grep -qF -- "$1" "$tmp/out" "$tmp/err" || { echo "  no '$1' in:"; sed 's/^/  | /' "$tmp/out" "$tmp/err" | head -5; return 1; }; }
cd "$tmp"
cp "$src/sample-data/sessions.csv" export.csv
why="an input must be a file: it is hashed for the manifest and read again by verify"

# --- not regular files: refused at once, named, exit 3 (README "Input") ---------------------
mkfifo fifo
mkdir adir
for cmd in report check; do
  o=(); [ $cmd = report ] && o=(-o out-z)
  check ${cmd}_dev_zero run 3 "$bin" $cmd "${o[@]}" /dev/zero
  check ${cmd}_dev_zero_msg has "outcomes: /dev/zero: is not a regular file (a character device): $why"
  check ${cmd}_dev_urandom run 3 "$bin" $cmd "${o[@]}" /dev/urandom
  check ${cmd}_dev_urandom_msg has "outcomes: /dev/urandom: is not a regular file (a character device): $why"
  check ${cmd}_fifo_no_writer run 3 "$bin" $cmd "${o[@]}" fifo
  check ${cmd}_fifo_no_writer_msg has "outcomes: fifo: is not a regular file (a FIFO or pipe): $why"
  check ${cmd}_directory run 3 "$bin" $cmd "${o[@]}" adir
  check ${cmd}_directory_msg has "outcomes: adir: is a directory, not a CSV file"
  # a FIFO with a writer waiting to send a whole export: refused the same way
  cat export.csv >fifo 2>/dev/null &
  writers+=($!)
  check ${cmd}_fifo_writer run 3 "$bin" $cmd "${o[@]}" fifo
  check ${cmd}_fifo_writer_msg has "outcomes: fifo: is not a regular file (a FIFO or pipe): $why"
  # a FIFO among regular files, and after them: still refused, still no wait
  check ${cmd}_fifo_second run 3 "$bin" $cmd "${o[@]}" export.csv fifo
  check ${cmd}_fifo_second_msg has "outcomes: fifo: is not a regular file (a FIFO or pipe)"
done
check not_regular_nothing_written test ! -e out-z
for what in config columns; do
  noun=$([ $what = config ] && echo "a config file" || echo "a column mapping")
  reason=$([ $what = config ] && echo "--config takes a regular file" || echo "--columns takes a regular file (it is hashed for the manifest)")
  check ${what}_dev_zero run 3 "$bin" report -o out-z --$what /dev/zero export.csv
  check ${what}_dev_zero_msg has "outcomes: /dev/zero: is not a regular file (a character device): $reason"
  check ${what}_fifo run 3 "$bin" check --$what fifo export.csv
  check ${what}_fifo_msg has "outcomes: fifo: is not a regular file (a FIFO or pipe): $reason"
  check ${what}_directory run 3 "$bin" check --$what adir export.csv
  check ${what}_directory_msg has "outcomes: adir: is a directory, not $noun"
done

# --- the --columns file's digest in the manifest is of the bytes the mapping was read from ---
sed '1s/phq9,/PHQ-9 Total,/' export.csv >renamed.csv
printf 'phq9 = PHQ-9 Total\n' >map.ini
check columns_report run 0 "$bin" report --quiet --columns map.ini -o out-map renamed.csv
if [ -n "$get" ]; then
  check columns_manifest_sha test "$("$get" out-map/manifest.json columns_file.sha256)" = "$(sha256sum map.ini | cut -d' ' -f1)"
  check columns_manifest_size test "$("$get" out-map/manifest.json columns_file.size)" = 19
fi

# --- config and column-mapping lines: whole up to 198 bytes, a longer one named by its line --
pad=$(printf '%*s' 70 '')
title=$(printf 'T%.0s' $(seq 120))
printf '# options\nquiet = true\ntitle%s= %s\n' "$pad" "$title" >long-ok.ini
check config_198_bytes test "$(sed -n 3p long-ok.ini | wc -c)" -eq 198
check config_198_ok run 0 "$bin" report --config long-ok.ini -o out-long export.csv
if [ -n "$get" ]; then
  check config_198_title_whole grep -qxF "    \"$title\"," out-long/manifest.json
fi
printf 'quiet = true\n\nallow-column = %s\nfrobnicate = 1\n' "$(printf 'a%.0s' $(seq 184))" >long.ini
check config_199_bytes test "$(sed -n 3p long.ini | wc -c)" -eq 200
check config_long_line run 2 "$bin" check --config long.ini export.csv
check config_long_line_msg has "outcomes: long.ini:3: line of 199 bytes: at most 198 allowed"
# before the fix inih split that line and named the wrong one; the next error keeps its line
printf 'quiet = true\n\nallow-column = %s\nfrobnicate = 1\n' "$(printf 'a%.0s' $(seq 183))" >ok-then-bad.ini
check config_line_after_long run 2 "$bin" check --config ok-then-bad.ini export.csv
check config_line_after_long_msg has "outcomes: ok-then-bad.ini:4: 'frobnicate' is not an option of this command"
printf 'site = %s\n' "$(printf 's%.0s' $(seq 300))" >long-map.ini
check columns_long_line run 2 "$bin" check --columns long-map.ini export.csv
check columns_long_line_msg has "outcomes: long-map.ini:1: line of 307 bytes: at most 198 allowed"

# --- --title: one line of UTF-8, at most 200 characters (exit 2, a usage error) -------------
check title_latin1 run 2 "$bin" report -o out-t --title "$(printf 'Z\374rich')" export.csv
check title_latin1_msg has "outcomes: --title: invalid UTF-8 at byte 2: the title must be one line of UTF-8 text"
check title_line_break run 2 "$bin" report -o out-t --title "$(printf 'North\nSouth')" export.csv
check title_line_break_msg has "outcomes: --title: a control character at byte 6: the title must be one line of UTF-8 text"
check title_201 run 2 "$bin" report -o out-t --title "$(printf '\303\274%.0s' $(seq 201))" export.csv
check title_201_msg has "outcomes: --title: at most 200 characters, got 201"
printf 'title = Z\374rich\n' >latin1.ini
check title_config_latin1 run 2 "$bin" report -o out-t --config latin1.ini export.csv
check title_config_latin1_msg has "outcomes: latin1.ini:1: invalid UTF-8 at byte 2: the title must be one line of UTF-8 text"
check title_nothing_written test ! -e out-t
check title_200_letters run 0 "$bin" report --quiet -o out-t200 --title "$(printf '\303\274%.0s' $(seq 200))" export.csv

# --- a file with a header and no data rows is named (check and report) ---------------------
head -1 export.csv >empty-month.csv
{ head -1 export.csv; printf '\n\n'; } >blank-month.csv
check header_only_check run 0 "$bin" check empty-month.csv blank-month.csv export.csv
check header_only_check_msg has "empty-month.csv: note: header only, no data rows (is it the export you meant?)"
check header_only_check_msg2 has "blank-month.csv: note: header only, no data rows (is it the export you meant?)"
check header_only_check_count test "$(grep -c 'note: header only' "$tmp/out")" -eq 2
check header_only_report run 0 "$bin" report -o out-h empty-month.csv export.csv
check header_only_report_msg has "empty-month.csv: note: header only, no data rows (is it the export you meant?)"
check header_only_report_alone run 1 "$bin" report -o out-h1 empty-month.csv
check header_only_report_alone_msg has "empty-month.csv: note: header only, no data rows (is it the export you meant?)"
check header_only_not_for_others bash -c "! grep -q 'export.csv: note' '$tmp/out'"

# --- 40 input files (over 64 read segments), 1 and 64 threads: the same bytes ----------------
mkdir parts
tail -n +2 export.csv >rows.txt
split -n l/40 -d -a 2 rows.txt parts/p
for f in parts/p*; do { head -1 export.csv; cat "$f"; } >"$f.csv"; rm "$f"; done
check forty_files test "$(ls parts/*.csv | wc -l)" -eq 40
check forty_t1 run 0 "$bin" report --quiet --threads 1 -o out-40a parts/*.csv
check forty_t64 run 0 "$bin" report --quiet --threads 64 -o out-40b parts/*.csv
for f in results.json episodes.csv rejects.csv report.pdf; do
  check forty_same_$f cmp -s out-40a/$f out-40b/$f
done
check forty_check_t64 run 0 "$bin" check --threads 64 parts/*.csv
check forty_check_summary has "5962 rows read: 5962 accepted, 0 rejected, 0 duplicate"
if [ -n "$get" ]; then
  check forty_manifest_inputs test "$("$get" out-40b/manifest.json inputs.39.rows)" -gt 0
fi

# --- multi-line text values: accepted, kept and quoted in the CSV outputs -------------------
{
  echo "patient_id,session_date,session_type,site,clinician,route,phq9,adverse_events,concurrent_therapy,notes"
  printf 'M1,2026-01-05,treatment,"North\nWing",Dr\tA,iv,15,"nausea\r\nheadache","talk\ntherapy","free\x01text"\n'
  printf 'M1,2026-01-20,assessment,,,,6,,,\n'
  printf 'M2,2026-01-06,treatment,"a\nb\x01",,iv,15,,,\n'
  printf 'M3,2026-01-07,assessment,,,,"1\n2",,,\n'
} >multi.csv
check multi_check run 1 "$bin" check multi.csv
check multi_check_ctl has "multi.csv:7:4: column 'site': a control character (byte 4) is not allowed, got \"a\\x0Ab\\x01\""
check multi_check_int has "multi.csv:9:7: column 'phq9': expected an integer 0-27, got \"1\\x0A2\""
check multi_check_summary has "4 rows read: 2 accepted, 2 rejected, 0 duplicate"
check multi_report run 0 "$bin" report --quiet -o out-m multi.csv
check multi_episode_site grep -qF "$(printf ',"North\nWing",')" out-m/episodes.csv
check multi_episode_clinician grep -qF "$(printf ',"Dr\tA",')" out-m/episodes.csv
check multi_episode_therapy grep -qF "$(printf ',"talk\ntherapy",')" out-m/episodes.csv
check multi_rejects_value grep -qF "$(printf 'multi.csv,9,phq9,"1\n2",not_an_integer')" out-m/rejects.csv
check multi_threads run 0 "$bin" report --quiet --threads 1 -o out-m1 multi.csv
check multi_threads_same cmp -s out-m/episodes.csv out-m1/episodes.csv

# --- an input changed in place (same size) between reading and hashing: the run fails ---------
# OUTCOMES_TEST_STOP_AFTER_READ: the report stops itself (SIGSTOP) after reading and hashes only
# when continued, so the change falls exactly between the two (README "Tests")
wait_stopped() { # PID: until it is stopped (or gone); 1 after 30 s
  for _ in $(seq 600); do
    case "$(ps -o stat= -p "$1" 2>/dev/null)" in T*) return 0 ;; "") return 1 ;; esac
    sleep 0.05
  done
  return 1
}
stopped_run() { # DIR CHANGE(0/1): exit code in $tmp/rc
  OUTCOMES_TEST_STOP_AFTER_READ=1 "$bin" report --quiet -o "$1" changing.csv >"$tmp/out" 2>"$tmp/err" &
  local pid=$!
  writers+=("$pid")
  if ! wait_stopped "$pid"; then
    echo "  the report did not stop after reading"
    kill -KILL "$pid" 2>/dev/null
  else
    if [ "$2" = 1 ]; then # the first data row's phq9 "14" becomes "15": same size
      local at
      at=$(grep -bo ',14,0,29,' changing.csv | head -1 | cut -d: -f1)
      printf ',15,0,29,' | dd of=changing.csv bs=1 seek="$at" conv=notrunc status=none
    fi
    kill -CONT "$pid"
  fi
  wait "$pid"
  echo $? >"$tmp/rc"
}
cp export.csv changing.csv
size=$(stat -c %s changing.csv)
stopped_run out-same 0
check hook_unchanged test "$(cat "$tmp/rc")" -eq 0
if [ -n "$get" ]; then
  check hook_unchanged_sha test "$("$get" out-same/manifest.json inputs.0.sha256)" = "$(sha256sum changing.csv | cut -d' ' -f1)"
fi
stopped_run out-changed 1
check hook_changed_same_size test "$(stat -c %s changing.csv)" -eq "$size"
check hook_changed_bytes bash -c "! cmp -s export.csv changing.csv"
check hook_changed_exit test "$(cat "$tmp/rc")" -eq 3
check hook_changed_msg has "outcomes: changing.csv: the file changed while it was being read (same size, other bytes: the bytes hashed are not those analysed); nothing was written"
check hook_changed_nothing test ! -e out-changed

# every results.json and manifest.json left against the schemas (docs/)
source "$(dirname "${BASH_SOURCE[0]}")/schema.sh"
schema_check "$src" "$tmp"

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]

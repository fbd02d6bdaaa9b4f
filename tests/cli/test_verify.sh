#!/usr/bin/env bash
# `outcomes verify`: ok on a fresh report directory; a changed byte in an input or an output is
# named; a missing file is named; an unreadable manifest is an I/O error. Also checks the
# manifest's content, and verify under attack (issue 13): a tampered manifest (traversal and
# absolute output names, non-string options, -o and --config in the options, wrong types, a
# huge file, a FIFO), inputs that are FIFOs or look like options, files DIR holds beyond the
# manifest, and paths that are not UTF-8; the benchmarks file's digest (--benchmarks FILE and the
# shipped one: unchanged, changed, missing). None crashes, touches a file outside DIR or leaves
# anything in TMPDIR. Usage: test_verify.sh OUTCOMES SOURCE_DIR ... JSON_GET
set -uo pipefail
bin=$1
src=$2
get=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
passed=0
check() {
  local name=$1
  shift
  if "$@"; then passed=$((passed + 1)); else echo "FAIL $name"; failures=$((failures + 1)); fi
}
cd "$tmp"
cp "$src/sample-data/sessions.csv" export.csv
"$bin" report --quiet --title "Lakeside Clinic" --period 2026-03..2026-08 -o out export.csv || exit 1
check manifest_exists test -s out/manifest.json
check manifest_input_path test "$("$get" out/manifest.json inputs.0.path)" = export.csv
check manifest_input_rows test "$("$get" out/manifest.json inputs.0.rows)" = 5962
check manifest_input_size test "$("$get" out/manifest.json inputs.0.size)" = "$(stat -c %s export.csv)"
check manifest_input_sha test "$("$get" out/manifest.json inputs.0.sha256)" = "$(sha256sum export.csv | cut -d' ' -f1)"
check manifest_output_sha test "$("$get" out/manifest.json outputs.0.sha256)" = "$(sha256sum out/report.pdf | cut -d' ' -f1)"
# the libraries' versions as this machine's libraries tell them (none hard-coded: the test runs
# on other Debian releases too), and the font file's hash
for lib in cairo fontconfig freetype gsl libcsv jansson; do
  check "manifest_$lib" grep -Eq '^[0-9]+\.[0-9]+(\.[0-9]+)?$' <<<"$("$get" out/manifest.json libraries.$lib)"
done
check manifest_cairo_here test "$("$get" out/manifest.json libraries.cairo)" = "$(pkg-config --modversion cairo)"
font=$("$get" out/manifest.json font.file)
check manifest_font_sha test "$("$get" out/manifest.json font.sha256)" = "$(sha256sum "$font" | cut -d' ' -f1)"
check manifest_pdf_pages test "$("$get" out/manifest.json outputs.0.pages.9 | wc -c)" -eq 65
check manifest_command test "$("$get" out/manifest.json command_line.1)" = report
check manifest_period grep -q '"2026-03..2026-08"' out/manifest.json

# the same run written with abbreviations and clustered short options (getopt_long): the same
# outputs, the options recorded by their full names, and verify reruns it
"$bin" report -qoabbrev --tit "Lakeside Clinic" --per 2026-03..2026-08 export.csv || exit 1
for f in report.pdf results.json episodes.csv rejects.csv; do
  check "abbrev_same_$f" cmp -s out/$f abbrev/$f
done
check abbrev_manifest_words grep -q '"--period",' abbrev/manifest.json
check abbrev_verify sh -c "'$bin' verify abbrev | tail -1 | grep -qx ok"

"$bin" verify out >"$tmp/v1.txt"
check verify_ok_exit test $? -eq 0
check verify_ok_line test "$(tail -1 "$tmp/v1.txt")" = ok
check verify_lists_rerun grep -q '^ok       rerun results.json$' "$tmp/v1.txt"

# one byte of an output changes: named, exit 1
cp -r out out2
printf 'X' | dd of=out2/results.json bs=1 seek=10 conv=notrunc status=none
"$bin" verify out2 >"$tmp/v2.txt"
check verify_output_changed_exit test $? -eq 1
check verify_output_named grep -q '^differs  output results.json (changed since the run)$' "$tmp/v2.txt"
check verify_others_ok grep -q '^ok       output report.pdf$' "$tmp/v2.txt"
check verify_failed_line grep -q '^FAILED: 1 check did not match$' "$tmp/v2.txt"

# a missing output
cp -r out out3
rm out3/episodes.csv
"$bin" verify out3 >"$tmp/v3.txt"
check verify_missing_exit test $? -eq 1
check verify_missing_named grep -q '^missing  output episodes.csv$' "$tmp/v3.txt"

# one byte of the input changes: named, and no rerun
cp export.csv export.orig
printf '9' | dd of=export.csv bs=1 seek=200 conv=notrunc status=none
"$bin" verify out >"$tmp/v4.txt"
check verify_input_changed_exit test $? -eq 1
check verify_input_named grep -q '^differs  input export.csv (its content changed since the run)$' "$tmp/v4.txt"
check verify_not_rerun grep -q '^not rerun: an input is missing or changed$' "$tmp/v4.txt"
mv export.orig export.csv

# the recorded SOURCE_DATE_EPOCH is used by the rerun
SOURCE_DATE_EPOCH=1700000000 "$bin" report --quiet -o out5 export.csv
check manifest_epoch test "$("$get" out5/manifest.json source_date_epoch)" = 1700000000
"$bin" verify out5 >"$tmp/v5.txt"
check verify_epoch_ok test $? -eq 0

# a directory without a manifest; usage
"$bin" verify "$tmp" 2>"$tmp/err"
check verify_no_manifest_exit test $? -eq 3
check verify_no_manifest_msg grep -q "cannot read the manifest" "$tmp/err"
"$bin" verify 2>/dev/null
check verify_usage test $? -eq 2
"$bin" verify --help | grep -q "Usage: outcomes verify DIR"
check verify_help test $? -eq 0

# ---- the manifest is untrusted input: each tampering is refused (exit 3, the entry named)
# before anything is read, run or removed; TMPDIR holds only what the test put there
export TMPDIR="$tmp/vtmp"
mkdir -p "$TMPDIR/victim"
echo precious >"$TMPDIR/victim/file"
echo precious >"$tmp/abs-victim"
n=0
tamper() { # WANT_MESSAGE SED_EXPRESSION: a copy of out with its manifest edited, verified
  n=$((n + 1))
  rm -rf "t$n" && cp -r out "t$n"
  sed -i "$2" "t$n/manifest.json"
  timeout 20 "$bin" verify "t$n" >"$tmp/t.out" 2>"$tmp/t.err"
  local rc=$?
  [ "$rc" -eq 3 ] || { echo "  tamper $n ($2): exit $rc, want 3"; cat "$tmp/t.err"; return 1; }
  grep -qF -- "$1" "$tmp/t.err" || { echo "  tamper $n: no '$1' in:"; cat "$tmp/t.err"; return 1; }
}
check traversal tamper "outputs[0].name: '../victim/file' is not the name of a file outcomes writes" 's|"name": "report.pdf"|"name": "../victim/file"|'
check traversal_deep tamper "outputs[1].name: '../../vtmp/victim/file' is not" 's|"name": "results.json"|"name": "../../vtmp/victim/file"|'
check absolute tamper "outputs[0].name: '$tmp/abs-victim' is not" "s|\"name\": \"report.pdf\"|\"name\": \"$tmp/abs-victim\"|"
check empty_name tamper "outputs[0].name: '' is not" 's|"name": "report.pdf"|"name": ""|'
check dot_name tamper "outputs[0].name: '..' is not" 's|"name": "report.pdf"|"name": ".."|'
check slash_name tamper "outputs[0].name: 'report.pdf/' is not" 's|"name": "report.pdf"|"name": "report.pdf/"|'
check subdir_name tamper "outputs[0].name: 'x/report.pdf' is not" 's|"name": "report.pdf"|"name": "x/report.pdf"|'
check nul_name tamper "cannot read the manifest" 's|"name": "report.pdf"|"name": "report.pdf\\u0000/../x"|'
check control_name_shown tamper "outputs[0].name: 'a\\x1b[31m' is not" 's|"name": "report.pdf"|"name": "a\\u001b[31m"|'
check twice_name tamper "outputs[1].name: 'report.pdf' is listed twice" 's|"name": "results.json"|"name": "report.pdf"|'
check name_number tamper "outputs[0].name: expected a string" 's|"name": "report.pdf"|"name": 7|'
check victims_kept test "$(cat "$TMPDIR/victim/file") $(cat "$tmp/abs-victim")" = "precious precious"
check option_number tamper "options[0]: expected a string" 's|"options": \[|"options": [1, |'
check option_array tamper "options[0]: expected a string" 's|"options": \[|"options": [[1], |'
check option_null tamper "options[0]: expected a string" 's|"options": \[|"options": [null, |'
check option_object tamper "options[0]: expected a string" 's|"options": \[|"options": [{}, |'
check option_bad_hex tamper "options[0]: not a word's bytes in hex" 's|"options": \[|"options": [{"hex": "2d2"}, |'
check option_o tamper "options[0]: '-o' is refused" "s|\"options\": \\[|\"options\": [\"-o\", \"$tmp/evil\", |"
check option_output tamper "options[2]: '--output' is refused" "s|\"--date-format\",|\"--output\", \"$tmp/evil\", \"--date-format\",|"
check option_output_eq tamper "options[0]: '--output=$tmp/evil' is not an option of outcomes report" "s|\"options\": \\[|\"options\": [\"--output=$tmp/evil\", |"
check option_config tamper "options[0]: '--config' is refused" 's|"options": \[|"options": ["--config", "/etc/passwd", |'
check option_positional tamper "options[0]: '/etc/passwd' is not an option of outcomes report" 's|"options": \[|"options": ["/etc/passwd", |'
check option_columns tamper "options[1]: --columns '/etc/passwd' is not the recorded columns_file" 's|"options": \[|"options": ["--columns", "/etc/passwd", |'
check option_stray_word tamper "'x' is not an option of outcomes report" 's|"a4"|"a4", "--strict", "x"|'
check option_missing_value tamper "'--paper' has no value" 's|"a4"|"a4", "--paper"|'
check option_check_only tamper "options[0]: '--patients' is not an option of outcomes report" 's|"options": \[|"options": ["--patients", "5", |'
# abbreviations (getopt_long would take --out for --output), a value glued to -o, a second
# option smuggled into one word: none is an option of report
check option_abbrev_out tamper "options[0]: '--out' is not an option of outcomes report" 's|"options": \[|"options": ["--out", "x", |'
check option_abbrev_outp tamper "options[0]: '--outp' is not an option of outcomes report" 's|"options": \[|"options": ["--outp", "x", |'
check option_abbrev_conf tamper "options[0]: '--conf' is not an option of outcomes report" 's|"options": \[|"options": ["--conf", "x", |'
check option_glued_o tamper "options[0]: '-ox' is not an option of outcomes report" 's|"options": \[|"options": ["-ox", |'
check option_smuggled tamper "options[0]: '--period=2026-10 -o x' is not an option" 's|"options": \[|"options": ["--period=2026-10 -o x", |'
check no_evil test ! -e "$tmp/evil"
check inputs_not_array tamper "not a manifest of outcomes" 's|"inputs": \[|"inputs": "x", "inputs2": [|'
check input_number tamper "inputs[0]: expected an object" 's|"inputs": \[|"inputs": [5, |'
check input_path_null tamper "inputs[0].path: expected a non-empty string" 's|"path": "export.csv"|"path": null|'
check input_sha_number tamper "inputs[0].sha256: expected 64 hex digits" '0,/"sha256": "[0-9a-f]*"/s//"sha256": 5/'
check input_size_string tamper "inputs[0].size: expected a byte count" '0,/"size": [0-9]*/s//"size": "9"/'
check input_rows tamper "inputs[0].rows: expected a row count" 's|"rows": 5962|"rows": []|'
check input_hex_nul tamper "inputs[0].path_hex: expected the path's bytes" 's|"path": "export.csv"|"path": "export.csv", "path_hex": "2f00"|'
check output_sha tamper "outputs[0].sha256: expected 64 hex digits" '/"name": "report.pdf"/,/sha256/s|"sha256": "[0-9a-f]*"|"sha256": "../x"|'
check epoch_number tamper "source_date_epoch: expected null or seconds" 's|"source_date_epoch": null|"source_date_epoch": 5|'
check epoch_words tamper "source_date_epoch: expected null or seconds" 's|"source_date_epoch": null|"source_date_epoch": "1; rm -rf /"|'
check columns_array tamper "columns_file: expected an object or null" 's|"columns_file": null|"columns_file": []|'
check schema_string tamper "schema: expected 1" 's|"schema": 1|"schema": "1"|'
check root_array tamper "not a manifest of outcomes (not an object)" '1s|^{|[{|; $s|^}$|}]|'
check tool_other tamper "tool: expected {\"name\": \"outcomes\"" 's|"name": "outcomes"|"name": "other"|'
check libraries_array tamper "libraries: expected an object" 's|"libraries": {|"libraries": 1, "x": {|'
check as_of_number tamper "as_of: expected a date string" 's|"as_of": "[0-9-]*"|"as_of": 20261031|'
check command_line_object tamper "command_line[1]: expected a string" 's|^    "report",$|    {"x": 1},|'
check duplicate_key tamper "cannot read the manifest" 's|"schema": 1,|"schema": 1, "schema": 1,|'
# a huge manifest is refused before it is read; a FIFO is not opened for reading
mkdir huge && truncate -s 17M huge/manifest.json
timeout 20 "$bin" verify huge 2>"$tmp/err"
check huge_exit test $? -eq 3
check huge_msg grep -q "huge/manifest.json: the manifest is 17825792 bytes, more than a manifest of outcomes can be (16 MiB); not read" "$tmp/err"
mkdir fifo && mkfifo fifo/manifest.json
timeout 20 "$bin" verify fifo 2>"$tmp/err"
check fifo_exit test $? -eq 3
check fifo_msg grep -q "not a regular file" "$tmp/err"
# an input path naming a FIFO: reported, never opened (no hang)
mkfifo in.fifo
rm -rf t_fifo && cp -r out t_fifo && sed -i 's|"path": "export.csv"|"path": "in.fifo"|' t_fifo/manifest.json
timeout 20 "$bin" verify t_fifo >"$tmp/v.txt"
check input_fifo_exit test $? -eq 1
check input_fifo_line grep -q '^missing  input in.fifo (not a regular file)$' "$tmp/v.txt"
# an input named like an option is read as a file by the rerun, never taken as -o
cp export.csv -- "--output=evil"
"$bin" report --quiet -o out6 -- "--output=evil"
"$bin" verify out6 >"$tmp/v6.txt"
check option_like_input_ok test $? -eq 0
check option_like_input_no_dir test ! -e evil
# files DIR holds beyond the manifest (a stale temporary with patient ids) fail verify
cp -r out out7 && echo "P0000001" >out7/.episodes.csv.tmp
"$bin" verify out7 >"$tmp/v7.txt"
check extra_exit test $? -eq 1
check extra_line grep -q '^extra    output .episodes.csv.tmp (not in the manifest)$' "$tmp/v7.txt"
# an output replaced by a symlink is not the file written
cp -r out out8 && cp out8/results.json results.copy && rm out8/results.json && ln -s "$tmp/results.copy" out8/results.json
"$bin" verify out8 >"$tmp/v8.txt"
check symlink_output grep -q '^differs  output results.json (a symbolic link, not the file written)$' "$tmp/v8.txt"
check tmpdir_only_victim test "$(ls -A "$TMPDIR")" = victim

# no temporary directory can be made: said, counted, nothing else touched
TMPDIR="$tmp/no/such/dir" "$bin" verify out >"$tmp/v11.txt"
check no_tmpdir_exit test $? -eq 1
check no_tmpdir_line grep -q '^not rerun: cannot make a temporary directory: No such file or directory$' "$tmp/v11.txt"

# ---- paths as bytes: an input (and a --columns file) whose name is not UTF-8 is recorded
# exactly (path_hex, an option word as {"hex": ...}) and the rerun finds it
raw=$(printf 'ex\377\376port.csv')
cp export.csv "$raw"
"$bin" report --quiet -o out9 "$raw"
check bytes_report test $? -eq 0
check bytes_path_hex test "$("$get" out9/manifest.json inputs.0.path_hex)" = 6578fffe706f72742e637376
check bytes_path_shown test "$("$get" out9/manifest.json inputs.0.path)" = "ex��port.csv"
check bytes_results_hex test "$("$get" out9/results.json data_quality.files.0.path_hex)" = 6578fffe706f72742e637376
check bytes_command_line test "$("$get" out9/manifest.json command_line.5)" = "ex��port.csv"
"$bin" verify out9 >"$tmp/v9.txt"
check bytes_verify test $? -eq 0
check bytes_verify_rerun grep -q '^ok       rerun results.json$' "$tmp/v9.txt"
cols=$(printf 'cols\377.ini')
cp "$src/sample-data/messy-columns.ini" "$cols"
cp "$src/sample-data/messy-export.csv" messy.csv
"$bin" report --quiet --columns "$cols" --date-format us --delimiter ';' -o out10 messy.csv
check bytes_columns_hex test "$("$get" out10/manifest.json columns_file.path_hex)" = 636f6c73ff2e696e69
check bytes_option_hex test "$("$get" out10/manifest.json options.5.hex)" = 636f6c73ff2e696e69
"$bin" verify out10 >"$tmp/v10.txt"
check bytes_columns_verify test $? -eq 0

# ---- the benchmarks file page 1 compares with: its digest is recorded (the bytes parsed) and
# verify checks the file the rerun would read: --benchmarks FILE, or the shipped one
shipped_sha=$(sha256sum "$src/data/benchmarks.csv" | cut -d' ' -f1)
check bm_manifest_shipped test "$("$get" out/manifest.json benchmarks_file.shipped)" = true
check bm_manifest_shipped_sha test "$("$get" out/manifest.json benchmarks_file.sha256)" = "$shipped_sha"
check bm_manifest_shipped_size test "$("$get" out/manifest.json benchmarks_file.size)" = "$(stat -c %s "$src/data/benchmarks.csv")"
check bm_verify_shipped_line grep -Eq '^ok       benchmarks .*/benchmarks\.csv \(shipped with the tool\)$' "$tmp/v1.txt"
cp "$src/data/benchmarks.csv" bm.csv
"$bin" report --quiet --benchmarks bm.csv -o out_bm export.csv || exit 1
check bm_manifest_path test "$("$get" out_bm/manifest.json benchmarks_file.path)" = bm.csv
check bm_manifest_no_shipped test "$("$get" out_bm/manifest.json benchmarks_file.shipped)" = ""
check bm_manifest_sha test "$("$get" out_bm/manifest.json benchmarks_file.sha256)" = "$shipped_sha"
"$bin" verify out_bm >"$tmp/vb.txt"
check bm_copy_ok_exit test $? -eq 0
check bm_copy_ok_line grep -q '^ok       benchmarks bm.csv$' "$tmp/vb.txt"
# a changed copy: named with both digests, not rerun, exit 1 (as a changed input)
sed -i 's/0\.536/0.537/' bm.csv
changed_sha=$(sha256sum bm.csv | cut -d' ' -f1)
check bm_copy_really_changed test "$changed_sha" != "$shipped_sha"
"$bin" verify out_bm >"$tmp/vb.txt"
check bm_changed_exit test $? -eq 1
check bm_changed_line grep -qx "differs  benchmarks bm.csv (benchmarks file changed: $shipped_sha recorded, $changed_sha here)" "$tmp/vb.txt"
check bm_changed_not_rerun grep -qx 'not rerun: an input is missing or changed' "$tmp/vb.txt"
check bm_changed_count grep -qx 'FAILED: 1 check did not match' "$tmp/vb.txt"
rm bm.csv
"$bin" verify out_bm >"$tmp/vb.txt"
check bm_missing_exit test $? -eq 1
check bm_missing_line grep -qx 'missing  benchmarks bm.csv' "$tmp/vb.txt"
check bm_missing_note grep -q '^note: relative input paths are found from the working directory' "$tmp/vb.txt"
# the shipped file, where report finds it ($OUTCOMES_DATADIR here): unchanged, changed, missing
mkdir -p share_ok share_empty
cp "$src/data/benchmarks.csv" share_ok/benchmarks.csv
OUTCOMES_DATADIR="$tmp/share_ok" "$bin" report --quiet -o out_sh export.csv || exit 1
OUTCOMES_DATADIR="$tmp/share_ok" "$bin" verify out_sh >"$tmp/vs.txt"
check bm_shipped_ok_exit test $? -eq 0
check bm_shipped_ok_line grep -qx "ok       benchmarks $tmp/share_ok/benchmarks.csv (shipped with the tool)" "$tmp/vs.txt"
sed -i 's/0\.536/0.537/' share_ok/benchmarks.csv
OUTCOMES_DATADIR="$tmp/share_ok" "$bin" verify out_sh >"$tmp/vs.txt"
check bm_shipped_changed_exit test $? -eq 1
check bm_shipped_changed_line grep -qx "differs  benchmarks $tmp/share_ok/benchmarks.csv (shipped with the tool) (benchmarks file changed: $shipped_sha recorded, $changed_sha here)" "$tmp/vs.txt"
check bm_shipped_changed_not_rerun grep -qx 'not rerun: an input is missing or changed' "$tmp/vs.txt"
OUTCOMES_DATADIR="$tmp/share_empty" "$bin" verify out_sh >"$tmp/vs.txt"
check bm_shipped_missing_exit test $? -eq 1
check bm_shipped_missing_line grep -q '^missing  benchmarks the shipped benchmarks.csv (' "$tmp/vs.txt"
check bm_shipped_missing_not_rerun grep -qx 'not rerun: an input is missing or changed' "$tmp/vs.txt"
# tampered: --benchmarks must name the recorded file, a recorded path needs its option
check bm_option_other tamper "options[1]: --benchmarks '/etc/passwd' is not the recorded benchmarks_file" 's|"options": \[|"options": ["--benchmarks", "/etc/passwd", |'
check bm_path_no_option tamper "benchmarks_file: '/etc/passwd' is recorded, but the options have no --benchmarks" 's|"shipped": true|"path": "/etc/passwd"|'
check bm_shipped_false tamper "benchmarks_file: expected a path or \"shipped\": true, not both" 's|"shipped": true|"shipped": false|'
check bm_both tamper "benchmarks_file: expected a path or \"shipped\": true, not both" 's|"shipped": true|"shipped": true, "path": "x"|'
check bm_array tamper "benchmarks_file: expected an object" 's|"benchmarks_file": {|"benchmarks_file": [], "x": {|'
check bm_sha tamper "benchmarks_file.sha256: expected 64 hex digits" "s|\"sha256\": \"$shipped_sha\"|\"sha256\": \"x\"|"
# a manifest from before the digest was recorded: checked all the same, the rerun's names it
rm -rf t_nobm && cp -r out t_nobm && sed -i '/"benchmarks_file": {/,/^  },$/d' t_nobm/manifest.json
"$bin" verify t_nobm >"$tmp/vn.txt" 2>&1
check bm_old_manifest_exit test $? -eq 1
check bm_old_manifest_line grep -q '^differs  rerun manifest.json (benchmarks_file: not what the run records)$' "$tmp/vn.txt"

# ---- verify attacked (issue 13, second round)
# a manifest that lists no outputs, beside no outputs: the rerun's manifest names what is
# missing (it verified "ok" before)
mkdir -p only
sed -n '1,/"outputs": \[/p' out/manifest.json | sed '$s/.*/  "outputs": []/' >only/manifest.json
echo "}" >>only/manifest.json
"$bin" verify only >"$tmp/v12.txt" 2>&1
check no_outputs_exit test $? -eq 1
check no_outputs_line grep -q '^differs  rerun manifest.json (outputs: not what the run records)$' "$tmp/v12.txt"
# fields verify does not use otherwise, edited by hand: named by the rerun's manifest
rm -rf t_rows && cp -r out t_rows && sed -i 's|"rows": 5962|"rows": 5|; s|"as_of": "[0-9-]*"|"as_of": "2020-01-01"|' t_rows/manifest.json
"$bin" verify t_rows >"$tmp/v13.txt" 2>&1
check edited_fields_exit test $? -eq 1
check edited_fields_line grep -q '^differs  rerun manifest.json (as_of, inputs: not what the run records)$' "$tmp/v13.txt"
rm -rf t_nokey && cp -r out t_nokey && sed -i '/"source_date_epoch": null,/d' t_nokey/manifest.json
"$bin" verify t_nokey >"$tmp/v14.txt" 2>&1
check removed_key_line grep -q '^differs  rerun manifest.json (source_date_epoch: not what the run records)$' "$tmp/v14.txt"
check manifest_rerun_ok grep -q '^ok       rerun manifest.json$' "$tmp/v1.txt"
# DIR/manifest.json as a symbolic link to a file outside DIR: refused, not followed
rm -rf t_mlink && cp -r out t_mlink && mv t_mlink/manifest.json outside.json && ln -s ../outside.json t_mlink/manifest.json
"$bin" verify t_mlink 2>"$tmp/err"
check manifest_link_exit test $? -eq 3
check manifest_link_msg grep -q "t_mlink/manifest.json: cannot read the manifest: a symbolic link, not the file a run writes" "$tmp/err"
# a report replacing DIR while verify reads it (verify paused after reading the manifest):
# verify reads DIR again and checks one set, never the manifest of one and the files of another
export TMPDIR="$tmp/vtmp2"
mkdir -p "$TMPDIR"
rm -rf swap && "$bin" report --quiet --title Old -o swap export.csv
OUTCOMES_TEST_FAULT=verify-pause "$bin" verify swap >"$tmp/v15.txt" 2>&1 &
pv=$!
sleep 0.5
"$bin" report --quiet --title New -o swap export.csv
wait "$pv"
check swap_while_read_exit test $? -eq 0
check swap_while_read_ok test "$(tail -1 "$tmp/v15.txt")" = ok
check swap_while_read_new grep -q '"New"' swap/manifest.json
# SIGTERM while the rerun's files exist (episodes.csv has patient ids) or while the rerun is
# being written: verify removes its temporary directory before it ends
for f in verify-pause-rerun pause; do
  OUTCOMES_TEST_FAULT=$f "$bin" verify out >/dev/null 2>&1 &
  pv=$!
  for _ in $(seq 1 200); do [ -n "$(find "$TMPDIR" -mindepth 2 2>/dev/null)" ] && break; sleep 0.05; done
  sleep 0.3
  kill -TERM "$pv"
  wait "$pv"
  check "signal_${f}_exit" test $? -eq 143
  check "signal_${f}_tmpdir_empty" test -z "$(ls -A "$TMPDIR")"
done

# verify run from another directory: the relative input is missing, and the note says why
(cd "$TMPDIR" && "$bin" verify "$tmp/out" >"$tmp/v16.txt" 2>&1)
check elsewhere_exit test $? -eq 1
check elsewhere_missing grep -q '^missing  input export.csv$' "$tmp/v16.txt"
check elsewhere_note grep -q '^note: relative input paths are found from the working directory' "$tmp/v16.txt"

# DIR replaced after every reading (the fault hook): verify gives up after 5, checks nothing
OUTCOMES_TEST_FAULT=verify-replaced "$bin" verify out >"$tmp/v17.txt" 2>"$tmp/err"
check replaced_exit test $? -eq 3
check replaced_msg grep -q "out: the directory was replaced 5 times while verify read it (a run is writing it): nothing was checked" "$tmp/err"
check replaced_nothing test ! -s "$tmp/v17.txt"

# SIGPIPE (a reader such as `| head` gone) while the rerun exists: ignored, verify ends
# normally and removes the rerun
OUTCOMES_TEST_FAULT=verify-pause-rerun "$bin" verify out >"$tmp/v18.txt" 2>&1 &
pv=$!
for _ in $(seq 1 200); do [ -n "$(find "$TMPDIR" -mindepth 2 2>/dev/null)" ] && break; sleep 0.05; done
kill -PIPE "$pv"
wait "$pv"
check sigpipe_exit test $? -eq 0
check sigpipe_ok test "$(tail -1 "$tmp/v18.txt")" = ok
check sigpipe_tmpdir_empty test -z "$(ls -A "$TMPDIR")"

# an empty DIR is not the root directory
"$bin" verify "" 2>"$tmp/err"
check empty_dir_exit test $? -eq 2
check empty_dir_msg grep -q "the directory name is empty" "$tmp/err"

# TMPDIR a symbolic link re-pointed while the rerun is written: the rerun is compared and
# removed where it was made (it was looked for, and left, in the wrong place)
mkdir -p "$tmp/tA" "$tmp/tB" && ln -s "$tmp/tA" "$tmp/tL"
OUTCOMES_TEST_FAULT=pause TMPDIR="$tmp/tL" "$bin" verify out >"$tmp/v19.txt" 2>&1 &
pv=$!
for _ in $(seq 1 200); do [ -n "$(find "$tmp/tA" -mindepth 2 2>/dev/null)" ] && break; sleep 0.05; done
ln -sfn "$tmp/tB" "$tmp/tL"
wait "$pv"
check tmpdir_link_exit test $? -eq 0
check tmpdir_link_ok test "$(tail -1 "$tmp/v19.txt")" = ok
check tmpdir_link_a_empty test -z "$(ls -A "$tmp/tA")"
check tmpdir_link_b_empty test -z "$(ls -A "$tmp/tB")"

# inputs that are a link to /dev/zero, a directory, a device: reported, never read
ln -s /dev/zero zero.link && mkdir -p in.dir
for pth in zero.link in.dir /dev/zero; do
  rm -rf t_dev && cp -r out t_dev && sed -i "s|\"path\": \"export.csv\"|\"path\": \"$pth\"|" t_dev/manifest.json
  timeout 20 "$bin" verify t_dev >"$tmp/v20.txt"
  check "input_${pth//[\/.]/_}_exit" test $? -eq 1
  check "input_${pth//[\/.]/_}_line" grep -qF "missing  input $pth (not a regular file)" "$tmp/v20.txt"
done

# options report takes but a run does not record, or values it refuses: the rerun fails or
# its manifest differs; nothing is written outside the rerun's directory
rm -rf t_thr && cp -r out t_thr && sed -i 's|"options": \[|"options": ["--threads", "100000", |' t_thr/manifest.json
"$bin" verify t_thr >"$tmp/v21.txt" 2>"$tmp/err"
check threads_exit test $? -eq 1
check threads_line grep -q '^differs  rerun (outcomes report failed, exit 2)$' "$tmp/v21.txt"
check threads_msg grep -q "expected a number of threads 1-64, got '100000'" "$tmp/err"
for w in '"--timings"' '"--strict"' '"-q"' '"--allow-column", "ssn"' '"--title", "-o"'; do
  rm -rf t_opt && cp -r out t_opt && sed -i "s|\"options\": \\[|\"options\": [$w, |" t_opt/manifest.json
  "$bin" verify t_opt >"$tmp/v22.txt" 2>/dev/null
  check "unrecorded_${w//[^a-z]/_}_exit" test $? -eq 1
  check "unrecorded_${w//[^a-z]/_}_line" grep -q '^differs  rerun manifest.json (options: not what the run records)$' "$tmp/v22.txt"
done
check unrecorded_no_o_dir test ! -e ./-o

# SOURCE_DATE_EPOCH in the forms report takes (a sign, leading zeros, a space): the manifest
# records it as it was, and verify accepts what report wrote
for e in "+1700000000" "0001700000000" " 1700000000"; do
  rm -rf t_ep && SOURCE_DATE_EPOCH="$e" "$bin" report --quiet -o t_ep export.csv
  "$bin" verify t_ep >"$tmp/v23.txt" 2>&1
  check "epoch_form_${e//[^0-9]/_}_ok" test "$(tail -1 "$tmp/v23.txt")" = ok
done
check epoch_too_big tamper "source_date_epoch: expected null or seconds since 1970" 's|"source_date_epoch": null|"source_date_epoch": "253402300800"|'
check epoch_negative tamper "source_date_epoch: expected null or seconds since 1970" 's|"source_date_epoch": null|"source_date_epoch": "-1"|'

# other library versions than the run's (another machine): a note, not a failure
rm -rf t_lib && cp -r out t_lib && sed -i 's|"cairo": "[^"]*"|"cairo": "9.9.9"|' t_lib/manifest.json
"$bin" verify t_lib >"$tmp/v24.txt" 2>&1
check libraries_exit test $? -eq 0
check libraries_note grep -q '^note: the libraries here are not the versions the manifest records' "$tmp/v24.txt"
check libraries_no_note_normally bash -c "! grep -q '^note: the libraries' '$tmp/v1.txt'"

# verify a release later (issue 19): the recorded run's report.pdf has other bytes (another
# cairo wrote it) but draws the same text and numbers on every page. Simulated: the PDF gets
# other bytes (a comment appended) and the manifest records them and another cairo version.
here=$("$get" out/manifest.json libraries.cairo)
other=1.18.4
[ "$here" != "$other" ] || other=1.16.0
relabel() { # DIR CAIRO-VERSION-OR-EMPTY [PAGE-TO-CHANGE]: the recorded run as another machine's
  printf '%% written by another cairo\n' >>"$1/report.pdf"
  python3 - "$1" "$2" "${3:-}" <<'PY'
import hashlib, json, os, sys
d, cairo, page = sys.argv[1], sys.argv[2], sys.argv[3]
m = json.load(open(d + "/manifest.json"))
pdf = open(d + "/report.pdf", "rb").read()
for o in m["outputs"]:
    if o["name"] == "report.pdf":
        o["sha256"], o["size"] = hashlib.sha256(pdf).hexdigest(), len(pdf)
        if page:  # the recorded run drew something else on that page (one number changed)
            o["pages"][int(page) - 1] = hashlib.sha256(b"T0 9.00 0\0" + b"51 %\0").hexdigest()
if cairo:
    m["libraries"]["cairo"] = cairo
json.dump(m, open(d + "/manifest.json", "w"), indent=2)
PY
}
rm -rf t_rel && cp -r out t_rel && relabel t_rel "$other"
"$bin" verify t_rel >"$tmp/v25.txt" 2>&1
check release_same_content_exit test $? -eq 0
check release_same_content_line grep -qxF "ok       rerun report.pdf: other bytes, same content (cairo $other recorded, $here here)" "$tmp/v25.txt"
check release_manifest_ok grep -qx 'ok       rerun manifest.json' "$tmp/v25.txt"
check release_ok_line test "$(tail -1 "$tmp/v25.txt")" = ok
# the same library versions and font as recorded (a patched cairo keeps its version string):
# the same content all the same, said so
rm -rf t_rel2 && cp -r out t_rel2 && relabel t_rel2 ""
"$bin" verify t_rel2 >"$tmp/v26.txt" 2>&1
check release_same_versions_exit test $? -eq 0
check release_same_versions_line grep -qxF 'ok       rerun report.pdf: other bytes, same content (the libraries and font as recorded: a patched library or another font configuration)' "$tmp/v26.txt"
# another cairo and one number on page 3 other than the rerun draws: a content change, exit 1
rm -rf t_rel3 && cp -r out t_rel3 && relabel t_rel3 "$other" 3
"$bin" verify t_rel3 >"$tmp/v27.txt" 2>&1
check release_content_changed_exit test $? -eq 1
check release_content_changed_line grep -qxF 'differs  rerun report.pdf (other content on page 3)' "$tmp/v27.txt"
check release_content_failed grep -q '^FAILED' "$tmp/v27.txt"
# a manifest of before issue 19 (no page content): other bytes cannot be explained
rm -rf t_rel4 && cp -r out t_rel4 && relabel t_rel4 "$other"
python3 - t_rel4 <<'PY'
import json, sys
m = json.load(open(sys.argv[1] + "/manifest.json"))
for o in m["outputs"]:
    o.pop("pages", None)
json.dump(m, open(sys.argv[1] + "/manifest.json", "w"), indent=2)
PY
"$bin" verify t_rel4 >"$tmp/v28.txt" 2>&1
check release_no_pages_exit test $? -eq 1
check release_no_pages_line grep -qF 'differs  rerun report.pdf (the rerun gives other bytes; the manifest records no page content to compare)' "$tmp/v28.txt"

# every results.json and manifest.json left against the schemas (docs/)
source "$(dirname "${BASH_SOURCE[0]}")/schema.sh"
schema_check "$src" "$tmp/out"  # (the others are tampered with on purpose)

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]

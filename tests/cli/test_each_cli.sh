#!/usr/bin/env bash
# `outcomes report --each site|clinician` (SPEC section 14) end to end: each value's report in
# DIR/site/NAME/ has the rates, medians and flow of the network report's stratum entry for that
# value; safe, distinct directory names for values with spaces, slashes, dots and non-ASCII
# bytes; index.json; verify on the whole and on one sub-report (a tampered sub-report file is
# caught; a foreign file in a sub-report directory is listed by both); a second run replaces
# the set; a bad value is a usage error; one site; a site that no episode's index row names;
# suppression per report; a foreign file in a sub-directory; the same bytes on one thread and
# two; a sub-report file that cannot be written leaves no mixed set.
# The expected figures are the network report's own strata (computed by the same R-checked
# code; tests/model/test_model.c checks model_subset against them too).
# Usage: test_each_cli.sh OUTCOMES SOURCE_DIR JSON_COMPARE JSON_GET
set -uo pipefail
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src" || exit 1
. tests/cli/lib.sh
. tests/cli/schema.sh # schema_check
data=sample-data/sessions.csv
run() { # DIR [options] FILE: a report with the as-of date given
  local dir=$1
  shift
  "$bin" report --quiet --as-of 2026-10-31 -o "$tmp/$dir" "$@"
}

# py SCRIPT ARGS...: python3 on the JSON files (exit status is the check)
py() { python3 -c "$@"; }

# same_as_stratum DIR VAR: every index entry's results.json has its stratum entry's figures
same_as_stratum() {
  py '
import json, sys, os
d, var = sys.argv[1], sys.argv[2]
net = json.load(open(os.path.join(d, "results.json")))
idx = json.load(open(os.path.join(d, "index.json")))
strata = {e["value"]: e for e in net["strata"][var]}
assert idx["by"] == var, idx["by"]
values = [e["value"] for e in idx["reports"]]
assert values == sorted(values, key=lambda v: v.encode()), values
assert set(values) == set(strata), (values, list(strata))
episodes = 0
for e in idx["reports"]:
    sub = json.load(open(os.path.join(d, e["directory"], "results.json")))
    st = strata[e["value"]]
    assert sub["report_of"]["value"] == e["value"]
    assert sub["report_of"]["by"] == var
    for k in ("response", "remission"):
        for f in ("events", "n", "rate", "ci"):
            assert sub[k][f] == st[k][f], (e, k, f, sub[k][f], st[k][f])
    for f in ("n", "events", "median"):
        assert sub["time_to_response"][f] == st["time_to_response"][f], (e, f)
    assert sub["flow"]["mature"] == st["response"]["n"], e
    assert sub["flow"]["with_followup"] == st["time_to_response"]["n"], e
    # the row-level counts are the network'"'"'s, and say so
    for f in ("rows_read", "rows_accepted", "rows_rejected", "patients"):
        assert sub["flow"][f] == net["flow"][f], f
    assert "network" in sub["report_of"]["row_counts"]
    episodes += sub["flow"]["episodes"]
# every episode whose index row names a value is in exactly one value'"'"'s report
assert episodes <= net["flow"]["episodes"], (episodes, net["flow"]["episodes"])
' "$1" "$2"
}

# --- the sample, by site and by clinician ---
run s --each site "$data"
check site_run test $? -eq 0
check site_same_as_stratum same_as_stratum "$tmp/s" site
check site_sum py 'import json,sys; n=json.load(open(sys.argv[1]+"/results.json"))
import os
i=json.load(open(sys.argv[1]+"/index.json"))
assert sum(json.load(open(os.path.join(sys.argv[1],e["directory"],"results.json")))["flow"]["episodes"] for e in i["reports"]) == n["flow"]["episodes"]' "$tmp/s"
for f in report.pdf results.json episodes.csv rejects.csv review.csv manifest.json; do
  check "site_east_$f" test -s "$tmp/s/site/east/$f"
done
check site_rejects_network cmp -s "$tmp/s/rejects.csv" "$tmp/s/site/east/rejects.csv"
check site_manifest_each py 'import json,sys; m=json.load(open(sys.argv[1]))
assert m["each"] == {"by": "site", "value": "east", "directory": "site/east"}, m["each"]' \
  "$tmp/s/site/east/manifest.json"
check site_pdf_title sh -c "pdftotext -l 1 '$tmp/s/site/east/report.pdf' - | grep -q 'site east'"
run c --each clinician "$data"
check clinician_run test $? -eq 0
check clinician_same_as_stratum same_as_stratum "$tmp/c" clinician
check clinician_no_site test ! -e "$tmp/c/site"
# every results.json and manifest.json of the tree against docs/*.schema.json
schema_check "$src" "$tmp/s"
schema_check "$src" "$tmp/c"

# same input, same bytes
run s2 --each site "$data"
check deterministic diff -r -q -x manifest.json "$tmp/s" "$tmp/s2"  # (manifests: the -o path differs)

# --- verify: the whole, one sub-report, a tampered sub-report file ---
"$bin" verify "$tmp/s" >"$tmp/v1" 2>&1
check verify_whole test $? -eq 0
check verify_whole_lists_sub grep -q "ok       output site/east/results.json" "$tmp/v1"
check verify_whole_rerun_sub grep -q "ok       rerun site/north/manifest.json" "$tmp/v1"
"$bin" verify "$tmp/s/site/north" >"$tmp/v2" 2>&1
check verify_sub test $? -eq 0
check verify_sub_rerun grep -q "ok       rerun results.json" "$tmp/v2"
cp -r "$tmp/s" "$tmp/t"
printf ' ' >>"$tmp/t/site/east/results.json"
"$bin" verify "$tmp/t" >"$tmp/v3" 2>&1
check verify_tampered_whole test $? -eq 1
check verify_tampered_named grep -q "differs  output site/east/results.json" "$tmp/v3"
"$bin" verify "$tmp/t/site/east" >"$tmp/v4" 2>&1
check verify_tampered_sub test $? -eq 1
"$bin" verify "$tmp/t/site/north" >/dev/null 2>&1
check verify_other_sub_ok test $? -eq 0
cp -r "$tmp/s" "$tmp/t2"
printf 'x' >>"$tmp/t2/index.json"
"$bin" verify "$tmp/t2" >/dev/null 2>&1
check verify_tampered_index test $? -eq 1
rm "$tmp/t2/site/south/episodes.csv"
"$bin" verify "$tmp/t2/site/south" >"$tmp/v5" 2>&1
check verify_missing_sub_file test $? -eq 1
check verify_missing_named grep -q "missing  output episodes.csv" "$tmp/v5"
# foreign files inside the sub-report directories: the whole-run verify lists each, as it does
# at the top level (and as verify DIR/site/NAME does)
cp -r "$tmp/s" "$tmp/fv"
echo "P0000001" >"$tmp/fv/site/east/.episodes.csv.tmp"
echo note >"$tmp/fv/site/east/notes.txt"
echo x >"$tmp/fv/site/stray.csv"
mkdir "$tmp/fv/site/zz" && echo x >"$tmp/fv/site/zz/report.pdf"
echo x >"$tmp/fv/extra.txt"
"$bin" verify "$tmp/fv" >"$tmp/v7" 2>&1
check verify_foreign_exit test $? -eq 1
check verify_foreign_lines test "$(grep '^extra' "$tmp/v7")" = "$(printf '%s\n' \
  'extra    output extra.txt (not in the manifest)' \
  'extra    output site/east/.episodes.csv.tmp (not in the manifest)' \
  'extra    output site/east/notes.txt (not in the manifest)' \
  'extra    output site/stray.csv (not in the manifest)' \
  'extra    output site/zz (not in the manifest)')"
check verify_foreign_count grep -qx 'FAILED: 5 checks did not match' "$tmp/v7"
check verify_foreign_rest_ok test "$(grep -c '^ok       output site/' "$tmp/v7")" -eq "$(grep -c '^ok       output site/' "$tmp/v1")"
"$bin" verify "$tmp/fv/site/east" >"$tmp/v8" 2>&1
check verify_foreign_sub test "$(grep -c '^extra' "$tmp/v8")" -eq 2
# a sub-report directory replaced by a symbolic link is named, not looked through
cp -r "$tmp/s" "$tmp/lv"
mv "$tmp/lv/site/east" "$tmp/lv-east" && ln -s "$tmp/lv-east" "$tmp/lv/site/east"
echo x >"$tmp/lv-east/notes.txt"
"$bin" verify "$tmp/lv" >"$tmp/v9" 2>&1
check verify_linked_sub_exit test $? -eq 1
check verify_linked_sub_line grep -qx 'differs  output site/east (not the directory the run wrote)' "$tmp/v9"
check verify_linked_sub_not_followed sh -c "! grep -q notes.txt '$tmp/v9'"
# a manifest naming a directory outcomes does not make is refused unread
sed 's|"directory": "site/east"|"directory": "site/../../etc"|' "$tmp/s/site/east/manifest.json" \
  >"$tmp/t/site/east/manifest.json"
"$bin" verify "$tmp/t/site/east" >"$tmp/v6" 2>&1
check verify_bad_directory test $? -eq 3

# --- a second run into the same DIR replaces the set ---
cp -r "$tmp/s" "$tmp/r"
run r --each clinician "$data"
check replace_run test $? -eq 0
check replace_site_gone test ! -e "$tmp/r/site"
check replace_clinician test -d "$tmp/r/clinician/c01"
run r "$data"
check replace_plain test $? -eq 0
check replace_plain_no_index test ! -e "$tmp/r/index.json" -a ! -e "$tmp/r/clinician"
check replace_no_leftovers test -z "$(ls -A "$tmp" | grep outcomes)"

# --- usage errors ---
"$bin" report --quiet --each county -o "$tmp/u" "$data" 2>"$tmp/e1"
check bad_value_exit test $? -eq 2
check bad_value_names grep -q -- "--each: expected site or clinician, got 'county'" "$tmp/e1"
check bad_value_nothing test ! -e "$tmp/u"
"$bin" report --quiet --each -o "$tmp/u" 2>/dev/null
check missing_value_exit test $? -eq 2

# --- names with spaces, slashes, dots, non-ASCII; a site no index row names ---
# north -> "North Clinic", south -> "a/b", east -> "..", telehealth-hub -> "São Paulo", patient
# P0000001's rows -> ".hidden"; one assessment row (not an index row) names "ghost"
awk -F, -v OFS=, 'NR == 1 { print; next }
  { if ($1 == "P0000001") $4 = ".hidden"
    else if ($4 == "north") $4 = "North Clinic"
    else if ($4 == "south") $4 = "a/b"
    else if ($4 == "east") $4 = ".."
    else if ($4 == "telehealth-hub") $4 = "São Paulo"
    if ($3 == "assessment" && !g && $1 != "P0000001") { $4 = "ghost"; g = 1 }
    print }' "$data" >"$tmp/names.csv"
run n --each site "$tmp/names.csv"
check names_run test $? -eq 0
check names_same_as_stratum same_as_stratum "$tmp/n" site
for d in "North%20Clinic" "a%2Fb" "%2E." "S%C3%A3o%20Paulo" "%2Ehidden"; do
  check "names_dir_$d" test -f "$tmp/n/site/$d/report.pdf"
done
check names_five test "$(ls "$tmp/n/site" | wc -l)" -eq 5
check names_ghost_not_listed py 'import json,sys
i=json.load(open(sys.argv[1]))
assert "ghost" not in [e["value"] for e in i["reports"]]
v=[e["value"] for e in i["reports"]]
assert v == ["..", ".hidden", "North Clinic", "São Paulo", "a/b"], v' \
  "$tmp/n/index.json"
check names_ghost_no_dir test ! -e "$tmp/n/site/ghost"
schema_check "$src" "$tmp/n"
"$bin" verify "$tmp/n/site/a%2Fb" >/dev/null 2>&1
check names_verify_sub test $? -eq 0

# --- one site: its report is the network's ---
awk -F, -v OFS=, 'NR == 1 { print; next } { $4 = "only"; print }' "$data" >"$tmp/one.csv"
run o --each site "$tmp/one.csv"
check one_run test $? -eq 0
check one_listed py 'import json,sys
i=json.load(open(sys.argv[1]+"/index.json"))
assert i["reports"] == [{"value": "only", "directory": "site/only"}], i
n=json.load(open(sys.argv[1]+"/results.json")); s=json.load(open(sys.argv[1]+"/site/only/results.json"))
for k in ("response","remission","time_to_response","flow","safety"):
    assert n[k] == s[k], k' "$tmp/o"
check one_episodes cmp -s "$tmp/o/episodes.csv" "$tmp/o/site/only/episodes.csv"

# --- no site at all: an empty index, no site/ ---
awk -F, -v OFS=, 'NR == 1 { print; next } { $4 = ""; print }' "$data" >"$tmp/nosite.csv"
run z --each site "$tmp/nosite.csv"
check nosite_run test $? -eq 0
check nosite_index py 'import json,sys
i=json.load(open(sys.argv[1]))
assert i == {"schema": 1, "by": "site", "reports": []}, i' "$tmp/z/index.json"
check nosite_no_dir test ! -e "$tmp/z/site"
"$bin" verify "$tmp/z" >/dev/null 2>&1
check nosite_verify test $? -eq 0

# --- suppression per report ---
"$bin" sample --patients 60 --seed 3 -o "$tmp/small.csv"
run p --each site --suppress-below 11 "$tmp/small.csv"
check suppress_run test $? -eq 0
check suppress_no_row_files test ! -e "$tmp/p/site/east/episodes.csv" -a ! -e "$tmp/p/site/east/review.csv" -a \
  ! -e "$tmp/p/site/east/rejects.csv"
check suppress_withheld py 'import json,sys,os
d=sys.argv[1]; i=json.load(open(d+"/index.json"))
seen=False
for e in i["reports"]:
    s=json.load(open(os.path.join(d,e["directory"],"results.json")))
    assert s["definitions"]["suppress_below"] == 11
    r=s["response"]
    for k in ("events","n"):
        v=r[k]
        assert v is None or isinstance(v,str) or v == 0 or v >= 11, (e,k,v)
    seen = seen or r["events"] is None or isinstance(r["events"], str)
assert seen' "$tmp/p"
"$bin" verify "$tmp/p" >/dev/null 2>&1
check suppress_verify test $? -eq 0
# the attacker (tests/tools/attack.py) on every site's report, knowing its unsuppressed run
run praw --each site "$tmp/small.csv"
for d in "$tmp"/praw/site/*/; do
  name=$(basename "$d")
  check "attack_site_$name" python3 tests/tools/attack.py "$tmp/praw/site/$name" "$tmp/p/site/$name" 11
done

# --- a file outcomes did not write in a sub-directory: refused, nothing written ---
cp -r "$tmp/s" "$tmp/f"
echo notes >"$tmp/f/site/east/notes.txt"
run f --each site "$data" 2>"$tmp/e2"
check foreign_exit test $? -eq 3
check foreign_named grep -q "holds 'site/east/notes.txt'" "$tmp/e2"
check foreign_kept test -f "$tmp/f/site/east/notes.txt"

# --- one thread or two, the same bytes: the sub-reports' analyses and files are made by two
# workers (the most episodes first) beside the network's outputs; 12,000 patients give over
# 10,000 episodes, so that the network's episodes.csv is made in two halves too ---
"$bin" sample --patients 12000 --seed 4 -o "$tmp/big.csv"
same_outputs() { # the manifests' outputs but the manifests (their command lines differ)
  py 'import json,sys,os
a,b=sys.argv[1],sys.argv[2]
def outs(m):
    return [o for o in m["outputs"] if not o["name"].endswith("manifest.json")]
for root,_,files in os.walk(a):
    for f in files:
        if f == "manifest.json":
            p=os.path.join(root,f); q=os.path.join(b,os.path.relpath(p,a))
            x,y=json.load(open(p)),json.load(open(q))
            assert outs(x) == outs(y), p
            assert x.get("each") == y.get("each"), p' "$1" "$2"
}
for by in site clinician; do
  run "t1$by" --each "$by" --threads 1 "$tmp/big.csv"
  check "threads_run_$by" test $? -eq 0
  run "t2$by" --each "$by" --threads 2 "$tmp/big.csv"
  check "threads_run2_$by" test $? -eq 0
  check "threads_same_$by" diff -r -q -x manifest.json "$tmp/t1$by" "$tmp/t2$by"
  check "threads_same_manifests_$by" same_outputs "$tmp/t1$by" "$tmp/t2$by"
done
run tm --each site --timings "$data" 2>"$tmp/etm"
check each_timings grep -qE "\(--each: the sub-reports' analyses [0-9.]+ s, their files after the network's [0-9.]+ s\)$" "$tmp/etm"
check threads_split_halves test "$(wc -l <"$tmp/t1site/episodes.csv")" -gt 10001
# a sub-report's episodes.csv and review.csv are its episodes' rows of the network's
check threads_rows_of_network py 'import csv,sys,os,json
d=sys.argv[1]
net=list(csv.reader(open(d+"/episodes.csv")))
rev=list(csv.reader(open(d+"/review.csv")))
i=json.load(open(d+"/index.json"))
n=r=0
for e in i["reports"]:
    sub=list(csv.reader(open(os.path.join(d,e["directory"],"episodes.csv"))))
    assert sub[0] == net[0]
    mine=[x[:-1] for x in net[1:] if x[23] == e["value"]]
    assert [x[:-1] for x in sub[1:]] == mine, e
    keys={(x[0],x[1]) for x in sub[1:]}
    srev=list(csv.reader(open(os.path.join(d,e["directory"],"review.csv"))))
    assert srev[1:] == [x for x in rev[1:] if (x[0],x[1]) in keys], e
    n+=len(sub)-1; r+=len(srev)-1
assert n == len(net)-1 and r == len(rev)-1, (n, r)' "$tmp/t2site"

# --- a file of one sub-report that cannot be written: the run fails naming it (exit 3) and
# leaves no mixed set: a new DIR is not made, an existing DIR keeps its old set whole ---
for f in site/north/review.csv site/east/episodes.csv site/telehealth-hub/manifest.json \
  site/south/report.pdf report.pdf index.json; do
  for th in 1 2; do
    name=$(echo "$f" | tr '/.' '__')_$th
    OUTCOMES_TEST_FAULT=fail:write:$f "$bin" report --quiet --as-of 2026-10-31 -o "$tmp/w" \
      --each site --threads "$th" "$data" 2>"$tmp/ew"
    check "write_fail_exit_$name" test $? -eq 3
    check "write_fail_named_$name" grep -q "cannot write $f" "$tmp/ew"
    check "write_fail_nothing_$name" test ! -e "$tmp/w"
  done
done
check write_fail_no_leftovers test -z "$(ls -A "$tmp" | grep outcomes)"
run k --each clinician "$data"
cp -r "$tmp/k" "$tmp/k0"
OUTCOMES_TEST_FAULT=fail:write:site/south/results.json "$bin" report --quiet --as-of 2026-10-31 \
  -o "$tmp/k" --each site "$data" 2>/dev/null
check write_fail_existing_exit test $? -eq 3
check write_fail_existing_kept diff -r "$tmp/k0" "$tmp/k"

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]

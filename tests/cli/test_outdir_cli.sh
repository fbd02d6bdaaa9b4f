#!/usr/bin/env bash
# The output directory's commit attacked (issue 13): planted symlinks at every temporary name,
# two runs into one directory at once, a kill at each step of the commit and a rename that
# fails (through the commit's fault hook, OUTCOMES_TEST_FAULT, not timing), stale temporaries
# with patient ids, a directory holding files that are not ours, deep new parents, a signal
# while the lock is held, `sample -o` through a planted FILE.tmp. After each: DIR is one run's
# complete set (verify ok) or untouched, nothing outside DIR changed, nothing crashed.
# Usage: test_outdir_cli.sh OUTCOMES SOURCE_DIR JSON_COMPARE JSON_GET
set -uo pipefail
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh" # failures, passed, check
run() { # WANT_EXIT COMMAND... (output in $tmp/out, $tmp/err)
  local want=$1
  shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  [ "$got" -eq "$want" ] || { echo "  exit $got, want $want: $*"; sed 's/^/  err: /' "$tmp/err" | head -5; return 1; }
}
has() { grep -qF -- "$1" "$tmp/out" "$tmp/err"; }
cd "$tmp"
"$bin" sample --patients 80 --seed 3 -o in.csv || exit 1
report() { "$bin" report --quiet "$@" in.csv; }
title_of() { grep -A1 '"--title"' "$1/manifest.json" | tail -1 | tr -d ' ",'; }
verified() { "$bin" verify "$1" >"$tmp/verify.txt" 2>&1 && [ "$(tail -1 "$tmp/verify.txt")" = ok ]; }
# nothing of a run left beside DIR (no staging directory, no lock file)
clean_beside() { [ -z "$(ls -A "$(dirname "$1")" | grep -F ".$(basename "$1").outcomes")" ]; }
set_of() { ls -A "$1" 2>/dev/null | tr '\n' ' '; }
# No step below depends on how fast this machine is: a run that must be caught holding the lock
# stops itself there (OUTCOMES_TEST_FAULT=stop, SIGSTOP after its first file) and goes on only
# when sent SIGCONT; a signal sent meanwhile is delivered at that point. The waits poll up to
# 120 s, however loaded the machine, and fail loudly instead of going on unsynchronised.
stopped() { # PID: it has stopped itself
  local i
  for i in $(seq 1 1200); do
    [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" = T ] && return 0
    sleep 0.1
  done
  echo "  process $1 did not stop at the fault point"
  return 1
}
said() { # FILE TEXT: a waiting run has written TEXT in FILE
  local i
  for i in $(seq 1 1200); do
    grep -qF -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "  no '$2' in $1"
  return 1
}
full="episodes.csv manifest.json rejects.csv report.pdf results.json review.csv "

# ---- planted symlinks at every temporary name: nothing outside DIR is written
report --title Old -o d1
for f in report.pdf results.json episodes.csv rejects.csv review.csv manifest.json; do
  echo "victim $f" >"victim-$f"
  ln -s "$tmp/victim-$f" "d1/.$f.tmp"
done
mkdir victimdir && echo "victim" >victimdir/results.json
ln -s "$tmp/victimdir" .d1.outcomes-AAAAAA # the pattern of a staging directory
check planted_run run 0 "$bin" report --quiet --title New -o d1 in.csv
for f in report.pdf results.json episodes.csv rejects.csv review.csv manifest.json; do
  check "planted_${f}_victim_kept" test "$(cat "victim-$f")" = "victim $f"
  check "planted_${f}_regular" test -f "d1/$f" -a ! -L "d1/$f"
done
check planted_links_gone test "$(set_of d1)" = "$full"
check planted_stage_link_kept test -L .d1.outcomes-AAAAAA
check planted_stage_target_kept test "$(cat victimdir/results.json)" = victim
check planted_verify verified d1
check planted_new_set test "$(title_of d1)" = New
rm .d1.outcomes-AAAAAA
# the lock file planted as a symlink: refused, its target untouched
echo "victim lock" >victim-lock
ln -s "$tmp/victim-lock" .d1.outcomes.lock
check planted_lock run 3 "$bin" report --quiet -o d1 in.csv
check planted_lock_msg has "the lock file is a symbolic link: refusing to use it"
check planted_lock_victim test "$(cat victim-lock)" = "victim lock"
check planted_lock_set_kept test "$(title_of d1)" = New
rm .d1.outcomes.lock
# a FIFO as the lock file: refused, no hang
mkfifo .d1.outcomes.lock
check fifo_lock run 3 timeout 120 "$bin" report --quiet -o d1 in.csv # (a hang, not slowness)
check fifo_lock_msg has "the lock file is not a regular file"
rm .d1.outcomes.lock

# ---- sample -o FILE: a planted FILE.tmp (the old temporary name) is not followed
echo "victim sample" >victim-sample
ln -s "$tmp/victim-sample" s.csv.tmp
check sample_planted run 0 "$bin" sample --patients 5 -o s.csv
check sample_victim_kept test "$(cat victim-sample)" = "victim sample"
check sample_written test "$(head -c 10 s.csv)" = "patient_id"
check sample_no_temp test -z "$(ls -A | grep '^\.s\.csv\.')"
# a directory that cannot be written: the error names FILE, nothing left
mkdir ro && chmod a-w ro
if [ "$(id -u)" -ne 0 ]; then
  check sample_ro run 3 "$bin" sample --patients 5 -o ro/s.csv
  check sample_ro_msg has "ro/s.csv: cannot write"
fi

# ---- two runs started together into one directory, ten times: always one run's full set
for i in 1 2 3 4 5 6 7 8 9 10; do
  "$bin" report --title A -o race in.csv >"$tmp/a.out" 2>"$tmp/a.err" &
  pa=$!
  "$bin" report --title B -o race in.csv >"$tmp/b.out" 2>"$tmp/b.err" &
  pb=$!
  wait "$pa"; ra=$?
  wait "$pb"; rb=$?
  check "race_${i}_both_ran" test "$ra" -eq 0 -a "$rb" -eq 0
  check "race_${i}_one_set" verified race
  t=$(title_of race)
  check "race_${i}_title" test "$t" = A -o "$t" = B
  check "race_${i}_full" test "$(set_of race)" = "$full"
  check "race_${i}_nothing_beside" clean_beside race
done
# deterministic contention: A holds the lock (stopped after its first file), B starts then and
# says it waits; A goes on only after that
OUTCOMES_TEST_FAULT=stop "$bin" report --title A -o race2 in.csv >"$tmp/a.out" 2>"$tmp/a.err" &
pa=$!
check contention_a_holds stopped "$pa"
"$bin" report --title B -o race2 in.csv >"$tmp/b.out" 2>"$tmp/b.err" &
pb=$!
check contention_waited said "$tmp/b.err" "another run is writing this directory (lock ./.race2.outcomes.lock): waiting for it to end"
kill -CONT "$pa"
wait "$pa"; ra=$?
wait "$pb"; rb=$?
check contention_exits test "$ra" -eq 0 -a "$rb" -eq 0
check contention_last_wins test "$(title_of race2)" = B
check contention_verify verified race2
check contention_clean clean_beside race2

# ---- a kill (SIGKILL, as a crash) at each point of the commit, with and without
# RENAME_EXCHANGE: DIR holds the old set or the new set, never a mix; the next run cleans up
for mode in exchange noexchange; do
  for point in written before-swap after-aside after-swap removing-old; do
    [ "$mode" = exchange ] && [ "$point" = after-aside ] && continue
    rm -rf k .k.outcomes-* .k.outcomes.lock
    report --title Old -o k
    f="kill:$point"
    [ "$mode" = noexchange ] && f="noexchange,$f"
    (OUTCOMES_TEST_FAULT=$f "$bin" report --quiet --title New -o k in.csv; exit $?) 2>/dev/null
    rc=$?
    name="kill_${mode}_${point}"
    check "${name}_killed" test "$rc" -eq 137
    case $point in
      written | before-swap) want=Old ;;
      after-aside) want=missing ;;
      *) want=New ;;
    esac
    if [ "$want" = missing ]; then
      # between the fallback's two renames: DIR is absent, both sets complete beside it
      check "${name}_dir_absent" test ! -e k
      sets=0
      for s in .k.outcomes-*; do [ "$(set_of "$s")" = "$full" ] && sets=$((sets + 1)); done
      check "${name}_both_sets_beside" test "$sets" -eq 2
    else
      check "${name}_one_set" test "$(set_of k)" = "$full"
      check "${name}_verify" verified k
      check "${name}_title" test "$(title_of k)" = "$want"
    fi
    check "${name}_next_run" run 0 "$bin" report --quiet --title Next -o k in.csv
    check "${name}_next_clean" clean_beside k
    check "${name}_next_verify" verified k
  done
done
# a kill before the first rename into a directory that does not exist yet
rm -rf fresh
(OUTCOMES_TEST_FAULT=kill:before-swap "$bin" report --quiet -o fresh in.csv; exit $?) 2>/dev/null
check kill_fresh_nothing test ! -e fresh
check kill_fresh_next run 0 "$bin" report --quiet -o fresh in.csv
check kill_fresh_clean clean_beside fresh
rm -rf fresh2
(OUTCOMES_TEST_FAULT=kill:after-swap "$bin" report --quiet -o newp/a/fresh2 in.csv; exit $?) 2>/dev/null
check kill_fresh_after_swap_rc test $? -eq 137
check kill_fresh_after_swap_set verified newp/a/fresh2
check kill_fresh_after_swap_lock_left test -e newp/a/.fresh2.outcomes.lock
check kill_fresh_after_swap_next run 0 "$bin" report --quiet -o newp/a/fresh2 in.csv
check kill_fresh_after_swap_clean clean_beside newp/a/fresh2

# ---- a rename that fails: DIR keeps the old set, nothing is left beside it
for f in fail:swap noexchange,fail:aside noexchange,fail:install; do
  rm -rf r && report --title Old -o r
  name="fail_${f//[,:]/_}"
  check "${name}_exit" run 3 env OUTCOMES_TEST_FAULT=$f "$bin" report --quiet --title New -o r in.csv
  check "${name}_msg" has "r: cannot replace: Input/output error"
  check "${name}_old_kept" test "$(title_of r)" = Old
  check "${name}_verify" verified r
  check "${name}_clean" clean_beside r
done
# into new parents 40 levels deep: a failed run removes every directory it made
deep=deep$(printf '/d%s' $(seq 1 40))/out
check fail_deep_exit run 3 env OUTCOMES_TEST_FAULT=fail:install "$bin" report --quiet -o "$deep" in.csv
check fail_deep_msg has "cannot create: Input/output error"
check fail_deep_gone test ! -e deep
check deep_ok run 0 "$bin" report --quiet -o "$deep" in.csv
check deep_verify verified "$deep"

# ---- stale temporaries of an earlier crash (patient ids in them) are removed at the start
rm -rf st && report -o st >/dev/null
echo "P0000001,secret" >st/.episodes.csv.tmp
mkdir .st.outcomes-Zz9Zz9 && echo "P0000001,secret" >.st.outcomes-Zz9Zz9/episodes.csv
check stale_run run 0 "$bin" report --quiet --suppress-below 11 -o st in.csv
check stale_tmp_gone test ! -e st/.episodes.csv.tmp
check stale_stage_gone test ! -e .st.outcomes-Zz9Zz9
check stale_suppressed_set test "$(set_of st)" = "manifest.json report.pdf results.json "
check stale_verify verified st
check stale_no_ids bash -c "! grep -rqs P0000001 st .st.outcomes-* 2>/dev/null"
# a staging-like directory that holds something else is left as it is
mkdir .st.outcomes-Keep01 && echo mine >.st.outcomes-Keep01/notes.txt
check stale_foreign_run run 0 "$bin" report --quiet -o st in.csv
check stale_foreign_kept test "$(cat .st.outcomes-Keep01/notes.txt)" = mine
rm -rf .st.outcomes-Keep01

# ---- DIR holding a file that is not ours: refused, nothing changed
rm -rf fo && report --title Old -o fo
echo "my notes" >fo/notes.txt
check foreign_exit run 3 "$bin" report --quiet --title New -o fo in.csv
check foreign_msg has "fo: holds 'notes.txt', which outcomes did not write"
check foreign_kept test "$(cat fo/notes.txt)" = "my notes"
check foreign_old_set test "$(title_of fo)" = Old
check foreign_clean clean_beside fo
mkdir fo2 && mkdir fo2/sub
check foreign_dir_exit run 3 "$bin" report --quiet -o fo2 in.csv
check foreign_dir_kept test -d fo2/sub

# ---- DIR given as a symlink or as ".": the directory it names is replaced, the link kept
rm -rf real && report --title Old -o real && ln -s real link
check link_run run 0 "$bin" report --quiet --title New -o link in.csv
check link_kept test -L link
check link_new test "$(title_of real)" = New
check link_clean clean_beside real
(cd real && "$bin" report --quiet --title Dot -o . ../in.csv)
check dot_run test "$(title_of real)" = Dot
check dot_verify bash -c "cd real && '$bin' verify . >/dev/null" # inputs relative to real
# the directory's mode is kept
chmod 750 real
report -o real
check mode_kept test "$(stat -c %a real)" = 750

# ---- a signal while the lock is held removes the staging directory and the lock file
rm -rf sg && report --title Old -o sg
OUTCOMES_TEST_FAULT=stop "$bin" report --quiet --title New -o sg in.csv &
p=$!
check signal_staged stopped "$p"
kill -TERM "$p"
kill -CONT "$p"
wait "$p"
check signal_exit test $? -eq 143
check signal_clean clean_beside sg
check signal_old_kept test "$(title_of sg)" = Old

# ---- the other refusals of -o, each with its message
check root_dir run 3 "$bin" report --quiet -o / in.csv
check root_dir_msg has "/: the root directory cannot be an output directory"
check empty_dir run 3 "$bin" report --quiet -o "" in.csv
check empty_dir_msg has "the output directory name is empty"
ln -s "$tmp/nowhere" dangling
check dangling_link run 3 "$bin" report --quiet -o dangling in.csv
check dangling_link_msg has "dangling: cannot resolve the directory: No such file or directory"
check dangling_nowhere test ! -e nowhere
# a read-only file system (a tmpfs remounted read-only, where this machine lets us mount one):
# the lock cannot be made, the set stays
mkdir rofs
if mount -t tmpfs -o size=4m tmpfs rofs 2>/dev/null; then
  report --title Old -o rofs/out
  mount -o remount,ro rofs
  check rofs_exit run 3 "$bin" report --quiet --title New -o rofs/out in.csv
  check rofs_msg has "rofs/.out.outcomes.lock: cannot create the lock file: Read-only file system"
  check rofs_old_kept test "$(title_of rofs/out)" = Old
  check sample_rofs run 3 "$bin" sample --patients 5 -o rofs/s.csv
  check sample_rofs_msg has "rofs/s.csv: cannot write: Read-only file system (the file is replaced by a rename: its directory must be writable)"
  umount rofs
else
  echo "skip rofs: cannot mount a tmpfs here"
fi

# ---- signals ignored when a run starts stay ignored (issue 13, second round): under nohup
# (SIGHUP ignored) or as a background job of a script (SIGINT ignored), a hang-up or ^C during
# the run must not kill it (the commit's guard used to install its handler regardless)
for sig in HUP INT; do
  rm -rf ig && report --title Old -o ig
  (trap '' "$sig"; exec env OUTCOMES_TEST_FAULT=stop "$bin" report --quiet --title New -o ig in.csv) &
  p=$!
  check "ignored_${sig}_staged" stopped "$p"
  kill -"$sig" "$p"
  kill -CONT "$p"
  wait "$p"
  check "ignored_${sig}_survives" test $? -eq 0
  check "ignored_${sig}_new_set" test "$(title_of ig)" = New
  check "ignored_${sig}_verify" verified ig
  check "ignored_${sig}_clean" clean_beside ig
done

# ---- sample -o FILE killed while it writes: its temporary (hundreds of MB) is removed. It is
# stopped once its temporary is there, and seen to be still writing, before the signal
"$bin" sample --patients 1000000 -o big.csv &
p=$!
said_temp() {
  local i
  for i in $(seq 1 1200); do
    ls -A | grep -q '^\.big\.csv\.' && return 0
    sleep 0.1
  done
  echo "  no temporary of big.csv"
  return 1
}
check sample_temp_made said_temp
kill -STOP "$p"
check sample_stopped stopped "$p"
check sample_stopped_writing test -n "$(ls -A | grep '^\.big\.csv\.')" -a ! -e big.csv
kill -TERM "$p"
kill -CONT "$p"
wait "$p"
check sample_killed_exit test $? -eq 143
check sample_killed_no_temp test -z "$(ls -A | grep '^\.big\.csv\.')"
check sample_killed_no_file test ! -e big.csv
# sample -o LINK: the file the link names is replaced, the link kept; a dangling link refused
echo old >sample-target.csv && ln -s sample-target.csv sample-link.csv
check sample_link_run run 0 "$bin" sample --patients 5 -o sample-link.csv
check sample_link_kept test -L sample-link.csv
check sample_link_target_new test "$(head -c 10 sample-target.csv)" = "patient_id"
ln -s "$tmp/sample-nowhere" sample-dangling.csv
check sample_dangling run 3 "$bin" sample --patients 5 -o sample-dangling.csv
check sample_dangling_msg has "sample-dangling.csv: cannot resolve the link: No such file or directory"
check sample_dangling_nothing test ! -e sample-nowhere

# ---- a directory named like a temporary of another one (.x.outcomes-XXXXXX) would be removed
# as a crash's leftover by the next run into x: such names are refused for -o
rm -rf x .x.outcomes-AAAAAA
check reserved_stage run 3 "$bin" report --quiet -o .x.outcomes-AAAAAA in.csv
check reserved_stage_msg has ".x.outcomes-AAAAAA: the name is of the form outcomes gives its temporary files"
check reserved_stage_nothing test ! -e .x.outcomes-AAAAAA
check reserved_lock run 3 "$bin" report --quiet -o .x.outcomes.lock in.csv
check reserved_lock_nothing test ! -e .x.outcomes.lock
# (a link of that name to a report directory writes the directory it names, and a run into
# x leaves the link: only directories of this user are taken for leftovers)
mkdir -p realstage && report -o realstage && ln -s realstage .x.outcomes-BBBBBB
check reserved_via_link run 0 "$bin" report --quiet -o .x.outcomes-BBBBBB in.csv
check reserved_via_link_x run 0 "$bin" report --quiet -o x in.csv
check reserved_via_link_kept test -L .x.outcomes-BBBBBB -a -f realstage/results.json
rm .x.outcomes-BBBBBB
check reserved_like_ok run 0 "$bin" report --quiet -o x.outcomes-AAAAAA in.csv # no leading dot
# the lock file planted as a hard link to a file outside: used as a lock, only the link goes
echo precious >lock-victim && ln lock-victim .hl.outcomes.lock
check hardlink_lock_run run 0 "$bin" report --quiet -o hl in.csv
check hardlink_lock_victim test "$(cat lock-victim)" = precious
check hardlink_lock_gone test ! -e .hl.outcomes.lock
# three spellings of one directory (a//b/, through a symlinked parent, the directory's own
# link) take the same lock: each waits for the run holding it
rm -rf sp splink && mkdir -p sp && ln -s sp splink && report -o sp/x && ln -sfn sp/x spx
for spelling in './sp//x/' 'splink/x' 'spx'; do
  OUTCOMES_TEST_FAULT=stop "$bin" report --quiet --title A -o sp/x in.csv &
  pa=$!
  check "spelling_${spelling//[\/.]/_}_a_holds" stopped "$pa"
  "$bin" report --title B -o "$spelling" in.csv >"$tmp/b.out" 2>"$tmp/b.err" &
  pb=$!
  check "spelling_${spelling//[\/.]/_}_waited" said "$tmp/b.err" "waiting for it to end"
  kill -CONT "$pa"
  wait "$pa"
  wait "$pb"
  rb=$?
  check "spelling_${spelling//[\/.]/_}_exit" test "$rb" -eq 0
  check "spelling_${spelling//[\/.]/_}_last" test "$(title_of sp/x)" = B
done
# a mount point as DIR: no rename can swap it; refused with a hint, nothing lost
mkdir mnt
if mount -t tmpfs -o size=8m tmpfs mnt 2>/dev/null; then
  echo keep >"$tmp/mnt-marker"
  check mount_exit run 3 "$bin" report --quiet -o mnt in.csv
  check mount_msg has "mnt: cannot replace: Device or resource busy (a mount point cannot be swapped: give -o a directory inside it)"
  check mount_clean clean_beside mnt
  check mount_empty test -z "$(ls -A mnt)"
  umount mnt
else
  echo "skip mount: cannot mount a tmpfs here"
fi
# SIGPIPE (stderr's reader gone) while the set is staged: cleaned up like SIGTERM
rm -rf sp2 && report --title Old -o sp2
OUTCOMES_TEST_FAULT=stop "$bin" report --quiet --title New -o sp2 in.csv &
p=$!
check sigpipe_staged stopped "$p"
kill -PIPE "$p"
kill -CONT "$p"
wait "$p"
check sigpipe_exit test $? -eq 141
check sigpipe_clean clean_beside sp2
check sigpipe_old_kept test "$(title_of sp2)" = Old
# the lock planted as a directory: refused, the directory and DIR's set left as they were
rm -rf ld && report --title Old -o ld && mkdir .ld.outcomes.lock && echo mine >.ld.outcomes.lock/f
check dir_lock run 3 "$bin" report --quiet --title New -o ld in.csv
check dir_lock_msg has "ld.outcomes.lock: cannot create the lock file: Is a directory"
check dir_lock_kept test "$(cat .ld.outcomes.lock/f)" = mine
check dir_lock_set_kept test "$(title_of ld)" = Old
rm -rf .ld.outcomes.lock
# the umask is what a new set gets (077: nothing for others, in the staging directory too)
rm -rf um7 um0
(umask 077 && "$bin" report --quiet -o um7 in.csv)
check umask077_dir test "$(stat -c %a um7)" = 700
check umask077_files test "$(stat -c %a um7/* | sort -u | tr '\n' ' ')" = "600 "
(umask 000 && "$bin" report --quiet -o um0 in.csv)
check umask000_dir test "$(stat -c %a um0)" = 777
check umask000_files test "$(stat -c %a um0/* | sort -u | tr '\n' ' ')" = "666 "
# SIGINT (not ignored: `trap - INT` undoes the background job's ignoring) while the set is
# staged, then verify: the old set, complete, nothing beside it
rm -rf si && report --title Old -o si
(trap - INT; exec env OUTCOMES_TEST_FAULT=stop "$bin" report --quiet --title New -o si in.csv) &
p=$!
check sigint_staged stopped "$p"
kill -INT "$p"
kill -CONT "$p"
wait "$p"
check sigint_exit test $? -eq 130
check sigint_clean clean_beside si
check sigint_old_kept test "$(title_of si)" = Old
check sigint_verify verified si

# an -o path longer than PATH_MAX (5,000 slashes) is never cut to another directory (a fixed
# 4096-byte buffer once made it the parent, `long`): it is refused whole, naming the cause, and
# nothing is written anywhere
mkdir -p long && slashes=$(printf '%5000s' '' | tr ' ' /)
check long_path run 3 "$bin" report --quiet -o "long${slashes}x" in.csv
check long_path_said grep -q 'File name too long' "$tmp/err"
check long_path_nothing test -z "$(ls -A long)"

# every results.json and manifest.json left against the schemas (docs/)
source "$(dirname "${BASH_SOURCE[0]}")/schema.sh"
schema_check "$src" "$tmp"

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]

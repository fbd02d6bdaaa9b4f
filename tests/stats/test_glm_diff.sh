#!/usr/bin/env bash
# The differential test of stats_glm_logit against R's glm.fit: glm_diff draws 1,500 small
# designs from a fixed seed, glm_diff.R fits them all in one Rscript run, glm_diff compares
# (glm_diff.c says what and to which tolerance). Exit 77 (CTest: skipped) without Rscript.
# Usage: test_glm_diff.sh GLM_DIFF_BINARY GLM_DIFF_SCRIPT
set -uo pipefail
bin=$1
script=$2
if ! command -v Rscript >/dev/null 2>&1; then
  echo "test_glm_diff: SKIPPED: Rscript not found (scripts/deps --test installs it)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" cases "$tmp/cases.txt" || exit 1
Rscript "$script" "$tmp/cases.txt" "$tmp/r.txt" || { echo "test_glm_diff: Rscript failed"; exit 1; }
"$bin" compare "$tmp/cases.txt" "$tmp/r.txt"

#!/usr/bin/env bash
# The differential test of src/stats against R: r_diff draws a few thousand cases from a fixed
# seed, r_diff.R computes R's answers for all of them in one Rscript run, r_diff compares
# (r_diff.c says what and to which tolerance). Exit 77 (CTest: skipped) when R or the survival
# package is missing: scripts/deps --test installs both.
# Usage: test_r_diff.sh R_DIFF_BINARY R_DIFF_SCRIPT
set -uo pipefail
bin=$1
script=$2
if ! command -v Rscript >/dev/null 2>&1; then
  echo "test_r_diff: SKIPPED: Rscript not found (install r-base-core r-cran-survival: scripts/deps --test)"
  exit 77
fi
if ! Rscript -e 'suppressPackageStartupMessages(library(survival))' >/dev/null 2>&1; then
  echo "test_r_diff: SKIPPED: R's survival package not found (install r-cran-survival)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" cases "$tmp/cases.txt" || exit 1
Rscript -e 'cat(R.version.string, "; survival", format(packageVersion("survival")), "\n")'
Rscript "$script" "$tmp/cases.txt" "$tmp/r.txt" || { echo "test_r_diff: Rscript failed"; exit 1; }
"$bin" compare "$tmp/cases.txt" "$tmp/r.txt"

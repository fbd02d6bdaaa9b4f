# Shared by the command-line test scripts (sourced, not run): the pass/fail tally and check.
# A script sources it, runs checks, and ends with
#   echo "$passed passed, $failures failed"; [ "$failures" -eq 0 ]
failures=0
passed=0
check() { # NAME CONDITION-COMMAND...: counts a pass, or prints FAIL NAME and counts a failure
  local name=$1
  shift
  if "$@"; then passed=$((passed + 1)); else echo "FAIL $name"; failures=$((failures + 1)); fi
}

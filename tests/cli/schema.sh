# Shared by the command-line test scripts (sourced, not run): schema_check SOURCE_DIR DIR
# validates every results.json and manifest.json under DIR against docs/results.schema.json and
# docs/manifest.schema.json (tests/tools/validate_schema.py, python3-jsonschema; only those a
# report left as it wrote them: tests plant and tamper with others), counting a
# pass or a failure per schema in the caller's passed/failures; without python3-jsonschema it
# prints a skip line (scripts/deps --test installs it).
schema_check() {
  local src=$1 dir=$2 kind out rc
  local -a files
  for kind in results manifest; do
    mapfile -t files < <(find "$dir" -name "$kind.json" -type f 2>/dev/null | sort)
    [ ${#files[@]} -gt 0 ] || continue
    out=$(python3 "$src/tests/tools/validate_schema.py" --as-written "$src/docs/$kind.schema.json" "${files[@]}" 2>&1)
    rc=$?
    if [ "$rc" -eq 77 ]; then
      echo "skip schema_$kind: $out"
    elif [ "$rc" -eq 0 ]; then
      passed=$((passed + 1))
    else
      echo "FAIL schema_$kind (${#files[@]} files checked):"
      echo "$out" | head -n 20
      failures=$((failures + 1))
    fi
  done
}

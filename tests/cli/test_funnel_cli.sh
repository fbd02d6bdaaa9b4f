#!/usr/bin/env bash
# The fair comparison of clinicians and sites (SPEC 11), end to end: the case-mix model in
# results.json and fitted_response_p in episodes.csv against R glm(..., family = binomial)
# (values committed below; with Rscript installed, also refitted live by funnel_glm.R), and
# each bad shape of SPEC 11 (one clinician, separation, all or no responders, a covariate with
# one level, a constant baseline, 3,000 clinicians of one episode) giving a defined result.
# Usage: test_funnel_cli.sh OUTCOMES SOURCE_DIR JSON_COMPARE JSON_GET
set -uo pipefail
bin=$1
src=$2
get=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C
. "$src/tests/cli/lib.sh"
close() { awk -v a="$1" -v b="$2" -v t="${3:-1e-6}" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "null" && d <= t) }'; }
j() { "$get" "$1/results.json" "$2"; }
units() { python3 -c "import json; print(len(json.load(open('$1/results.json'))['funnel']['$2']))"; }

# --- sample-data, default model. R 4.2.2 on the report's own episodes.csv:
# d <- subset(read.csv("episodes.csv"), eligible == 1 & mature == 1)
# g <- glm(responder ~ baseline_score, family = binomial, data = d)
# coef(g): -0.14882426069194629 0.0085851022455969601; g$iter 3; nrow(d) 486
# tapply(fitted(g), d$clinician, sum)[1:3]: 32.16209398331825 30.107029849546013 32.170669008141658
# tapply(fitted(g), d$site, sum): 46.647687117357677 94.439792841005925 77.721065656774186 25.191454384859377
"$bin" report -q -o "$tmp/a" "$src/sample-data/sessions.csv" || { echo "FAIL report"; exit 1; }
check formula test "$(j "$tmp/a" funnel.model.formula)" = "responder ~ baseline_score"
check intercept close "$(j "$tmp/a" funnel.model.coefficients.0.estimate)" -0.14882426069194629
check baseline_coef close "$(j "$tmp/a" funnel.model.coefficients.1.estimate)" 0.0085851022455969601
check iterations test "$(j "$tmp/a" funnel.model.iterations)" = 3
check converged test "$(j "$tmp/a" funnel.model.converged)" = true
check n test "$(j "$tmp/a" funnel.model.n)" = 486
check adjusted test "$(j "$tmp/a" funnel.model.adjusted)" = true
i=0
for e in 32.16209398331825 30.107029849546013 32.170669008141658; do
  check "expected_c$i" close "$(j "$tmp/a" funnel.clinician.$i.expected)" "$e"
  i=$((i + 1))
done
i=0
for e in 46.647687117357677 94.439792841005925 77.721065656774186 25.191454384859377; do
  check "expected_site$i" close "$(j "$tmp/a" funnel.site.$i.expected)" "$e"
  i=$((i + 1))
done
check twelve_clinicians test "$(j "$tmp/a" funnel.clinician.11.value)" = c12
# the adjusted rate and the flag follow from the unit's counts and p-bar
check adjusted_rate python3 -c "
import json, math, sys
f = json.load(open('$tmp/a/results.json'))['funnel']
p = f['centre']
for u in f['clinician'] + f['site']:
    assert abs(u['adjusted_rate'] - u['observed'] / u['expected'] * p) < 1e-12, u
    se = math.sqrt(p * (1 - p) / u['n'])
    r = u['adjusted_rate']
    want = ('above_99.8' if r > p + 3.090232 * se else 'above_95' if r > p + 1.959964 * se else
            'below_99.8' if r < p - 3.090232 * se else 'below_95' if r < p - 1.959964 * se else 'inside')
    assert u['flag'] == want, u
    assert abs(u['followup'] - u['with_endpoint'] / u['n']) < 1e-15
"
# episodes.csv: fitted_response_p last, its sums are the expected counts
check fitted_column test "$(head -1 "$tmp/a/episodes.csv" | awk -F, '{ print $NF }')" = fitted_response_p
check fitted_sum awk -F, -v want="$(j "$tmp/a" funnel.clinician.0.expected)" '
  NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  $c["clinician"] == "c01" && $c["fitted_response_p"] != "" { s += $c["fitted_response_p"] }
  END { d = s - want; exit !(d < 1e-9 && d > -1e-9) }' "$tmp/a/episodes.csv"

# --- --adjust baseline,route,drug on sample-data with drug made independent of route (IV rows
# of patients whose id ends in an odd digit given esketamine; drug blanked for ids ending in 7:
# a fixture, not a clinic). R 4.2.2, funnel_glm.R on its episodes.csv (rows with an empty drug
# left out, levels in byte order):
# glm(responder ~ baseline_score + route + drug, family = binomial): 0.028186528898490881
# 0.010939957337512612 -0.27654857232657842 -0.13767912804408888 0.46503692005094949
# -0.089807351235729471; g$iter 4; nrow(d) 435 (51 left out)
# expected by clinician c01..c03: 31.035181851586387 26.663862156483592 28.429616891461905;
# by site: 44.634669586653011 86.12866089953188 70.040601619266184 24.196067894548474
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next }
  { d = substr($1, length($1), 1); if ($6 == "iv" && d ~ /[13579]/) $7 = "esketamine"; if (d == "7") $7 = ""; print }' \
  "$src/sample-data/sessions.csv" >"$tmp/mixed.csv"
"$bin" report -q --adjust baseline,route,drug -o "$tmp/m" "$tmp/mixed.csv" || echo "FAIL adjusted report"
check adj_formula test "$(j "$tmp/m" funnel.model.formula)" = "responder ~ baseline_score + route + drug"
i=0
for t in "(Intercept)" baseline_score routeintranasal routeiv routesublingual drugketamine; do
  check "adj_term$i" test "$(j "$tmp/m" funnel.model.coefficients.$i.term)" = "$t"
  i=$((i + 1))
done
i=0
for e in 0.028186528898490881 0.010939957337512612 -0.27654857232657842 -0.13767912804408888 \
  0.46503692005094949 -0.089807351235729471; do
  check "adj_coef$i" close "$(j "$tmp/m" funnel.model.coefficients.$i.estimate)" "$e"
  i=$((i + 1))
done
check adj_n test "$(j "$tmp/m" funnel.model.n)" = 435
check adj_left_out test "$(j "$tmp/m" funnel.model.left_out)" = 51
check adj_iter test "$(j "$tmp/m" funnel.model.iterations)" = 4
i=0
for e in 31.035181851586387 26.663862156483592 28.429616891461905; do
  check "adj_expected_c$i" close "$(j "$tmp/m" funnel.clinician.$i.expected)" "$e"
  i=$((i + 1))
done
i=0
for e in 44.634669586653011 86.12866089953188 70.040601619266184 24.196067894548474; do
  check "adj_expected_site$i" close "$(j "$tmp/m" funnel.site.$i.expected)" "$e"
  i=$((i + 1))
done
# on the sample itself route decides drug: drugketamine is aliased, R's NA, unadjusted
"$bin" report -q --adjust baseline,route,drug -o "$tmp/al" "$src/sample-data/sessions.csv"
check aliased_null test "$(j "$tmp/al" funnel.model.coefficients.5.estimate)" = null
check aliased_unadjusted test "$(j "$tmp/al" funnel.model.adjusted)" = false
check aliased_reason grep -q '"reason": "the design is rank-deficient' "$tmp/al/results.json"
check aliased_expected close "$(j "$tmp/al" funnel.clinician.0.expected)" \
  "$(awk -v n="$(j "$tmp/al" funnel.clinician.0.n)" -v p="$(j "$tmp/al" funnel.centre)" 'BEGIN { printf "%.17g", n * p }')" 1e-9
check aliased_page sh -c "pdftotext '$tmp/al/report.pdf' - | tr '\n' ' ' | grep -q 'Fair comparison: clinicians.*Unadjusted comparison'"

# --- the live R differential run over the same two cases, when R is here
if command -v Rscript >/dev/null; then
  for c in "a baseline" "m baseline,route,drug"; do
    set -- $c
    Rscript "$src/tests/cli/funnel_glm.R" "$tmp/$1" "$2" >"$tmp/r_$1.txt" 2>/dev/null
    check "r_maxdiff_$1" awk '/^maxdiff/ { found = 1; ok = $2 < 1e-9 } END { exit !(found && ok) }' "$tmp/r_$1.txt"
    check "r_expected_$1" python3 -c "
import json
f = json.load(open('$tmp/$1/results.json'))['funnel']
got = {(v, u['value']): u['expected'] for v in ('clinician', 'site') for u in f[v]}
n = 0
for line in open('$tmp/r_$1.txt'):
    w = line.split()
    if w[0] == 'expected':
        assert abs(got[(w[1], w[2])] - float(w[3])) < 1e-6, w
        n += 1
    if w[0] == 'coef':
        t = [c for c in f['model']['coefficients'] if c['term'] == w[1]][0]
        assert abs(t['estimate'] - float(w[2])) < 1e-6, w
assert n == len(got), (n, len(got))
"
  done
fi

# --- bad shapes, each a small export written here
DATES='
function ds(z,   era, doe, yoe, y, doy, mp, d, m) {
  z += 719468; era = int(z / 146097); doe = z - era * 146097
  yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
  y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
  mp = int((5 * doy + 2) / 153); d = doy - int((153 * mp + 2) / 5) + 1
  m = mp < 10 ? mp + 3 : mp - 9
  return sprintf("%04d-%02d-%02d", y + (m <= 2), m, d)
}'
# gen N NCLIN RULE [DRUG]: N patients, each a treatment with a PHQ-9 baseline b = 10 + (i * 7) % 18
# and an assessment on day 28 scoring e; RULE (awk) sets resp from b and i; clinician
# c(i % NCLIN); route iv or im by i; drug DRUG (default ketamine), "mix" alternates.
gen() {
  awk -v N="$1" -v C="$2" -v drug="${4:-ketamine}" "$DATES"'
  BEGIN {
    print "patient_id,session_date,session_type,site,clinician,route,drug,dose_mg,phq9"
    for (i = 0; i < N; i++) {
      b = 10 + (i * 7) % 18; '"$3"'
      e = resp ? int(b / 2) : b - 1
      t = 20089 + i % 300
      dr = drug == "mix" ? (i % 3 ? "ketamine" : "esketamine") : drug
      printf "P%05d,%s,treatment,s%d,c%04d,%s,%s,40,%d\n", i, ds(t), i % 2, i % C, i % 2 ? "iv" : "im", dr, b
      printf "P%05d,%s,assessment,,,,,,%d\n", i, ds(t + 28), e
    }
  }'
}
run() { # NAME ARGS...: report into $tmp/NAME, exit 0 and no crash report
  local name=$1
  shift
  if ! timeout 120 "$bin" report -q --as-of 2026-12-31 -o "$tmp/$name" "$@" 2>"$tmp/$name.err" ||
    grep -qE 'Sanitizer|runtime error|gsl:' "$tmp/$name.err"; then
    echo "FAIL $name: did not run cleanly"; head -3 "$tmp/$name.err"; failures=$((failures + 1)); return 1
  fi
}
gen 60 1 'resp = (i % 3 == 0)' >"$tmp/one.csv"
run one_clinician "$tmp/one.csv" && {
  check one_units test "$(units "$tmp/one_clinician" clinician)" = 1
  check one_flag test "$(j "$tmp/one_clinician" funnel.clinician.0.flag)" = inside
  check one_rate close "$(j "$tmp/one_clinician" funnel.clinician.0.adjusted_rate)" "$(j "$tmp/one_clinician" funnel.centre)" 1e-9
}
gen 60 5 'resp = (b >= 19)' >"$tmp/sep.csv" # baseline separates responders completely
run separation "$tmp/sep.csv" && {
  check sep_unadjusted test "$(j "$tmp/separation" funnel.model.adjusted)" = false
  check sep_converged test "$(j "$tmp/separation" funnel.model.converged)" = false
  check sep_iterations test "$(j "$tmp/separation" funnel.model.iterations)" = 25
  check sep_reason grep -q '"reason": "the model did not converge in 25 iterations"' "$tmp/separation/results.json"
}
gen 40 4 'resp = 1' >"$tmp/all.csv"
run all_responders "$tmp/all.csv" && {
  check all_unadjusted test "$(j "$tmp/all_responders" funnel.model.adjusted)" = false
  check all_reason grep -q '"reason": "every episode in the comparison responded' "$tmp/all_responders/results.json"
  check all_rate test "$(j "$tmp/all_responders" funnel.clinician.0.adjusted_rate)" = 1
}
gen 40 4 'resp = 0' >"$tmp/none.csv"
run no_responders "$tmp/none.csv" && {
  check none_reason grep -q '"reason": "no episode in the comparison responded' "$tmp/no_responders/results.json"
  check none_rate test "$(j "$tmp/no_responders" funnel.clinician.0.adjusted_rate)" = 0
  check none_flag test "$(j "$tmp/no_responders" funnel.clinician.0.flag)" = inside
}
gen 60 4 'resp = (i % 3 == 0)' >"$tmp/lvl.csv" # every episode ketamine
run one_level --adjust baseline,drug "$tmp/lvl.csv" && {
  check lvl_dropped test "$(j "$tmp/one_level" funnel.model.dropped.0)" = drug
  check lvl_formula test "$(j "$tmp/one_level" funnel.model.formula)" = "responder ~ baseline_score"
  check lvl_adjusted test "$(j "$tmp/one_level" funnel.model.adjusted)" = true
}
gen 60 4 'resp = (i % 3 == 0); b = 15' >"$tmp/const.csv"
run constant_baseline "$tmp/const.csv" && {
  check const_unadjusted test "$(j "$tmp/constant_baseline" funnel.model.adjusted)" = false
  check const_null test "$(j "$tmp/constant_baseline" funnel.model.coefficients.1.estimate)" = null
  check const_reason grep -q '"reason": "the design is rank-deficient' "$tmp/constant_baseline/results.json"
}
gen 3000 3000 'resp = (i % 5 < 2)' >"$tmp/many.csv"
run many_clinicians "$tmp/many.csv" && {
  check many_units test "$(units "$tmp/many_clinicians" clinician)" = 3000
  check many_n1 test "$(j "$tmp/many_clinicians" funnel.clinician.2999.n)" = 1
  check many_inside sh -c "! grep -q '\"flag\": \"[ab]' '$tmp/many_clinicians/results.json'"
  check many_pages sh -c "pdftotext '$tmp/many_clinicians/report.pdf' - | grep -q 'Fair comparison: clinicians'"
}
run adjust_none --adjust none "$tmp/one.csv" && {
  check none_formula test "$(j "$tmp/adjust_none" funnel.model.formula)" = "responder ~ 1"
  check none_adjusted_is_centre close "$(j "$tmp/adjust_none" funnel.clinician.0.expected)" \
    "$(awk -v n="$(j "$tmp/adjust_none" funnel.clinician.0.n)" -v p="$(j "$tmp/adjust_none" funnel.centre)" 'BEGIN { printf "%.17g", n * p }')" 1e-9
}
# usage errors name the option
for bad in "route,route" "dose" "" "baseline,"; do
  "$bin" report --adjust "$bad" -o "$tmp/bad" "$tmp/one.csv" 2>"$tmp/bad.err"
  check "bad_adjust_exit_[$bad]" test $? -eq 2
  check "bad_adjust_msg_[$bad]" grep -q "^outcomes: --adjust: expected a comma list of baseline, route, drug" "$tmp/bad.err"
done

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]

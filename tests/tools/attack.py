#!/usr/bin/env python3
"""attack.py: plays the attacker on a suppressed report (SPEC section 9, issue 12).

usage: attack.py RAW_DIR SUP_DIR N

RAW_DIR holds results.json of a run without suppression, SUP_DIR results.json and report.pdf
of the same run with --suppress-below N. Known from RAW: every value; the attacker sees only
SUP. Tries to recover each withheld count from what SUP publishes:
  - a published rate (or centre) times every published count;
  - a published total minus its published parts (flow, reasons, files and each file's
    accounting and FHIR resources skipped, strata values, bins,
    months, CADSS by session), and a withheld total from its published parts;
  - a count and a published part of it (n - events, item 9 >= 1 - >= 2, sessions - measured,
    consecutive CADSS n per session): the difference must not be from 1 to N-1;
  - centre lines against the published monthly n and events;
  - Kaplan-Meier: no per-step rows; consecutive "at" rows inverted into n at risk;
  - counts of two tables over the same rows (item 9 encounters and rows without item 9; the
    adverse-event codes' sessions and the sessions with any), when they add up in RAW;
  - Kaplan-Meier "at" rows of a curve whose n is withheld (the first gives n); SBP min/max;
  - one PDF label for every withheld count (a second, "N or more", split N+1 into N and 1);
  - the PDF's text (pdftotext -layout): the labelled places (flow boxes, tiles, item 9, safety
    and quality tables, centre lines, log-rank lines, adverse-event names) must show a withheld
    value as "< N" or "(suppressed)", and no withheld rate may be printed.
Prints every finding and exits 1 when there is one.
"""
import json
import math
import re
import subprocess
import sys

raw_dir, sup_dir, N = sys.argv[1], sys.argv[2], int(sys.argv[3])
raw = json.load(open(raw_dir + "/results.json"))
sup = json.load(open(sup_dir + "/results.json"))
pdf = subprocess.run(["pdftotext", "-layout", sup_dir + "/report.pdf", "-"], check=True,
                     capture_output=True, text=True).stdout
findings = []


def find(msg):
    findings.append(msg)


def get(doc, path):
    for k in path:
        if isinstance(doc, list):
            if not isinstance(k, int) or k >= len(doc):
                return None
        elif not isinstance(doc, dict) or k not in doc:
            return None
        doc = doc[k]
    return doc


def walk(doc, path=()):
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from walk(v, path + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from walk(v, path + (i,))
    else:
        yield path, doc


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


NOT_COUNTS = {"time", "session", "above", "threshold", "schema", "from", "to", "min", "max",
              "q1", "q3", "median", "mean", "baseline_window_days", "min_baseline",
              "remission_max", "episode_gap_days", "suppress_below", "df", "chisq", "p",
              "median_ci", "surv", "lower", "upper", "rate", "centre", "ci", "x", "estimate",
              "definition", "sessions_in_window", "sessions_median", "interval_median_days",
              "followup_days", "minimum_minutes", "limits95", "limits998"}
# the funnel's numbers that are not counts (a rate of 1 or 0 is written as an integer)
FUNNEL_NOT_COUNTS = {"iterations", "estimate", "expected", "adjusted_rate", "followup",
                     "centre", "followup_centre"}


def count_paths(doc):
    for path, v in walk(doc):
        if path[0] == "definitions" or any(isinstance(k, str) and k in NOT_COUNTS for k in path):
            continue
        if path[0] == "funnel" and path[-1] in FUNNEL_NOT_COUNTS:
            continue
        if is_int(v):
            yield path, v


# every withheld count: null in SUP, a count in RAW
withheld = {p: v for p, v in count_paths(raw) if get(sup, p) is None and "curve" not in p}
published_counts = {path: v for path, v in count_paths(sup)}
published_values = set(published_counts.values())
name = lambda p: ".".join(str(k) for k in p)

# 0. no per-step rows, no small published count
for k in ("time_to_response", "time_to_remission", "sessions_to_response",
          "sessions_to_remission", "durability"):
    if get(sup, (k, "curve")):
        find(f"{k}: per-step curve rows published under suppression")
for path, v in published_counts.items():
    if 1 <= v < N:
        find(f"{name(path)} = {v} published (a count below {N})")
for path, v in walk(sup):
    if path[-1:] == ("suppressed",) and v is not True:
        find(f"{name(path)}: 'suppressed' is not true")

# 1. rates times counts
rates = []
for path, v in walk(sup):
    if path[-1:] in (("rate",), ("centre",)) and isinstance(v, (int, float)) and v is not None:
        # a benchmark's rate and n are a paper's (benchmarks.csv), not the export's: that they
        # multiply to a withheld count is chance, nothing is learnt from the data
        if "at" not in path and path[0] != "benchmarks":
            rates.append((path, float(v)))
for rpath, r in rates:
    for npath, n in published_counts.items():
        if n <= 0:
            continue
        x = r * n
        c = round(x)
        if c >= 1 and abs(x - c) < 1e-9 * max(1, n):
            hits = [p for p, v in withheld.items() if v == c]
            if rpath[-1] == "centre":  # a centre is over the months: a month's or the flow's
                hits = [p for p in hits if p[0] in ("monthly", "monthly_remission", "flow",
                                                     "response", "remission")]
            # a count that SUP publishes somewhere tells nothing new
            if hits and c not in published_values:
                # the rate's own numerator withheld and recovered exactly: a leak
                own = rpath[:-1] + ("events",)
                if own in withheld and withheld[own] == c and npath == rpath[:-1] + ("n",):
                    find(f"{name(rpath)} x {name(npath)} = {c} = withheld {name(own)}")
                elif rpath[:-1] + ("n",) == npath or rpath[-1] == "centre":
                    find(f"{name(rpath)} x {name(npath)} = {c}, withheld at {name(hits[0])}")

# rates whose numerator is withheld must be withheld too
for path, v in walk(raw):
    if path[-1:] == ("rate",) and v is not None:
        ev = path[:-1] + ("events",)
        if ev in withheld and get(sup, path) is not None:
            find(f"{name(path)} published while {name(ev)} is withheld")

# 2. totals and parts
def group(total, parts, label):
    """total and parts are paths; the group holds when RAW's parts add up to RAW's total."""
    rt, rp = get(raw, total), [get(raw, p) for p in parts]
    if not is_int(rt) or any(not is_int(v) for v in rp) or sum(rp) != rt:
        return
    st, sp = get(sup, total), [get(sup, p) for p in parts]
    missing = [i for i, v in enumerate(sp) if v is None]
    if st is not None and len(missing) == 1:
        i = missing[0]
        find(f"{label}: {name(parts[i])} = {st} - others = {st - sum(v for v in sp if v is not None)}")
    if st is None and not missing:
        find(f"{label}: withheld {name(total)} = sum of its parts = {sum(sp)}")
    if st is not None and len(missing) >= 2:
        left = st - sum(v for v in sp if v is not None)
        if left < N:
            find(f"{label}: the withheld parts {', '.join(name(parts[i]) for i in missing)} "
                 f"add up to {left} (< {N})")


def pair(total, part, label):
    st, sp = get(sup, total), get(sup, part)
    if is_int(st) and is_int(sp) and 1 <= st - sp < N:
        find(f"{label}: {name(total)} - {name(part)} = {st - sp} (< {N})")


F = ("flow",)
group(F + ("rows_read",), [F + ("rows_accepted",), F + ("rows_rejected",), F + ("rows_duplicate",)], "flow")
group(F + ("cohort_episodes",), [F + ("excluded", "no_baseline"), F + ("excluded", "baseline_below_min"), F + ("eligible",)], "flow")
chain = [("rows_read", "rows_accepted"), ("episodes", "cohort_episodes"),
         ("cohort_episodes", "eligible"), ("eligible", "mature"), ("eligible", "with_followup"),
         ("mature", "with_endpoint")]
for a, b in chain:
    pair(F + (a,), F + (b,), "flow")
for k in ("response", "remission", "response_observed", "remission_observed", "followup"):
    pair((k, "n"), (k, "events"), k)
pair(F + ("mature",), ("response", "events"), "flow")
pair(F + ("with_endpoint",), ("response", "events"), "flow")
pair(F + ("with_endpoint",), ("remission", "events"), "flow")
for k in ("time_to_response", "time_to_remission", "sessions_to_response", "sessions_to_remission"):
    pair((k, "n"), (k, "events"), k)
    pair(F + ("eligible",), (k, "n"), k)
# the comparison periods (SPEC 10): each rate's n and events, and a period inside the 12
# months shown against the sum of its months
for c in ("previous", "year_before"):
    C = ("comparison", c)
    for k in ("response", "remission", "response_observed", "followup"):
        pair(C + (k, "n"), C + (k, "events"), f"comparison {c}")
    pair(C + ("response_observed", "n"), C + ("remission", "events"), f"comparison {c}")
    months = [m["month"] for m in raw["monthly"]]
    per = get(raw, C + ("period",))
    if per and per["from"] in months and per["to"] in months:
        i0, i1 = months.index(per["from"]), months.index(per["to"])
        for key, mk in ((("response", "n"), "n"), (("response", "events"), "events")):
            group(C + key, [("monthly", i, mk) for i in range(i0, i1 + 1)], f"comparison {c} months")
        group(C + ("remission", "events"), [("monthly_remission", i, "events") for i in range(i0, i1 + 1)],
              f"comparison {c} months")
# the trajectory: the points' n only fall from x to x + 1 when the episodes are nested
for w in ("by_session", "by_week"):
    pair(F + ("eligible",), ("trajectory", w, 0, "n"), "trajectory")
dq = ("data_quality",)
reasons = raw["data_quality"]["rejected_by_reason"]
group(F + ("rows_rejected",), [dq + ("rejected_by_reason", r) for r in reasons], "reasons")
conf = [k for k in raw["data_quality"]["conflicting_same_day_scores"] if k != "total"]
group(dq + ("conflicting_same_day_scores", "total"), [dq + ("conflicting_same_day_scores", k) for k in conf], "conflicts")
nfiles = len(raw["data_quality"]["files"])
for k in ("rows_read", "rows_accepted", "rows_rejected", "rows_duplicate"):
    group(F + (k,), [dq + ("files", i, k) for i in range(nfiles)], "files")
for i in range(nfiles):
    Fi = dq + ("files", i)
    group(Fi + ("rows_read",), [Fi + (k,) for k in ("rows_accepted", "rows_rejected", "rows_duplicate")], "file")
    if get(raw, Fi + ("resources_skipped",)) is not None:
        S = Fi + ("resources_skipped",)
        group(S + ("total",), [S + (k,) for k in ("other_resource_type", "observation_other_code", "other_drug")], "file skipped")
for col in raw["data_quality"]["missing_scores"]:
    if col != "rows":
        pair(dq + ("missing_scores", "rows"), dq + ("missing_scores", col, "missing"), "missing")
pair(dq + ("primary_instrument_at_treatment", "treatment_sessions"), dq + ("primary_instrument_at_treatment", "without_score"), "primary")
for var, vals in raw["strata"].items():
    if var == "logrank":
        continue
    S = ("strata", var)
    for key, tot in ((("response", "n"), ("response", "n")), (("response", "events"), ("response", "events")),
                     (("remission", "events"), ("remission", "events")),
                     (("time_to_response", "n"), ("time_to_response", "n")),
                     (("time_to_response", "events"), ("time_to_response", "events"))):
        group(tot, [S + (i,) + key for i in range(len(vals))], f"strata {var}")
    for i in range(len(vals)):
        for k in ("response", "remission"):
            pair(S + (i, k, "n"), S + (i, k, "events"), f"strata {var}")
        pair(S + (i, "time_to_response", "n"), S + (i, "time_to_response", "events"), f"strata {var}")
    # a log-rank test over withheld cells
    cells = [get(sup, S + (i, "time_to_response", "n")) for i in range(len(vals))]
    if get(sup, ("strata", "logrank", var, "p")) is not None and None in cells:
        find(f"log-rank {var} published over withheld cells")
if "endpoint_change_histogram" in sup:
    H = [("endpoint_change_histogram", i, "episodes") for i in range(len(sup["endpoint_change_histogram"]))]
    group(F + ("with_endpoint",), H, "histogram")
    group(("response", "events"), H[:5], "histogram")
else:
    find("no endpoint_change_histogram under suppression")
# durability, maintenance and induction (SPEC 12)
D, M, I = ("durability",), ("maintenance",), ("induction",)
pair(D + ("n",), D + ("events",), "durability")
pair(("time_to_response", "events"), D + ("n",), "durability")
pair(D + ("n",), M + ("episodes",), "maintenance")
pair(M + ("episodes",), M + ("episodes_with_sessions",), "maintenance")
IC = I + ("completed",)
pair(F + ("eligible",), IC + ("n",), "induction")
pair(IC + ("n",), IC + ("events",), "induction")
routes = raw["induction"]["by_route"]
group(IC + ("n",), [I + ("by_route", i, "n") for i in range(len(routes))], "induction by route")
group(IC + ("events",), [I + ("by_route", i, "events") for i in range(len(routes))], "induction by route")
for i in range(len(routes)):
    pair(I + ("by_route", i, "n"), I + ("by_route", i, "events"), "induction by route")
bins = [I + ("sessions", i, "episodes") for i in range(len(raw["induction"]["sessions"]))]
K = raw["induction"]["definition"]["min_sessions"]
group(IC + ("n",), bins, "induction sessions")
group(IC + ("events",), bins[K - 1:], "induction sessions")
for c in ("response_completers", "response_noncompleters"):
    pair(I + (c, "n"), I + (c, "events"), c)
group(F + ("mature",), [I + ("response_completers", "n"), I + ("response_noncompleters", "n")], "completers")
group(("response", "events"), [I + ("response_completers", "events"),
                               I + ("response_noncompleters", "events")], "completers")
pair(IC + ("events",), I + ("response_completers", "n"), "completers")
band_bins = {"1-3": bins[0:3], "4-5": bins[3:5], "6-8": bins[5:8], "9+": bins[8:]}
for i, v in enumerate(raw["strata"].get("frequency", [])):
    for key in (("response", "n"), ("time_to_response", "n")):
        group(("strata", "frequency", i) + key, band_bins[v["value"]], "frequency bins")
sf = ("safety",)
group(sf + ("sbp_rise", "n"), [sf + ("sbp_rise", "histogram", i, "sessions") for i in range(8)], "sbp bins")
nb = len(raw["safety"]["cadss"]["by_session"])
group(sf + ("cadss", "sessions_measured"), [sf + ("cadss", "by_session", i, "n") for i in range(nb)], "cadss")
for i in range(1, nb):
    a, b = get(sup, sf + ("cadss", "by_session", i - 1, "n")), get(sup, sf + ("cadss", "by_session", i, "n"))
    ra, rb = get(raw, sf + ("cadss", "by_session", i - 1, "n")), get(raw, sf + ("cadss", "by_session", i, "n"))
    if rb <= ra:
        pair(sf + ("cadss", "by_session", i - 1, "n"), sf + ("cadss", "by_session", i, "n"), "cadss drop-outs")
for k in ("bp_pre", "bp_post"):
    pair(sf + ("sessions",), sf + (k, "sessions_measured"), k)
    pair(sf + (k, "sessions_measured"), sf + (k, "sessions_at_or_above"), k)
pair(sf + ("cadss", "sessions_measured"), sf + ("cadss", "sessions_above"), "cadss")
ae = sf + ("adverse_events",)
pair(ae + ("episodes",), ae + ("episodes_any",), "adverse events")
pair(sf + ("sessions",), ae + ("sessions_any",), "adverse events")
for i in range(len(sup["safety"]["adverse_events"]["by_code"])):
    pair(ae + ("episodes",), ae + ("by_code", i, "episodes"), "adverse events")
    pair(sf + ("sessions",), ae + ("by_code", i, "sessions"), "adverse events")
i9 = sf + ("phq9_item9",)
pair(i9 + ("encounters",), i9 + ("encounters_ge1",), "item 9")
pair(i9 + ("encounters",), i9 + ("encounters_ge2",), "item 9")
pair(i9 + ("encounters_ge1",), i9 + ("encounters_ge2",), "item 9")
pair(i9 + ("encounters",), i9 + ("encounters_eq3",), "item 9")
pair(i9 + ("encounters_ge2",), i9 + ("encounters_eq3",), "item 9")
pair(i9 + ("encounters_ge2",), i9 + ("ge2_followed", "events"), "item 9")
pair(i9 + ("ge2_followed", "n"), i9 + ("ge2_followed", "events"), "item 9")
pair(dq + ("missing_scores", "phq9", "missing"), i9 + ("rows_without_phq9_total",), "item 9")
for k in ("resolved", "worsened"):
    pair(sf + ("item9_course", k, "n"), sf + ("item9_course", k, "events"), "item 9 course")
# safety monitoring (SPEC 13): vital-sign pairs by route, clinician and month; hold level;
# monitoring time; the review list's counts
VT = sf + ("vitals",)
PAIRS = ("pre_pair", "post_pair", "all_four")
def vitals_pairs(p, label):
    for k in PAIRS:
        pair(p + ("sessions",), p + (k, "events"), label)
    pair(p + ("pre_pair", "events"), p + ("all_four", "events"), label)
    pair(p + ("post_pair", "events"), p + ("all_four", "events"), label)
vitals_pairs(VT + ("overall",), "vitals")
pair(sf + ("sessions",), VT + ("overall", "sessions"), "vitals")
for k in ("pre_incomplete", "post_incomplete"):
    pair(VT + (k, "n"), VT + (k, "events"), "vitals")
for k, inc in (("pre_pair", "pre_incomplete"), ("post_pair", "post_incomplete")):
    group(VT + ("overall", "sessions"), [VT + ("overall", k, "events"), VT + (inc, "events")], "vitals")
units = [("by_route", VT + ("by_route",), len(raw["safety"]["vitals"]["by_route"])),
         ("clinicians", VT + ("funnel_clinician", "clinicians"), len(raw["safety"]["vitals"]["funnel_clinician"]["clinicians"])),
         ("by_month", VT + ("by_month",), 12)]
for label, base, nu in units:
    extra = [VT + ("funnel_clinician", "no_clinician")] if label == "clinicians" else []
    for i in range(nu):
        vitals_pairs(base + (i,), f"vitals {label}")
    parts = [base + (i,) for i in range(nu)] + extra
    group(VT + ("overall", "sessions"), [p + ("sessions",) for p in parts], f"vitals {label}")
    for k in PAIRS:
        group(VT + ("overall", k, "events"), [p + (k, "events") for p in parts], f"vitals {label}")
group(dq + ("primary_instrument_at_treatment", "treatment_sessions"),
      [VT + ("by_month", i, "sessions") for i in range(12)], "vitals by month")
H_ = sf + ("bp_hold", "dosed")
pair(H_ + ("n",), H_ + ("events",), "bp hold")
pair(sf + ("sessions",), H_ + ("n",), "bp hold")
pair(sf + ("bp_pre", "sessions_measured"), H_ + ("n",), "bp hold")
pair(sf + ("bp_pre", "sessions_at_or_above"), H_ + ("events",), "bp hold")
M_ = sf + ("monitoring",)
for k in ("under_minimum", "without_value"):
    pair(M_ + ("intranasal_sessions",), M_ + (k, "events"), "monitoring")
ri = [i for i, r in enumerate(raw["safety"]["vitals"]["by_route"]) if r["route"] == "intranasal"]
for i in ri:
    group(M_ + ("intranasal_sessions",), [VT + ("by_route", i, "sessions")], "monitoring")
RV = sf + ("review",)
pair(RV + ("no_response_after_6", "n"), RV + ("no_response_after_6", "events"), "review")
pair(F + ("eligible",), RV + ("no_response_after_6", "n"), "review")
for flag, other in (("bp_hold_dosed", H_ + ("events",)), ("bp_post_high", sf + ("bp_post", "sessions_at_or_above")),
                    ("cadss_high", sf + ("cadss", "sessions_above")), ("item9_3", i9 + ("encounters_eq3",)),
                    ("monitoring_short", M_ + ("under_minimum", "events")),
                    ("no_response_after_6", RV + ("no_response_after_6", "events"))):
    if get(raw, RV + ("flags", flag)) == get(raw, other) and (get(sup, RV + ("flags", flag)) is None) != (get(sup, other) is None):
        find(f"review flag {flag} and {name(other)}: one count, published in one place only")
group(i9 + ("encounters_ge2",), [i9 + ("ge2_followed", "events"), RV + ("flags", "item9_no_followup")], "review")
# codes' sessions (episodes) against the sessions (episodes) with any: when no session lists
# two codes they add up, and the pooled "other" was the difference (attack 12d)
for tot, key in (("sessions_any", "sessions"), ("episodes_any", "episodes")):
    rc = raw["safety"]["adverse_events"]["by_code"]
    if rc and sum(c[key] for c in rc) == raw["safety"]["adverse_events"][tot]:
        st = get(sup, ae + (tot,))
        sp = [c[key] for c in sup["safety"]["adverse_events"]["by_code"]]
        hidden = [i for i, v in enumerate(sp) if v is None]
        left = st - sum(v for v in sp if v is not None) if is_int(st) else None
        if left is not None and hidden and (len(hidden) == 1 or left < N):
            find(f"adverse events: {tot} - the codes' published {key} = {left} "
                 f"({len(hidden)} withheld)")
# the smallest and largest SBP rise are single sessions' readings: row-level (attack 12e)
for k in ("min", "max"):
    if get(sup, sf + ("sbp_rise", k)) is not None:
        find(f"safety.sbp_rise.{k} (one session's value) published under suppression")
# rare free-text codes
rare = {c["code"] for c in raw["safety"]["adverse_events"]["by_code"] if c["sessions"] < N}
for c in sup["safety"]["adverse_events"]["by_code"]:
    if c["code"] in rare and c["code"] != "other":
        find(f"adverse event code '{c['code']}' seen fewer than {N} times listed by name")
pdf_ae = pdf.replace("Blood pressure and dissociation", "")  # the safety page's heading
# page 1 prints the benchmarks' citations (benchmarks.csv, not data): a code that is a word of a
# citation ("anxiety") is not printed there as a code when its words around it are the
# citation's own
cites = [" ".join(b["citation"].split()) for b in sup.get("benchmarks", [])]
flat = " ".join(pdf_ae.split())
for c in rare - {"other"}:
    for m in re.finditer(r"(?<![\w-])" + re.escape(c) + r"(?![\w-])", flat):
        before = flat[:m.start()].split()[-3:]
        after = flat[m.end():].split()[:3]
        window = " ".join(before + [c]) + flat[m.end():m.end() + 1 + len(" ".join(after))].rstrip()
        if any(window.strip() in cite for cite in cites):
            continue
        find(f"adverse event code '{c}' (seen fewer than {N} times) printed in the PDF")
        break
# months: the period's months add up to the flow; centre lines against monthly n
period = (raw["period"]["from"], raw["period"]["to"])
for key, ev_total in (("monthly", ("response", "events")), ("monthly_remission", ("remission", "events"))):
    months = raw[key]
    inp = [i for i, m in enumerate(months) if period[0] <= m["month"] <= period[1]]
    group(F + ("mature",), [(key, i, "n") for i in inp], key)
    group(ev_total, [(key, i, "events") for i in inp], key)
    for i in range(12):
        pair((key, i, "n"), (key, i, "events"), key)
    centre = next((m["centre"] for m in sup[key] if m["centre"] is not None), None)
    ns = [m["n"] for m in sup[key]]
    if centre is not None and None not in ns:
        total_x = centre * sum(ns)
        known = sum(m["events"] for m in sup[key] if m["events"] is not None)
        hidden = [i for i, m in enumerate(sup[key]) if m["events"] is None]
        if len(hidden) == 1:
            find(f"{key}: centre x sum of n - published events = {round(total_x - known)}")
        elif hidden and round(total_x - known) < N:
            find(f"{key}: centre x sum of n: the withheld months hold {round(total_x - known)}")
# the same rows in two tables: encounters with item 9 (sessions with CADSS, with a blood
# pressure) and the rows without that value add up to the accepted rows when every row is in
# an episode of the period (attack 12b: item 9's missing count was rows - encounters)
for col, cnt in (("phq9_item9", sf + ("phq9_item9", "encounters")), ("cadss", sf + ("cadss", "sessions_measured")),
                 ("sbp_pre", sf + ("bp_pre", "sessions_measured")), ("sbp_post", sf + ("bp_post", "sessions_measured"))):
    group(dq + ("missing_scores", "rows"), [dq + ("missing_scores", col, "missing"), cnt], f"rows = missing {col} + {cnt[-2]}")
group(dq + ("primary_instrument_at_treatment", "treatment_sessions"), [sf + ("sessions",)], "treatment sessions")
# Kaplan-Meier "at": invert consecutive rows (the interval gives the standard error); the first
# row against S = 1, se = 0 at time 0 (no censoring before it: n itself, attack 12c)
z = 1.959963984540054
kms = [((k,), get(sup, (k,))) for k in ("time_to_response", "time_to_remission",
                                       "sessions_to_response", "sessions_to_remission",
                                       "durability")]
for var, vals in sup["strata"].items():
    if var != "logrank":
        kms += [(("strata", var, i, "time_to_response"), v.get("time_to_response")) for i, v in enumerate(vals)]
for kp, fit in kms:
    if not isinstance(fit, dict):
        continue
    k = name(kp)
    at = fit.get("at") or []
    if at and fit.get("n") is None:
        find(f"{k}: 'at' estimates published while its n is withheld (the first gives n)")
    prev = (1.0, 0.0, 0)
    for row in at:
        if row["surv"] and row["lower"] and 0 < row["surv"] < 1 and row["lower"] > 0:
            se = math.log(row["surv"] / row["lower"]) / z
            if prev:
                q = row["surv"] / prev[0]
                delta = se * se - prev[1] * prev[1]
                if 0 < q < 1 and delta > 0:
                    n = (1 - q) / (q * delta)
                    if abs(n - round(n)) < 1e-6 and 1 <= round(n) < N:
                        find(f"{k}: rows at {prev[2]} and {row['time']} give {round(n)} at risk")
            prev = (row["surv"], se, row["time"])
        else:
            prev = None

# the funnels (SPEC 11): units add up to the model's n (with the episodes without a value), each
# unit's observed and with_endpoint are parts of its n and of the stratum's counts; the
# adjusted rate times expected over the centre gives observed, the follow-up rate times n
# gives with_endpoint
FU = ("funnel",)
if "funnel" in raw:
    pair(F + ("mature",), FU + ("model", "n"), "funnel")
    pair(FU + ("model", "n"), FU + ("observed",), "funnel")
    pair(FU + ("model", "n"), FU + ("with_endpoint",), "funnel")
    for var in ("clinician", "site"):
        vals = raw["funnel"][var]
        U = FU + (var,)
        group(FU + ("model", "n"), [U + (i, "n") for i in range(len(vals))] + [FU + ("without_value", var)], f"funnel {var}")
        group(FU + ("observed",), [U + (i, "observed") for i in range(len(vals))], f"funnel {var}")
        group(FU + ("with_endpoint",), [U + (i, "with_endpoint") for i in range(len(vals))], f"funnel {var}")
        strata_vals = {v["value"]: i for i, v in enumerate(raw["strata"][var])}
        for i, u in enumerate(vals):
            pair(U + (i, "n"), U + (i, "observed"), f"funnel {var}")
            pair(U + (i, "n"), U + (i, "with_endpoint"), f"funnel {var}")
            if u["value"] in strata_vals:
                k = strata_vals[u["value"]]
                pair(("strata", var, k, "response", "n"), U + (i, "n"), f"funnel {var} vs strata")
                pair(("strata", var, k, "response", "events"), U + (i, "observed"), f"funnel {var} vs strata")
            su = get(sup, U + (i,)) or {}
            c = get(sup, FU + ("centre",))
            if su.get("observed") is None and su.get("adjusted_rate") is not None and su.get("expected") is not None and c:
                find(f"funnel {var} {i}: adjusted_rate x expected / centre gives withheld observed")
            if su.get("with_endpoint") is None and su.get("followup") is not None and su.get("n") is not None:
                find(f"funnel {var} {i}: followup x n gives withheld with_endpoint")
            if su.get("n") is None and (su.get("expected") is not None or su.get("flag") is not None):
                find(f"funnel {var} {i}: expected or flag published while n is withheld")
    if get(sup, FU + ("centre",)) is None and any(c.get("estimate") is not None for c in sup["funnel"]["model"]["coefficients"]):
        find("funnel: coefficients published while the centre is withheld")

# 3. the PDF, at its labelled places
def pdf_value(pattern):
    m = re.search(pattern, pdf)
    return m.group(1) if m else None


def shown_as(path, text, label):
    """text: what the PDF prints for the count at path."""
    if text is None:
        return
    rv, sv = get(raw, path), get(sup, path)
    if sv is None:
        if text not in (f"< {N}", "(suppressed)"):
            find(f"PDF {label}: '{text}' printed for withheld {name(path)} ({rv})")
    elif text != str(sv):
        find(f"PDF {label}: '{text}' but results.json has {sv} for {name(path)}")


V = r"(< \d+|\(suppressed\)|\d+)"
flow_pdf = [
    (V + r" rows read", F + ("rows_read",)),
    (V + r" rows accepted", F + ("rows_accepted",)),
    (r"accepted, " + V + r" patients", F + ("patients",)),
    (V + r" rejected, ", F + ("rows_rejected",)),
    (r"rejected, " + V + r" duplicate", F + ("rows_duplicate",)),
    (V + r" treatment episodes", F + ("episodes",)),
    (V + r" episodes in the period", F + ("cohort_episodes",)),
    (r"no baseline score " + V, F + ("excluded", "no_baseline")),
    (r"baseline below \d+: " + V, F + ("excluded", "baseline_below_min")),
    (V + r" eligible\b", F + ("eligible",)),
    (V + r" with a follow-up score", F + ("with_followup",)),
    (V + r" mature\b", F + ("mature",)),
    (V + r" with an endpoint score", F + ("with_endpoint",)),
    (V + r" responders,", ("response", "events")),
    (r"responders, " + V + r" remitters", ("remission", "events")),
]
for pattern, path in flow_pdf:
    shown_as(path, pdf_value(pattern), "flow")
# the PDF's labels: a withheld count must not tell by its label whether it is small; "< N"
# (1 to N-1) beside "(suppressed)" (N or more, the partner withheld with it) made a total of
# N+1 split exactly: 12 mature, "(suppressed)" responders = 11 (attack 12f)
labels = {}
for pattern, path in flow_pdf:
    t = pdf_value(pattern)
    if t is not None:
        labels[path] = t
kinds = {t for t in labels.values() if not re.fullmatch(r"\d+", t)}
if len(kinds) > 1:
    find(f"PDF: withheld counts carry different labels ({', '.join(sorted(kinds))}): "
         "a label tells a small count from a large one")
flow_groups = [(F + (a,), [F + (b,)]) for a, b in chain] + [
    (F + ("cohort_episodes",), [F + ("excluded", "no_baseline"), F + ("excluded", "baseline_below_min"), F + ("eligible",)]),
    (F + ("mature",), [("response", "events")]), (F + ("mature",), [("remission", "events")])]
for total, parts in flow_groups:
    T = get(sup, total)
    if not is_int(T) or len(parts) != 1 or get(sup, parts[0]) is not None:
        continue
    lab = labels.get(parts[0])
    if lab is None:
        continue
    # the part and its complement T - part: what the labels allow
    if lab == f"< {N}":
        cand = [v for v in range(1, N) if v <= T]
    elif lab == "(suppressed)":
        cand = [v for v in range(0, T + 1) if v == 0 or v >= N]
    else:
        continue
    cand = [v for v in cand if 1 <= T - v < N or 1 <= v < N]  # withheld: it or its complement is small
    if len(cand) == 1:
        find(f"PDF: {T} {name(total)} and '{lab}' {name(parts[0])}: it is {cand[0]}")
# tiles: "x of n" under the response and remission tiles, or, withheld, "n episodes; a count
# in it is under N" (n as published) or "small counts (cells under N)" (nothing counted)
TILE = (r"(?:" + V + " of " + V + r"(?:; 95% CI [^\n]*?)?|(\d+) episodes; a count in it is under"
        r" \d+|small counts \(cells under \d+\))")
m = re.search(r"\n\s+" + TILE + r"\s{3,}" + TILE, pdf)
if m:
    for k, key in enumerate(("response", "remission")):
        ev, n, n_only = m.group(3 * k + 1), m.group(3 * k + 2), m.group(3 * k + 3)
        shown_as((key, "events"), ev, "tile")
        shown_as((key, "n"), n if n is not None else n_only, "tile")
else:
    find("PDF: the headline tiles were not found")
# item 9 and the other "x of n" tables
# the safety pages (SPEC 13): counts with thousands separators, "x of n" at the line's end
VC = r"(< \d+|\(suppressed\)|\d[\d,]*)"
def shown_c(path, text, label):
    shown_as(path, None if text is None else text.replace(",", ""), label)
VT, RV, i9c = sf + ("vitals",), sf + ("review",), sf + ("item9_course",)
safety_lines = [
    (r"before the dose \(both values\)", VT + ("overall", "pre_pair", "events"), VT + ("overall", "sessions")),
    (r"after the dose \(both values\)", VT + ("overall", "post_pair", "events"), VT + ("overall", "sessions")),
    (r"before and after \(all four values\)", VT + ("overall", "all_four", "events"), VT + ("overall", "sessions")),
    (r"dosed at >= \d+/\d+ \(the hold level\)", sf + ("bp_hold", "dosed", "events"), sf + ("bp_hold", "dosed", "n")),
    (r">= \d+/\d+ before the dose \(to review\)", sf + ("bp_pre", "sessions_at_or_above"), sf + ("bp_pre", "sessions_measured")),
    (r">= \d+/\d+ after the dose", sf + ("bp_post", "sessions_at_or_above"), sf + ("bp_post", "sessions_measured")),
    (r"monitored for less than 120 minutes", sf + ("monitoring", "under_minimum", "events"), sf + ("monitoring", "intranasal_sessions")),
    (r"no monitoring time recorded", sf + ("monitoring", "without_value", "events"), sf + ("monitoring", "intranasal_sessions")),
    (r"item 9 = 3 \(nearly every day\)", i9 + ("encounters_eq3",), i9 + ("encounters",)),
    (r"item 9 of 2 or 3", i9 + ("encounters_ge2",), i9 + ("encounters",)),
    (r"of these, seen again within \d+ days", i9 + ("ge2_followed", "events"), i9 + ("ge2_followed", "n")),
    (r"of these, not seen within \d+ days \(listed\)", RV + ("flags", "item9_no_followup"), i9 + ("encounters_ge2",)),
    (r"item 9 of 1 or more", i9 + ("encounters_ge1",), i9 + ("encounters",)),
    (r"resolved: baseline 1 or more, last follow-up 0", i9c + ("resolved", "events"), i9c + ("resolved", "n")),
    (r"worsened: baseline 0, later 1 or more", i9c + ("worsened", "events"), i9c + ("worsened", "n")),
]
for i, r_ in enumerate(raw["safety"]["vitals"]["by_route"]):
    safety_lines.append((r"\n\s+" + re.escape(r_["route"] or "no route recorded"),
                         VT + ("by_route", i, "all_four", "events"), VT + ("by_route", i, "sessions")))
# the clinicians are a funnel plot (render_funnel): a withheld unit is not drawn (the funnel
# pages' checks above)
for label, x, n in safety_lines:
    m = re.search(label + r"[^\n]*?\s{2,}" + VC + " of " + VC + r"(?:\s{2}|\n|$)", pdf)
    # a withheld count over a small published denominator: "withheld (11 encounters)"
    w = re.search(label + r"[^\n]*?\s{2,}withheld \((\d[\d,]*) [a-z ]+\)(?:\s{2}|\n|$)", pdf)
    if m:
        shown_c(x, m.group(1), "safety")
        shown_c(n, m.group(2), "safety")
    elif w:
        shown_c(x, f"< {N}", "safety")
        shown_c(n, w.group(1), "safety")
    elif re.search(label + r"[^\n]*?\s{2,}none(?:\s{2}|\n|$)", pdf):
        if get(sup, n) != 0:
            find(f"PDF: safety line '{label}' says none, results.json has {get(sup, n)}")
    else:
        find(f"PDF: safety line '{label}' not found")
for flag in raw["safety"]["review"]["flags"]:
    m = re.search(re.escape(flag) + r": [^\n]*?\s{2,}" + VC + r" (?:sessions|episodes)", pdf)
    if m:
        shown_c(RV + ("flags", flag), m.group(1), "review")
    else:
        find(f"PDF: review flag '{flag}' not found")
m = re.search(r"Sessions with CADSS above \d+: [^\n]*?" + VC + " of " + VC, pdf)
if m:
    shown_c(sf + ("cadss", "sessions_above"), m.group(1), "cadss")
    shown_c(sf + ("cadss", "sessions_measured"), m.group(2), "cadss")
else:
    find("PDF: the CADSS line not found")
m = re.search(r"Treatment sessions of the period's episodes: " + VC + " sessions in " + VC + " episodes", pdf)
if m:
    shown_c(sf + ("sessions",), m.group(1), "safety")
    shown_c(ae + ("episodes",), m.group(2), "safety")
else:
    find("PDF: the safety page's sessions and episodes not found")
m = re.search(r"Any adverse event: " + VC + " sessions, " + VC + " episodes", pdf)
if m:
    shown_c(ae + ("sessions_any",), m.group(1), "adverse events")
    shown_c(ae + ("episodes_any",), m.group(2), "adverse events")
for r_ in reasons:
    m = re.search(r"\n\s+" + re.escape(r_) + r"\s+" + V + r"\s", pdf)
    if m:
        shown_as(dq + ("rejected_by_reason", r_), m.group(1), "reasons")
# the Durability page (its text in reading order, one line)
flat = " ".join(subprocess.run(["pdftotext", sup_dir + "/report.pdf", "-"], check=True,
                               capture_output=True, text=True).stdout.split())
PCT = r"(?:[\d.]+%\s+\()?"
# a proportion's forms there (prop_text): "x of n", "x of a withheld number", "withheld (n
# episodes)", "withheld (small counts)"; the two counts as printed ("< N" where withheld)
PROP = (PCT + V + " of " + V + r"|" + V + r" of a withheld number|withheld \((\d+) episodes\)|"
        r"withheld \(small counts\)")
def prop_counts(m, k):
    """The x and n texts of the PROP match starting at group k of m."""
    if m.group(k) is not None:
        return m.group(k), m.group(k + 1)
    if m.group(k + 2) is not None:
        return m.group(k + 2), f"< {N}"
    if m.group(k + 3) is not None:
        return f"< {N}", m.group(k + 3)
    return f"< {N}", f"< {N}"
for pattern, paths, label in (
        (r"Responders \(eligible episodes with a response event\): " + V + r"; lost response: " + V,
         [("durability", "n"), ("durability", "events")], "durability"),
        (r"(?<!\w)completed: (?:no eligible episode|" + PROP + ")",
         [IC + ("events",), IC + ("n",)], "induction"),
        (r"completed induction: (?:no mature|" + PROP + ")",
         [I + ("response_completers", "events"), I + ("response_completers", "n")], "completers"),
        (r"did not complete: (?:no mature|" + PROP + ")",
         [I + ("response_noncompleters", "events"), I + ("response_noncompleters", "n")], "completers"),
        (r"Responders with a mature episode: " + V + r"; with a maintenance session: " + V,
         [M + ("episodes",), M + ("episodes_with_sessions",)], "maintenance")):
    m = re.search(pattern, flat)
    if not m:
        find(f"PDF: the Durability page's {label} line was not found")
        continue
    if PROP in pattern:
        if m.group(0).endswith(("episode", "mature")):
            continue
        texts = prop_counts(m, 1)
    else:
        texts = (m.group(1), m.group(2))
    for path, text in zip(paths, texts):
        shown_as(path, text, label)
for i, r_ in enumerate(sup["induction"]["by_route"]):
    m = re.search(r"\b" + re.escape(r_["value"]) + ": (?:" + PROP + ")", flat)
    if m:
        x, n = prop_counts(m, 1)
        shown_as(I + ("by_route", i, "events"), x, "induction by route")
        shown_as(I + ("by_route", i, "n"), n, "induction by route")
# centre lines and log-rank tests only where results.json has them
for key, title in (("monthly", "Response"), ("monthly_remission", "Remission")):
    c = next((m_["centre"] for m_ in sup[key] if m_["centre"] is not None), None)
    rc = next((m_["centre"] for m_ in raw[key] if m_["centre"] is not None), None)
    # (the chart's label: "centre" over its rate, right of the frame; the note: "centre line, X%")
    if c is None and rc is not None and re.search(r"centre(?: line,)? " + re.escape(f"{100 * rc:.1f}%"), flat):
        find(f"PDF: centre line {100 * rc:.1f}% of {key} printed while withheld")
lr_pub = sum(1 for v in sup["strata"]["logrank"].values() if v["p"] is not None)
lr_pdf = len(re.findall(r"log-rank p = ", pdf))
if lr_pdf > lr_pub:
    find(f"PDF: {lr_pdf} log-rank tests printed, results.json publishes {lr_pub}")
# the funnel pages: a unit listed outside the limits has its rate published; the model's
# sentence prints the overall rate only when results.json has it
if "funnel" in sup:
    for var in ("clinician", "site"):
        for u in sup["funnel"][var]:
            lab = re.escape(u["value"])
            if u["adjusted_rate"] is None and re.search(r"(?<![\w-])" + lab + r" (above|below) (95|99.8) % \(\d+ %:", pdf):
                find(f"PDF: funnel {var} {u['value']} listed while its rate is withheld")
            if u["followup"] is None and re.search(r"(?<![\w-])" + lab + r" (above|below) (95|99.8) % \(\d+ %, ", pdf):
                find(f"PDF: funnel {var} {u['value']} follow-up listed while withheld")
    c = raw["funnel"]["centre"]
    if sup["funnel"]["centre"] is None and c is not None and f"overall rate ({100 * c:.1f} %)" in pdf:
        find("PDF: the funnel's overall rate printed while withheld")

# no withheld rate printed anywhere (unless another, published, rate prints the same)
pub_pct = set()
for path, v in walk(sup):
    # rates, centres, intervals and the curves' published estimates (a curve's `at` rows:
    # "Still responding at 56 days: 95.0%" is a published survival, not a withheld 19 of 20)
    if path[-1:] in (("rate",), ("centre",), ("surv",), ("lower",), ("upper",)) and isinstance(v, (int, float)):
        pub_pct.add(f"{100 * v:.1f}%")
    if len(path) >= 2 and path[-2] == "ci" and isinstance(v, (int, float)):
        pub_pct.add(f"{100 * v:.1f}%")
pub_sp = set()  # the safety pages' forms: "28 % of", "2.7 % of", "(13.8 %)"
def sp_forms(v):
    return {f"{100 * v:.0f} % of", f"{100 * v:.1f} % of", f"({100 * v:.1f} %)"}
def ratio(x, n):
    if is_int(x) and is_int(n) and n > 0:
        pub_pct.add(f"{100 * x / n:.1f}%")
        pub_sp.update(sp_forms(x / n))
for _label, x_, n_ in safety_lines:
    ratio(get(sup, x_), get(sup, n_))


S_ = sup["safety"]
for c in S_["adverse_events"]["by_code"]:  # the PDF's shares of published counts
    ratio(c["sessions"], S_["sessions"])
    ratio(c["episodes"], S_["adverse_events"]["episodes"])
for k in ("bp_pre", "bp_post"):
    ratio(S_[k]["sessions_at_or_above"], S_[k]["sessions_measured"])
ratio(S_["cadss"]["sessions_above"], S_["cadss"]["sessions_measured"])
for k in ("encounters_ge1", "encounters_ge2"):
    ratio(S_["phq9_item9"][k], S_["phq9_item9"]["encounters"])
ratio(S_["phq9_item9"]["encounters_eq3"], S_["phq9_item9"]["encounters"])
P_ = sup["data_quality"]["primary_instrument_at_treatment"]
ratio(P_["without_score"], P_["treatment_sessions"])
for path, v in walk(raw):
    if path[-1:] in (("rate",), ("centre",)) and isinstance(v, (int, float)) and get(sup, path) is None:
        t = f"{100 * v:.1f}%"
        if t not in pub_pct and v not in (0, 1) and re.search(r"(?<![\d.])" + re.escape(t), pdf):
            find(f"PDF: withheld {name(path)} printed as {t}")
# the safety pages print shares as "28 % of ..." (one decimal below 10 % and above 90 %): no
# withheld rate in that form either, unless a published rate or ratio prints the same
for path, v in walk(sup):
    if path[-1:] == ("rate",) and isinstance(v, (int, float)):
        pub_sp |= sp_forms(v)
for path, v in walk(raw):
    if path[-1:] == ("rate",) and isinstance(v, (int, float)) and get(sup, path) is None and v not in (0, 1):
        for t in sp_forms(v) - pub_sp:
            if re.search(r"(?<![\d.])" + re.escape(t), pdf):
                find(f"PDF: withheld {name(path)} printed as '{t}'")
# individual-level pictures: no waterfall, no individual trajectories (no page says so)
if "each bar is one mature eligible episode" in pdf or "faint lines" in pdf:
    find("PDF: a row-level picture is drawn under suppression")

for f_ in findings:
    print("FOUND:", f_)
print(f"attack.py: {len(withheld)} withheld counts, {len(published_counts)} published; "
      f"{len(findings)} findings")
sys.exit(1 if findings else 0)

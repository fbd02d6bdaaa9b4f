#!/usr/bin/env python3
"""shape_export.py: rewrites an `outcomes sample` export (read on stdin) into one of the shapes
that issue 20 measures memory on, written to stdout, stopping once --bytes bytes are out:

  long   long free text: adverse_events of 100-900 characters on every treatment row (words
         and '|'-separated codes, a different text on almost every row), site and clinician
         names of 64 characters (20 sites, 400 clinicians);
  codes  many distinct adverse-event codes: every treatment row lists one code of its own
         (`ae_<row>`) beside a common one, so that the export holds millions of distinct codes.

Deterministic (Python's random with --seed). Used by scripts/bench; not by the tests.
  outcomes sample --patients 300000 --months 36 | shape_export.py --shape codes --bytes 3e8 >x.csv
"""
import argparse
import csv
import random
import sys

WORDS = ("nausea vomiting headache dizziness dissociation sedation anxiety hypertension "
         "blurred_vision tachycardia paraesthesia euphoria confusion fatigue dry_mouth "
         "patient reported feeling unwell after the session resolved within an hour "
         "observed for ninety minutes before discharge no intervention required mild "
         "moderate transient").split()


def pad64(prefix, k):
    s = "%s %04d " % (prefix, k)
    return (s + "x" * 64)[:64]


def long_text(rng):
    n = rng.randint(100, 900)
    out = []
    size = 0
    while size < n:
        w = rng.choice(WORDS)
        sep = "|" if rng.random() < 0.2 else " "
        out.append(w)
        out.append(sep)
        size += len(w) + 1
    return "".join(out)[:n].strip(" |") or "nausea"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shape", choices=("long", "codes"), required=True)
    ap.add_argument("--bytes", type=float, default=3e8)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    limit = int(args.bytes)
    sites = [pad64("Site of the network number", k) for k in range(20)]
    clinicians = [pad64("Clinician pseudonym", k) for k in range(400)]
    rd = csv.reader(sys.stdin)
    out = sys.stdout
    wr = csv.writer(out, lineterminator="\n")
    header = next(rd)
    col = {name: i for i, name in enumerate(header)}
    wr.writerow(header)
    written = 0
    row_no = 0
    patient = None
    site = clin = None
    for row in rd:
        row_no += 1
        pid = row[col["patient_id"]]
        if pid != patient:
            if written >= limit:  # stop at a patient boundary
                break
            patient = pid
            site = rng.choice(sites)
            clin = rng.choice(clinicians)
        treatment = row[col["session_type"]] == "treatment"
        if args.shape == "long":
            row[col["site"]] = site
            row[col["clinician"]] = clin
            if treatment:
                row[col["adverse_events"]] = long_text(rng)
        elif treatment:
            row[col["adverse_events"]] = "ae_%08d|nausea" % row_no
        wr.writerow(row)
        written += sum(len(f) for f in row) + len(row)
    out.flush()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""text_boxes.py: checks that no text of report.pdf leaves its box, from the word boxes of
poppler's `pdftotext -bbox` (issue 15).

usage: text_boxes.py REPORT.pdf

On every page:
  - every word lies within the page's margins (36 pt left and right, less 1 pt of slack);
  - every word above the footer's rule (26 pt from the bottom) or in the footer, never across;
  - no two words overlap (their boxes intersecting over more than a quarter of the smaller
    one's height and 1.5 pt of width: text printed over text, a label run into a value).
Words of one run of text never overlap each other, so any overlap is two pieces of text drawn
on one place. Prints each finding (page, the two words) and exits 1 when there is one.
"""
import re
import subprocess
import sys

pdf = sys.argv[1]
html = subprocess.run(["pdftotext", "-bbox", pdf, "-"], check=True, capture_output=True,
                      text=True).stdout
findings = []
page_re = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
word_re = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                     r'(.*?)</word>')
for pno, m in enumerate(page_re.finditer(html), 1):
    w, h = float(m.group(1)), float(m.group(2))
    words = [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in word_re.findall(m.group(3))]
    rule = h - 26
    for x0, y0, x1, y1, t in words:
        if x0 < 36 - 1 or x1 > w - 36 + 1:
            findings.append(f"page {pno}: '{t}' leaves the margins ({x0:.1f}-{x1:.1f} of {w:.0f})")
        if y0 < rule < y1 - 0.5:
            findings.append(f"page {pno}: '{t}' runs across the footer's rule ({y0:.1f}-{y1:.1f})")
        if y1 > h:
            findings.append(f"page {pno}: '{t}' runs off the page")
    # overlaps: sort by x, compare neighbours whose x ranges meet
    words.sort()
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            if b[0] >= a[2] - 1.5:
                break
            ox = min(a[2], b[2]) - max(a[0], b[0])
            oy = min(a[3], b[3]) - max(a[1], b[1])
            hs = min(a[3] - a[1], b[3] - b[1])
            if ox > 1.5 and oy > 0.25 * hs:
                findings.append(f"page {pno}: '{a[4]}' and '{b[4]}' overlap "
                                f"(at {max(a[0], b[0]):.1f},{max(a[1], b[1]):.1f})")
for f in findings:
    print(f)
print(f"text_boxes.py: {len(findings)} findings")
sys.exit(1 if findings else 0)

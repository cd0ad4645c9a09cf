#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The harness's own tier: records.py and v4vt.sh's record, on the host.

Each case feeds them what a guest's channel or console could hold -- whole
records, records cut by a kernel message, a domU's console passed on by
dom0 -- and checks what the verdict says.  Prints "PASS|FAIL harness: NAME
[# why]" per case.
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
RECORDS = os.path.join(HERE, "records.py")
V4VT = os.path.join(HERE, "..", "vm", "guest", "v4vt.sh")
KMSG = "[   12.345678] clocksource: wd-tsc-wd read-back delay of 126410ns, clock-skew test skipped!"


def frame(text):
    return f"V4VREC {len(text.encode())} {text}"


def run_records(*args):
    p = subprocess.run([sys.executable, RECORDS, *args], capture_output=True, text=True)
    return p.stdout, p.stderr


def extract(lines, console=False):
    with tempfile.TemporaryDirectory() as d:
        raw, out = os.path.join(d, "raw"), os.path.join(d, "out")
        with open(raw, "w") as f:
            f.write("".join(line + "\r\n" for line in lines))
        verdict, _ = run_records("extract", "T", raw, out, *(["--console"] if console else []))
        with open(out) as f:
            return verdict.strip(), f.read().splitlines()


def check(cond, why):
    if not cond:
        raise AssertionError(why)


def whole_records_pass():
    verdict, recs = extract([frame("V4VT: dom0: ok 1 a"),
                             frame("DOMU| " + frame("V4VT: domu: ok 1 b")),
                             frame("DOMU| " + KMSG)])
    check(verdict == "PASS T: harness/records_whole", verdict)
    check(recs == ["V4VT: dom0: ok 1 a", "DOMU| V4VT: domu: ok 1 b", "DOMU| " + KMSG], recs)


def cut_record_is_named():
    report = 'V4VPERF-JSON domu-matrix stream-64k-1 {"end": {"sum_received": {"bytes": 1}}}'
    cut = frame(report)
    lines = [frame("V4VT: dom0: ok 1 a"), cut[:40] + KMSG, cut[40:]]
    verdict, recs = extract(lines)
    check(verdict.startswith("FAIL T: harness/records_whole # 2 of 3 records cut; the first, line 2"),
          verdict)
    check("bytes where the frame says" in verdict, verdict)
    check(recs == ["V4VT: dom0: ok 1 a"], recs)


def cut_domu_record_is_named():
    inner = frame("V4VT: domu: ok 7 long_name")
    verdict, recs = extract([frame("DOMU| " + inner[:30] + KMSG)])
    check(verdict.startswith("FAIL T: harness/records_whole # 1 of 1 records cut") and
          "domU: " in verdict, verdict)
    check(recs == [], recs)


def console_chatter_skipped():
    verdict, recs = extract(["# chatter", KMSG, "x" + frame("V4VT: uml: ok 1 a")], console=True)
    check(verdict == "PASS T: harness/records_whole", verdict)
    check(recs == ["V4VT: uml: ok 1 a"], recs)


def channel_noise_is_a_cut():
    verdict, _ = extract([frame("V4VT: dom0: ok 1 a"), "stray text"])
    check(verdict.startswith("FAIL T: harness/records_whole # 1 of 2"), verdict)


def no_records_fail():
    verdict, _ = extract([], console=True)
    check(verdict.startswith("FAIL T: harness/records_whole # no record"), verdict)


def fnv1a(data):
    h = 0xcbf29ce484222325
    for c in data:
        h = ((h ^ c) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def report(i, body, size=None):
    return f"HARNESS-REPORT t {i} {size or len(body)} {fnv1a(body.encode()):016x} {body}"


def reports_verdict(lines, count):
    with tempfile.TemporaryDirectory() as d:
        recs = os.path.join(d, "recs")
        with open(recs, "w") as f:
            f.write("".join(line + "\n" for line in lines))
        return run_records("reports", "T", "t", str(count), recs)[0].strip()


def flood_reports_checked():
    good = [report(i, "abc%d" % i * 50) for i in range(3)]
    check(reports_verdict(good, 3) == "PASS T: t/reports_whole_under_kmsg_flood",
          reports_verdict(good, 3))
    damaged = good[:2] + [good[2][:-5] + "zzzzz"]
    v = reports_verdict(damaged, 3)
    check(v.startswith("FAIL") and "damaged: ['2']" in v, v)
    v = reports_verdict(good[:2], 3)
    check(v.startswith("FAIL") and "missing or repeated: [2]" in v, v)
    v = reports_verdict(good + good[:1], 3)
    check(v.startswith("FAIL") and "[0]" in v, v)


def shell_record_frames_one_line():
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "raw")
        big = "y" * 9000
        script = (f'. "{V4VT}"; exec 9>"{out}"; record "two\nlines"; '
                  f'result t 1 name "why\nmore"; record "{big}"; '
                  'printf "a\\nb c\\n" | record_lines')
        subprocess.run(["busybox", "sh", "-c", script], check=True)
        verdict = run_records("extract", "T", out, out + ".recs")[0].strip()
        with open(out + ".recs") as f:
            recs = f.read().splitlines()
    check(verdict == "PASS T: harness/records_whole", verdict)
    check(recs == ["two lines", "V4VT: t: not ok 1 name # why more", big, "a", "b c"],
          [r[:40] for r in recs])


CASES = [whole_records_pass, cut_record_is_named, cut_domu_record_is_named,
         console_chatter_skipped, channel_noise_is_a_cut, no_records_fail,
         flood_reports_checked, shell_record_frames_one_line]


def main():
    failed = 0
    for case in CASES:
        try:
            case()
            print(f"PASS harness: {case.__name__}")
        except Exception as e:  # a crash of a case is its failure
            failed += 1
            why = re.sub(r"\s+", " ", str(e))[:300]
            print(f"FAIL harness: {case.__name__} # {type(e).__name__}: {why}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

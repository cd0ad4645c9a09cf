#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a matrix boot's records into the benchmark report.

    matrix.py RECORDS OUTDIR TIER

Reads the "V4VPERF-JSON {dom0,domu}-matrix CASE-REP {...}" records that
selftests/vm/guest/matrix.sh printed, checks each report (schema and
consistency, as perf_json_check.py does), and writes to OUTDIR:
  matrix.json  every row (medians over the repetitions) and the raw reports
  matrix.md    the table
  matrix.png   v4v's ratio to the baseline per case (gnuplot)
Prints a PASS/FAIL line per case and scope, then the markdown table.
"""
import json
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import jsonschema  # noqa: E402
import perf_json_check  # noqa: E402

SCOPES = [("dom0-matrix", "dom0 to dom0", "AF_UNIX"), ("domu-matrix", "domU to dom0", "vchan")]
CASES = ["stream-4k", "stream-64k", "stream-1m", "rtt-1b", "dgram-4k", "dgram-64k"]


def metric(doc):
    """(value, unit) of one test: Mbit/s received, or mean round trip in us."""
    end = doc["end"]
    if doc["start"]["test_start"]["rtt"]:
        return end["rtt"]["mean_us"], "us"
    return end["sum_received"]["bits_per_second"] / 1e6, "Mbit/s"


def row(tier, scope, label, base_name, case, docs):
    """One table row from a case's reports, or a reason it cannot be made."""
    schema = json.load(open(perf_json_check.SCHEMA))
    vals, bases, ratios = [], [], []
    for doc in docs:
        jsonschema.validate(doc, schema)
        why = perf_json_check.consistent(doc)
        for b in doc.get("baselines", []):
            why += perf_json_check.consistent(b)
        if why:
            raise ValueError(why[0])
        v, unit = metric(doc)
        vals.append(v)
        for b in doc.get("baselines", []):
            bases.append(metric(b)[0])
            ratios.append(next(iter(b["ratio"].values())))
    r = {"scope": label, "case": case, "unit": unit, "reps": len(docs),
         "v4v": statistics.median(vals), "baseline": None, "baseline_value": None,
         "ratio": None, "ratios": ratios}
    if bases:
        r.update(baseline=base_name, baseline_value=statistics.median(bases),
                 ratio=statistics.median(ratios))
    return r


def markdown(rows, reps):
    out = [f"| Scope | Case | v4v | Baseline | Baseline's | v4v/baseline (median of {reps}) |",
           "|---|---|---|---|---|---|"]
    for r in rows:
        fmt = (lambda x: f"{x:.1f} {r['unit']}")
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.2f}"
        base = r["baseline"] or "- (vchan has no datagrams)"
        bval = "-" if r["baseline_value"] is None else fmt(r["baseline_value"])
        out.append(f"| {r['scope']} | {r['case']} | {fmt(r['v4v'])} | {base} | {bval} | {ratio} |")
    out.append("")
    out.append("Throughput: above 1 means v4v is faster.  Round trip (rtt-1b): above 1 "
               "means v4v is slower.  Same run, medians; under QEMU TCG only ratios mean "
               "anything.")
    return "\n".join(out) + "\n"


def plot(rows, outdir):
    data = os.path.join(outdir, "matrix.dat")
    with open(data, "w") as f:
        for case in CASES:
            vals = []
            for _, label, _ in SCOPES:
                r = next((x for x in rows if x["case"] == case and x["scope"] == label), None)
                vals.append("NaN" if not r or r["ratio"] is None else f"{r['ratio']:.4f}")
            f.write(f"{case} {' '.join(vals)}\n")
    script = f"""
set terminal png size 900,480 noenhanced
set output '{os.path.join(outdir, "matrix.png")}'
set title 'v4v / baseline, same run (throughput: higher is better; rtt-1b: lower is better)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set yrange [0:*]
set ylabel 'ratio'
set grid ytics
set key top left
plot '{data}' using 2:xtic(1) title 'dom0 to dom0 vs AF_UNIX', \\
     '' using 3 title 'domU to dom0 vs vchan', 1 with lines lw 2 lc rgb 'black' notitle
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    os.unlink(data)


def main():
    log, outdir, tier = sys.argv[1], sys.argv[2], sys.argv[3]
    pat = re.compile(r"V4VPERF-JSON (\S+) (\S+)-(\d+) (\{.*\})\s*$")
    found = {}
    with open(log, errors="replace") as f:
        for line in f:
            m = pat.search(line)
            if m:
                found.setdefault((m.group(1), m.group(2)), []).append(m.group(4))
    rows, raw, failed, reps = [], {}, 0, 0
    for tag, label, base in SCOPES:
        for case in CASES:
            name = f"{tag.split('-')[0]}/{case}"
            texts = found.get((tag, case), [])
            try:
                if not texts:
                    raise ValueError("no reports among the records")
                docs = [json.loads(t) for t in texts]
                r = row(tier, tag, label, base, case, docs)
                rows.append(r)
                raw[f"{tag}/{case}"] = docs
                reps = max(reps, len(docs))
                print(f"PASS {tier}: {name}")
            except (ValueError, KeyError, jsonschema.ValidationError) as e:
                msg = e.message if isinstance(e, jsonschema.ValidationError) else str(e)
                print(f"FAIL {tier}: {name} # {msg}")
                failed += 1
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "matrix.json"), "w") as f:
        json.dump({"rows": rows, "reports": raw}, f, indent=1)
    table = markdown(rows, reps)
    with open(os.path.join(outdir, "matrix.md"), "w") as f:
        f.write(table)
    try:
        plot(rows, outdir)
        print(f"PASS {tier}: plot_written")
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"FAIL {tier}: plot_written # {e}")
        failed += 1
    sys.stderr.write(table)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

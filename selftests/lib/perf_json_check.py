#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check the v4v-perf -J reports a guest printed, among its records.

    perf_json_check.py RECORDS TIER TAG NAME...

Each NAME must appear once as a "V4VPERF-JSON TAG NAME {...}" record (after
any harness prefixes) whose JSON validates against
Documentation/v4v-perf.schema.json and whose numbers agree with each other.
Prints one PASS/FAIL line per NAME in the tiers' format.
"""
import json
import os
import re
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "..", "..", "Documentation", "v4v-perf.schema.json")


def spans(test):
    """Every span object of a test (interval streams and sums, end sums)."""
    for iv in test.get("intervals", []):
        yield from iv["streams"]
        yield iv["sum"]
    end = test.get("end", {})
    for s in end.get("streams", []):
        yield s["sender"]
        yield s["receiver"]
    for key, value in end.items():
        if key.startswith("sum_"):
            yield value


def consistent(test):
    """Reasons the numbers of one test disagree; empty if they do not."""
    why = []
    if "error" in test:
        return [f"reported an error: {test['error']}"]
    for s in spans(test):
        want = s["bytes"] * 8 / s["seconds"] if s["seconds"] > 0 else 0
        if abs(s["bits_per_second"] - want) > 1e-6 * max(want, 1):
            why.append(f"bits_per_second {s['bits_per_second']} is not bytes*8/seconds {want}")
        if s["end"] < s["start"]:
            why.append("a span ends before it starts")
    end = test["end"]
    sent, got = end["sum_sent"], end["sum_received"]
    if got["bytes"] > sent["bytes"]:
        why.append(f"received {got['bytes']} bytes, more than the {sent['bytes']} sent")
    if "lost_packets" in got and got["lost_packets"] != sent["packets"] - got["packets"]:
        why.append("lost_packets is not packets sent - packets received")
    ts = test["start"]["test_start"]
    if len(end["streams"]) != ts["num_streams"] * (2 if ts["bidir"] else 1):
        why.append("end.streams does not have one entry per stream")
    for iv in test["intervals"]:
        if iv["sum"]["bytes"] != sum(s["bytes"] for s in iv["streams"]):
            why.append("an interval's sum is not the sum of its streams")
            break
    if ts["rtt"] and not end.get("rtt", {}).get("round_trips"):
        why.append("an rtt test without round trips")
    return why


def main():
    log, tier, tag, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    schema = json.load(open(SCHEMA))
    found = {}
    pat = re.compile(r"V4VPERF-JSON (\S+) (\S+) (\{.*\})\s*$")
    with open(log, errors="replace") as f:
        for line in f:
            m = pat.search(line)
            if m and m.group(1) == tag:
                found[m.group(2)] = m.group(3)
    for name in names:
        test = f"{tag}/json_{name}"
        if name not in found:
            print(f"FAIL {tier}: {test} # no report among the records")
            continue
        try:
            doc = json.loads(found[name])
            jsonschema.validate(doc, schema)
            why = consistent(doc)
            for base in doc.get("baselines", []):
                why += [f"baseline {base['start']['transport']}: {w}" for w in consistent(base)]
        except ValueError as e:
            why = [f"not JSON: {e}"]
        except jsonschema.ValidationError as e:
            why = [f"schema: {e.message} at {'/'.join(map(str, e.absolute_path))}"]
        print(f"PASS {tier}: {test}" if not why else f"FAIL {tier}: {test} # {why[0]}")


if __name__ == "__main__":
    main()

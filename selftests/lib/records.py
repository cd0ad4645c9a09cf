#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Records: the lines a guest writes for the host to read.

A guest writes each record as one line, "V4VREC <length> <text>", in one
write() (tharness.c's t_record(), v4vt.sh's record), on its record channel
(Documentation/harness.rst).  Here the host takes them back:

  records.py extract TIER RAW OUT [--console]
      Write the text of every whole record in RAW to OUT, one a line, and
      print "PASS|FAIL TIER: harness/records_whole".  A record whose text
      is not exactly <length> bytes was cut or merged on the way: it is
      left out and named in the FAIL line.  A record may quote the console
      of another domain, "DOMU| <line>" (dom0 passes the domU's console on
      that way); a record inside such a line is checked and unwrapped the
      same way.  RAW is a channel of its own unless --console: then other
      lines (kernel messages, chatter) are expected and skipped.

  records.py reports TIER TAG COUNT RECORDS [CONSOLE]
      The harness's own test (v4v-test flood-reports): every one of COUNT
      "HARNESS-REPORT TAG ..." reports is in RECORDS once, whole (its size
      and its FNV-1a hash match).  With CONSOLE (the guest's console: a
      serial log, or the records, which hold the domU's), also say how many
      of their bare copies, "HARNESS-COPY TAG ...", the kernel's messages
      cut there.
"""
import re
import sys

FRAME = re.compile(r"V4VREC (\d+) ")
QUOTE = "DOMU| "


def unframe(line):
    """(text, None) for a whole record, (None, why) for a cut one,
    (None, None) for a line with no record in it."""
    m = FRAME.search(line)
    if not m:
        return None, None
    want, text = int(m.group(1)), line[m.end():]
    got = len(text.encode("utf-8", "surrogateescape"))
    if got != want:
        return None, f"{got} bytes where the frame says {want}"
    return text, None


def extract(tier, raw, out, console):
    n, cut = 0, []
    with open(raw, "rb") as f, open(out, "w", errors="surrogateescape") as o:
        for lineno, b in enumerate(f, 1):
            line = b.decode("utf-8", "surrogateescape").rstrip("\r\n").replace("\r", "")
            if not line.strip():
                continue
            text, why = unframe(line)
            if text is None:
                if why or not console:
                    cut.append((lineno, why or "a line that is no record", line))
                continue
            if text.startswith(QUOTE):
                inner, why = unframe(text[len(QUOTE):])
                if why:
                    cut.append((lineno, "domU: " + why, text))
                    continue
                if inner is not None:
                    text = QUOTE + inner
            n += 1
            o.write(text + "\n")
    if cut:
        lineno, why, line = cut[0]
        print(f"FAIL {tier}: harness/records_whole # {len(cut)} of {n + len(cut)} "
              f"records cut; the first, line {lineno} of {raw}: {why}: {line[:160]!r}")
    elif n == 0:
        print(f"FAIL {tier}: harness/records_whole # no record at all in {raw}")
    else:
        print(f"PASS {tier}: harness/records_whole")


def fnv1a(data):
    h = 0xcbf29ce484222325
    for c in data:
        h = ((h ^ c) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


REPORT = r"HARNESS-{kind} {tag} (\d+) (\d+) ([0-9a-f]{{16}}) (\S*)"


def whole(m):
    size, digest, body = int(m.group(2)), int(m.group(3), 16), m.group(4).encode()
    return len(body) == size and fnv1a(body) == digest


def reports(tier, tag, count, records, console_log=None):
    pat = re.compile(REPORT.format(kind="REPORT", tag=re.escape(tag)) + r"$")
    seen, bad = {}, []
    with open(records, errors="surrogateescape") as f:
        for line in f:
            m = pat.search(line.rstrip("\n"))
            if not m:
                continue
            if whole(m):
                seen[int(m.group(1))] = seen.get(int(m.group(1)), 0) + 1
            else:
                bad.append(m.group(1))
    missing = [i for i in range(count) if seen.get(i) != 1]
    name = f"{tag}/reports_whole_under_kmsg_flood"
    if missing or bad:
        print(f"FAIL {tier}: {name} # {count - len(missing)} of {count} whole; "
              f"missing or repeated: {missing[:10]}; damaged: {bad[:10]}")
    else:
        print(f"PASS {tier}: {name}")
    if console_log:
        start = re.compile(f"HARNESS-COPY {re.escape(tag)} ")
        full = re.compile(REPORT.format(kind="COPY", tag=re.escape(tag)))
        copies = cut = 0
        with open(console_log, errors="surrogateescape") as f:
            for line in f:
                if not start.search(line):
                    continue
                copies += 1
                m = full.search(line.rstrip("\n"))
                if not m or not whole(m) or m.end() != len(line.rstrip("\n")):
                    cut += 1
        sys.stdout.flush()
        print(f"{tag}: the kernel's messages cut {cut} of the {copies} bare copies "
              f"of the reports on the console", file=sys.stderr)


def main(argv):
    if len(argv) >= 5 and argv[1] == "extract":
        extract(argv[2], argv[3], argv[4], "--console" in argv[5:])
    elif len(argv) in (6, 7) and argv[1] == "reports":
        reports(argv[2], argv[3], int(argv[4]), argv[5], argv[6] if len(argv) == 7 else None)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

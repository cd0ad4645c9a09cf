#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# KUnit tier: the module's pure code and its KUnit suites, built into a UML
# kernel from Debian's linux-source-6.1 and run there.
#
# The extracted source tree and the UML build directory are cached under
# $V4V_CACHE/kunit/<linux-source version>/; module/ is linked into the tree
# as drivers/v4v (its Kbuild knows the in-tree case).  Cold: ~6-10 minutes;
# warm: ~30 s.  Prints one PASS/FAIL line per test case.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/common.sh"

TIER=kunit
v4v_need_pkgs gcc make libc6-dev bc flex bison python3

ksrc=$(v4v_linux_source)
top=${ksrc%/*}
build=$top/build-um
json=$top/results.json
moddir=$V4V_TOP/module

# Hook module/ into the tree: a link and one line in each of two files.
glue() {
	local kc='source "drivers/v4v/Kconfig"' mk='obj-$(CONFIG_KUNIT) += v4v/'
	ln -sfn "$moddir" "$ksrc/drivers/v4v"
	grep -qxF "$kc" "$ksrc/drivers/Kconfig" || echo "$kc" >> "$ksrc/drivers/Kconfig"
	grep -qxF "$mk" "$ksrc/drivers/Makefile" || echo "$mk" >> "$ksrc/drivers/Makefile"
}

run() {
	glue
	# Recompile our objects every time: a checkout may give them old mtimes.
	rm -rf "$build/drivers/v4v" "$json"
	v4v_log "kunit: building UML and running the suites"
	PYTHONUNBUFFERED=1 "${V4V_NICE[@]}" python3 "$ksrc/tools/testing/kunit/kunit.py" run \
		--arch=um --build_dir="$build" --kunitconfig="$moddir/.kunitconfig" \
		--jobs="$(nproc)" --timeout=300 --json="$json" </dev/null >&2 || true
}

v4v_locked kunit run

# One line per test case from kunit.py's JSON; a build or boot failure
# leaves no JSON and is one failure.
python3 - "$json" "$TIER" <<'PY'
import json, sys
path, tier = sys.argv[1], sys.argv[2]
try:
    root = json.load(open(path))
except (OSError, ValueError):
    print(f"FAIL {tier}: build_and_boot # kunit.py produced no results (see its output above)")
    sys.exit(0)
def walk(group, prefix):
    for case in group.get("test_cases", []):
        ok = case.get("status") == "PASS"
        name = f"{prefix}{case['name']}"
        print(f"{'PASS' if ok else 'FAIL'} {tier}: {name}" + ("" if ok else f" # {case.get('status')}"))
    for sub in group.get("sub_groups", []):
        walk(sub, f"{sub.get('name', '?')}/")
walk(root, "")
PY

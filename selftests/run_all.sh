#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every test tier of v4v, in order; the README's test command.
#
#   selftests/run_all.sh [--quick]
#
#   harness the harness itself: records cut on the way are caught and named
#   build   DKMS builds for each Debian kernel, sparse, checkpatch, headers, lib
#   cunit   libv4v on the host
#   kunit   the ring code in a UML kernel (Debian's linux-source-6.1)
#   bench   ring code vs memcpy (a report, not a test)
#   vm-*    v4v.ko from DKMS on real Xen + Argo under QEMU, dom0 and a domU,
#           on each kernel; then the two negative controls (Xen without Argo
#           compiled in; Xen without argo=1), which pass when the harness
#           calls the environment broken; then the benchmark matrix once
#           (its reports checked, its table printed)
# --quick skips the VM tier (for a fast local loop; CI never uses it).
#
# Needs root (packages, DKMS); a normal user's run goes through sudo.
# Downloads and builds go to $V4V_CACHE (default /var/cache/v4v), keyed by
# version.  Prints every test as a PASS or FAIL line and ends with
# "N passed, M failed"; exits 1 if anything failed.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
. "$HERE/vm/lib/kernel.sh"

QUICK=0
case ${1:-} in
--quick) QUICK=1 ;;
"") ;;
-h|--help) sed -n '3,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
*) echo "usage: $0 [--quick]" >&2; exit 2 ;;
esac
v4v_as_root "$0" "$@"

mkdir -p "$V4V_CACHE/logs"
RESULTS=$(mktemp "${TMPDIR:-/tmp}/v4v-results.XXXXXX")
trap 'rm -f "$RESULTS"' EXIT
declare -a SUMMARY
T_ALL=$SECONDS

# run_tier NAME COMMAND...: stream its PASS/FAIL lines, keep its log.
run_tier() {
	local name=$1 log=$V4V_CACHE/logs/tier-$1.log t0=$SECONDS rc out
	shift
	echo "=== $name ($(date +%H:%M:%S))"
	out=$(mktemp)
	"$@" 2>"$log" | tee "$out" | grep --line-buffered -E '^(PASS|FAIL) '
	rc=${PIPESTATUS[0]}
	if ! grep -q '^FAIL ' "$out" && [[ $rc != 0 ]]; then
		echo "FAIL $name: ran_to_completion # exit status $rc" | tee -a "$out"
	fi
	if [[ $rc != 0 ]]; then
		echo "--- last lines of $log:"
		tail -n 25 "$log" | sed 's/^/    /'
	fi
	grep -E '^(PASS|FAIL) ' "$out" >> "$RESULTS"
	SUMMARY+=("$(printf '%-22s %3d passed %3d failed %5d s' "$name" \
		"$(grep -c '^PASS ' "$out")" "$(grep -c '^FAIL ' "$out")" $((SECONDS - t0)))")
	rm -f "$out"
}

install_deps() {
	v4v_need_pkgs gcc make libc6-dev bc flex bison python3 xz-utils cpio kmod perl \
		dpkg-dev pkg-config libcunit1-dev sparse dkms qemu-system-x86 \
		busybox-static linux-source-6.1 libxen-dev python3-jsonschema \
		gnuplot-nox &&
		v4v_result deps packages_installed 0
}

run_tier deps install_deps
run_tier harness python3 "$HERE/lib/test_records.py"
run_tier build bash "$HERE/build/run.sh"
run_tier cunit make -s -C "$HERE/cunit" check
run_tier kunit bash "$HERE/kunit/run.sh"

echo "=== bench (report only)"
make -s -C "$HERE/bench" >/dev/null && "$HERE/bench/build/ring-bench" | sed 's/^/    /'

if [[ $QUICK == 0 ]]; then
	ko_for() { ls "/lib/modules/$(v4v_kernel_abi "$1")/updates/dkms/"v4v.ko* 2>/dev/null | head -n 1; }
	for p in "${V4V_KERNEL_PINS[@]}"; do
		s=${p%% *}
		run_tier "vm-$s" bash "$HERE/vm/run.sh" --kernel "$s" --ko "$(ko_for "$s")"
	done
	first=${V4V_KERNEL_PINS[0]%% *}
	run_tier vm-control-stock bash "$HERE/vm/run.sh" --kernel "$first" \
		--ko "$(ko_for "$first")" --mode control-stock
	run_tier vm-control-noargo bash "$HERE/vm/run.sh" --kernel "$first" \
		--ko "$(ko_for "$first")" --mode control-noargo
	# The benchmark matrix (make bench-matrix), shorter: its reports must
	# be complete and valid; the figures are for people, not a verdict.
	# Its own directory: a user's "make bench-matrix" results stay.
	matrix=$V4V_CACHE/logs/ci-matrix-$first
	run_tier vm-matrix bash "$HERE/vm/run.sh" --kernel "$first" --ko "$(ko_for "$first")" \
		--mode matrix --reps 1 --seconds 1 --out "$matrix"
	sed -n '/^| Scope/,/^$/p' "$matrix/matrix.md" 2>/dev/null | sed 's/^/    /'
fi

echo "=== summary ($((SECONDS - T_ALL)) s; logs in $V4V_CACHE/logs)"
printf '    %s\n' "${SUMMARY[@]}"
grep '^FAIL ' "$RESULTS" | sed 's/^/    /'
passed=$(grep -c '^PASS ' "$RESULTS")
failed=$(grep -c '^FAIL ' "$RESULTS")
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]

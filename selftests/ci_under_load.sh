#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run CI as CI runs it -- "bash .ci/run" with CI=true and no terminal, in a
# fresh clone of a commit -- while the machine is busy with a second QEMU,
# several times; the way to show that CI passes under load, not by luck.
#
#   selftests/ci_under_load.sh [--runs N] [--rev REV] [--out DIR] [--smp 1|2]
#
#   --runs N   how many runs (default 5), one after another
#   --rev REV  what to clone (default HEAD of this repository)
#   --out DIR  where each run's output goes (default
#              $V4V_CACHE/logs/ci-under-load)
#   --smp N    vCPUs of the loading QEMU (default 2: both cores busy; 1
#              takes one, and CI takes less long)
#
# The load is Xen and dom0 booting in a loop in another QEMU (run.sh --mode
# bench, its own log directory), which is what a busy machine was when CI
# failed at random.  Prints, per run, its time and its last line, and ends
# with "N passed, M failed" over the runs; exits 1 if any run failed.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"

RUNS=5 REV=HEAD OUT=$V4V_CACHE/logs/ci-under-load SMP=2
while (($#)); do
	case $1 in
	--runs) RUNS=$2; shift 2 ;;
	--rev) REV=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--smp) SMP=$2; shift 2 ;;
	-h|--help) sed -n '3,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "usage: $0 [--runs N] [--rev REV] [--out DIR] [--smp 1|2]" >&2; exit 2 ;;
	esac
done
[[ $RUNS =~ ^[1-9][0-9]?$ ]] || { echo "--runs: 1 to 99" >&2; exit 2; }
[[ $SMP == [12] ]] || { echo "--smp: 1 or 2" >&2; exit 2; }
v4v_as_root "$0" --runs "$RUNS" --rev "$REV" --out "$OUT" --smp "$SMP"
commit=$(git -C "$V4V_TOP" rev-parse --verify "$REV^{commit}") ||
	{ echo "$REV: no such commit" >&2; exit 2; }
mkdir -p "$OUT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/v4v-ci-load.XXXXXX")
LOAD=
stop_load() {
	[[ -n $LOAD ]] && kill -- -"$LOAD" 2>/dev/null
	# timeout(1) puts QEMU in a process group of its own: find it by its log.
	pkill -f -- "$WORK/load-logs" 2>/dev/null
	wait 2>/dev/null
	LOAD=
}
trap 'stop_load; rm -rf "$WORK"' EXIT

# The load, from a clone of its own (CI builds in the other one), in a
# process group of its own.
start_load() {
	[[ -d $WORK/load-clone ]] || git clone -q "$V4V_TOP" "$WORK/load-clone" &&
		git -C "$WORK/load-clone" checkout -q "$commit" || return 1
	setsid bash -c 'while :; do
		V4V_SMP=$3 bash "$1/selftests/vm/run.sh" --kernel 6.1 --mode bench \
			--log-dir "$2" >/dev/null 2>&1
		sleep 1
	done' load "$WORK/load-clone" "$WORK/load-logs" "$SMP" &
	LOAD=$!
}

passed=0 failed=0
for ((i = 1; i <= RUNS; i++)); do
	rm -rf "$WORK/clone"
	git clone -q "$V4V_TOP" "$WORK/clone" && git -C "$WORK/clone" checkout -q "$commit" ||
		{ echo "cannot clone $commit" >&2; exit 1; }
	start_load || { echo "cannot start the load" >&2; exit 1; }
	sleep 30	# the second QEMU is under way before CI starts
	t0=$SECONDS
	(cd "$WORK/clone" && CI=true bash .ci/run </dev/null >"$OUT/run-$i.log" 2>&1)
	rc=$?
	secs=$((SECONDS - t0))
	stop_load
	last=$(tail -n 1 "$OUT/run-$i.log")
	if [[ $rc == 0 && $last =~ ^[0-9]+\ passed,\ 0\ failed$ ]]; then
		passed=$((passed + 1))
		echo "PASS ci-under-load: run_$i # $secs s beside a ${SMP}-vCPU QEMU; last line: $last"
	else
		failed=$((failed + 1))
		echo "FAIL ci-under-load: run_$i # $secs s, exit $rc; last line: $last (see $OUT/run-$i.log)"
	fi
done
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]

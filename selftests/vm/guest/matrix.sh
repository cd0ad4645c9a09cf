#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The standard benchmark matrix, one scope of it, against dom0's v4v-perf
# server.  Each case runs REPS times, v4v then the baseline, and prints
# each report as one "V4VPERF-JSON TAG CASE-REP {...}" record, which
# selftests/bench/matrix.py turns into JSON, a markdown table and a plot.
#
#   matrix.sh run TAG SCOPE    SCOPE: same (dom0 to itself, AF_UNIX
#                              baseline) or cross (domU to dom0, vchan)
#   matrix.sh cases            the case names
. "$(dirname "$0")/v4vt.sh"
REPS=${v4vreps:-3}	# from the kernel command line (run.sh --reps, --seconds)
SECS=${v4vsecs:-2}

# name: v4v-perf options (the transport and baseline are added per scope)
cases() {
	cat <<EOF
stream-4k -l 4K
stream-64k -l 64K
stream-1m -l 1M
rtt-1b --rtt -l 1
dgram-4k -u -l 4K
dgram-64k -u -l 64K
EOF
}

run() {
	tag=$1 scope=$2
	cases | while read -r name opts; do
		base="-B unix"
		[ "$scope" = cross ] && base="-B vchan"
		# A vchan is a byte stream: cross-domain datagrams have no baseline.
		case "$scope$name" in cross*dgram*) base= ;; esac
		rep=1
		while [ $rep -le "$REPS" ]; do
			# shellcheck disable=SC2086 # the options are words on purpose
			v4v-perf -c 0 -t "$SECS" -i 0 -J $opts $base > /tmp/matrix.json 2>&1
			rc=$?
			record "V4VPERF-JSON $tag $name-$rep $(tr -d '\n' < /tmp/matrix.json)"
			record "MATRIX $tag $name rep $rep: status $rc"
			rep=$((rep + 1))
		done
	done
}

case $1 in
run) run "$2" "$3" ;;
cases) cases | cut -d' ' -f1 ;;
*) echo "usage: matrix.sh run TAG same|cross | cases" >&2; exit 2 ;;
esac

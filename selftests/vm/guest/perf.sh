#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# v4v-perf against a server: each mode (stream, reverse, bidir, parallel,
# datagrams, byte count, round trips, ring size), the baselines, the JSON
# and the errors (nothing listening, no such domain, bad numbers, a
# transport that cannot reach).  Every JSON report is also a record,
# "V4VPERF-JSON TAG NAME {...}", which the host validates against
# Documentation/v4v-perf.schema.json (selftests/lib/perf_json_check.py).
#
#   perf.sh serve | stop          the server (dom0, or UML itself)
#   perf.sh run TAG DOMAIN SCOPE  the checks against DOMAIN's server; SCOPE
#                                 is self (same domain: unix and tcp
#                                 baselines), peer (another domain: vchan)
#                                 or uml (no Xen: vchan must be refused)
#   perf.sh list SCOPE            the test names
#   perf.sh list-json             the names of the JSON reports it prints
W=/tmp/perf
. "$(dirname "$0")/v4vt.sh"

# json NAME: the report as one record, for the host's schema check.
json() {
	record "V4VPERF-JSON $tag $1 $(tr -d '\n' < $W/$1.out)"
}

# count NAME PATTERN MIN: at least MIN lines of NAME's output match.
count() {
	n=$(grep -c -- "$2" $W/$1.out)
	[ "$n" -ge "$3" ]
	result "$tag" $? "$1_$4" "$n lines matching '$2', wanted $3 or more"
}

common_checks() {
	run perf_stream v4v-perf -c "$d" -t 2 -i 0.5
	sed 's/^/# /' $W/perf_stream.out
	expect "$tag" perf_stream 0 "Connecting to host $d, port 5201" \
		"v4v stream, 1 stream, 65536-byte writes" " sender" " receiver"
	count perf_stream ' sec .*bits/sec$' 3 intervals
	run perf_json v4v-perf -c "$d" -t 1 -J
	expect "$tag" perf_json 0 '"sum_received"' '"protocol": "v4v-stream"'
	json perf_json
	run perf_reverse v4v-perf -c "$d" -t 1 -R -J
	expect "$tag" perf_reverse 0 '"reverse": 1'
	json perf_reverse
	run perf_bidir v4v-perf -c "$d" -t 1 --bidir -P 2 -i 0.5
	expect "$tag" perf_bidir 0 "2 streams each way" "\[TX-C\]" "\[RX-C\]" "\[SUM\]"
	run perf_bidir_json v4v-perf -c "$d" -t 1 --bidir -J
	expect "$tag" perf_bidir_json 0 '"sum_received_bidir_reverse"'
	json perf_bidir_json
	run perf_dgram v4v-perf -c "$d" -t 1 -u -l 1000 -P 2 -J
	expect "$tag" perf_dgram 0 '"protocol": "v4v-dgram"' '"lost_packets": 0,'
	json perf_dgram
	run perf_dgram_reverse v4v-perf -c "$d" -t 1 -u -R
	expect "$tag" perf_dgram_reverse 0 "receiver  0/[1-9][0-9]* lost"
	# 8 MiB over two streams: both sides count exactly that, no more.
	run perf_bytes v4v-perf -c "$d" -n 8M -P 2 -J
	expect "$tag" perf_bytes 0 '"bytes": 8388608'
	ok=0
	for sum in sum_sent sum_received; do
		grep -A 4 "\"$sum\"" $W/perf_bytes.out | grep -q '"bytes": 8388608,' || ok=1
	done
	result "$tag" $ok perf_bytes_both_sides_exact "sum_sent and sum_received are not both 8388608"
	json perf_bytes
	run perf_rtt v4v-perf -c "$d" -t 1 --rtt -J
	expect "$tag" perf_rtt 0 '"mean_rtt"' '"round_trips"'
	json perf_rtt
	run perf_rtt_dgram v4v-perf -c "$d" -t 1 --rtt -u -l 64
	expect "$tag" perf_rtt_dgram 0 "round trips, rtt min/avg/max" "mean round trip"
	run perf_ring v4v-perf -c "$d" -t 1 --ring 64K -l 16K -J
	expect "$tag" perf_ring 0 '"ring_size": 65536' '"blksize": 16384'
	json perf_ring
	# Writes bigger than the reader's 1 MiB pieces.
	run perf_big_writes v4v-perf -c "$d" -t 1 -l 4M
	expect "$tag" perf_big_writes 0 "4194304-byte writes" " receiver"
	# The server's memory is bounded whatever a client asks for.
	run perf_rtt_too_big_refused v4v-perf -c "$d" --rtt -P 8 -l 16M -t 1
	expect "$tag" perf_rtt_too_big_refused 1 "server refused the v4v test: Cannot allocate memory"
	run perf_nothing_listening v4v-perf -c "$d:5999" -t 1
	expect "$tag" perf_nothing_listening 1 "cannot reach a server at $d:5999"
	run perf_no_such_domain v4v-perf -c 30000 -t 1
	expect "$tag" perf_no_such_domain 1 "cannot reach a server at 30000:5201"
	usage_errors v4v-perf "-c $d -t 0" "-c $d -P 33" "-c $d -l 0" "-c $d -l 17M" \
		"-c $d -t x" "-c $d --transport foo" "-c $d -B unix,foo" "-c $d -R --bidir" \
		"-c $d --rtt -R" "-c $d --ring 10" "-s -c $d" "" "-c foo:bar" "-c any" \
		"-c $d extra" "-x"
	result "$tag" $? perf_bad_input_exits_2
	run perf_help v4v-perf --help
	expect "$tag" perf_help 0 "Usage: v4v-perf" "Exit status"
	run perf_version v4v-perf --version
	expect "$tag" perf_version 0 "^v4v-perf [0-9]"
}

checks() {
	tag=$1 d=$2 scope=$3
	mkdir -p $W
	common_checks
	case $scope in
	self|uml)
		ip link set lo up 2>/dev/null || ifconfig lo up
		run perf_baselines v4v-perf -c "$d" -t 1 -B unix,tcp --tcp-host 127.0.0.1
		sed 's/^/# /' $W/perf_baselines.out
		expect "$tag" perf_baselines 0 "baseline unix: .* received; v4v/unix [0-9]" \
			"baseline tcp: .* received; v4v/tcp [0-9]"
		run perf_baselines_json v4v-perf -c "$d" -t 1 --rtt -B unix -J
		expect "$tag" perf_baselines_json 0 '"baselines"' '"rtt": [0-9]'
		json perf_baselines_json
		run perf_unix_dgram v4v-perf -c "$d" -t 1 -u --transport unix
		expect "$tag" perf_unix_dgram 0 "unix dgram, 1 stream" "receiver  0/"
		;;
	peer)
		run perf_baselines v4v-perf -c "$d" -t 2 -B vchan
		sed 's/^/# /' $W/perf_baselines.out
		expect "$tag" perf_baselines 0 "baseline vchan: .* received; v4v/vchan [0-9]"
		run perf_baselines_json v4v-perf -c "$d" -t 1 -R -B vchan -J
		expect "$tag" perf_baselines_json 0 '"baselines"' '"transport": "vchan"' \
			'"throughput": [0-9]'
		json perf_baselines_json
		run perf_vchan_rtt v4v-perf -c "$d" -t 1 --rtt --transport vchan
		expect "$tag" perf_vchan_rtt 0 "vchan stream" "mean round trip"
		run perf_unix_needs_same_domain v4v-perf -c "$d" -t 1 --transport unix
		expect "$tag" perf_unix_needs_same_domain 1 "AF_UNIX needs the server in this domain"
		;;
	esac
	if [ "$scope" = uml ]; then
		run perf_vchan_unavailable v4v-perf -c "$d" -t 1 --transport vchan
		expect "$tag" perf_vchan_unavailable 1 "server refused the vchan test"
	fi
}

names() {
	echo perf_stream perf_stream_intervals perf_json perf_reverse perf_bidir perf_bidir_json \
		perf_dgram perf_dgram_reverse perf_bytes perf_bytes_both_sides_exact perf_rtt \
		perf_rtt_dgram perf_ring perf_big_writes perf_rtt_too_big_refused \
		perf_nothing_listening perf_no_such_domain perf_bad_input_exits_2 perf_help perf_version perf_baselines perf_baselines_json
	case $1 in
	self) echo perf_unix_dgram ;;
	uml) echo perf_unix_dgram perf_vchan_unavailable ;;
	peer) echo perf_vchan_rtt perf_unix_needs_same_domain ;;
	esac
}

case $1 in
serve) bg_start server v4v-perf -s ;;
stop)
	bg_stop server
	sed 's/^/# server: /' $W/server.log
	;;
run) checks "$2" "$3" "$4" ;;
list) names "$2" ;;
list-json) echo perf_json perf_reverse perf_bidir_json perf_dgram perf_bytes perf_rtt perf_ring \
	perf_baselines_json ;;
*) echo "usage: perf.sh serve|stop|run TAG DOMAIN SCOPE|list SCOPE|list-json" >&2; exit 2 ;;
esac

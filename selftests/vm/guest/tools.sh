#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The command-line tools against a responder: v4v-ping's replies, options,
# summary and exit codes, and its errors (bad numbers, bad destinations,
# nothing listening, no such domain).
#
#   tools.sh serve | stop         the responder (dom0, or UML itself)
#   tools.sh ping TAG DOMAIN      the checks, against DOMAIN's responder
#   tools.sh list                 the test names
W=/tmp/tools
. "$(dirname "$0")/v4vt.sh"

ping_checks() {
	tag=$1 d=$2
	mkdir -p $W
	run ping_replies v4v-ping -c 3 -i 0.2 "$d"
	sed 's/^/# /' $W/ping_replies.out
	expect "$tag" ping_replies 0 "bytes from $d:7: seq=3" \
		"3 packets transmitted, 3 received, 0% packet loss" "rtt min/avg/max/mdev = "
	run ping_flood_quiet v4v-ping -f -q -c 200 "$d"
	expect "$tag" ping_flood_quiet 0 "200 packets transmitted, 200 received"
	! grep -q "bytes from" $W/ping_flood_quiet.out
	result "$tag" $? ping_quiet_prints_no_replies
	run ping_size v4v-ping -c 1 -s 4000 "$d:7"
	expect "$tag" ping_size 0 "4000 bytes from"
	run ping_deadline v4v-ping -w 1 -i 0.2 "$d"
	expect "$tag" ping_deadline 0 " received, 0% packet loss"
	run ping_nothing_listening v4v-ping -c 2 -i 0.2 -W 1 "$d:0x7a09"
	expect "$tag" ping_nothing_listening 1 "port unreachable" "2 packets transmitted, 0 received"
	run ping_no_such_domain v4v-ping -c 1 -W 1 30000
	expect "$tag" ping_no_such_domain 1 "0 received"
	usage_errors v4v-ping "-c 0 $d" "-s 1 $d" "-i x $d" "-W -1 $d" "foo:bar" "any:7" \
		"$d:any" "" "-x $d" "nosuchname"
	result "$tag" $? ping_bad_input_exits_2
	run ping_help v4v-ping --help
	expect "$tag" ping_help 0 "Usage: v4v-ping" "Exit status"
	# The summary's numbers are the replies' (min of what the lines said).
	min=$(sed -n 's/.*time=\([0-9.]*\) ms/\1/p' $W/ping_replies.out | sort -n | head -n 1)
	grep -q "rtt min/avg/max/mdev = $min/" $W/ping_replies.out
	result "$tag" $? ping_summary_matches_replies "lines' min $min"
}

case $1 in
serve) bg_start responder v4v-ping -l ;;
# The responder ends on SIGTERM (the module unloads after this).
stop) bg_stop responder ;;
ping) ping_checks "$2" "$3" ;;
list) echo ping_replies ping_flood_quiet ping_quiet_prints_no_replies ping_size \
	ping_deadline ping_nothing_listening ping_no_such_domain ping_bad_input_exits_2 ping_help \
	ping_summary_matches_replies ;;
*) echo "usage: tools.sh serve|stop|ping TAG DOMAIN|list" >&2; exit 2 ;;
esac

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The entropy service end to end: dom0's v4v-randomd feeds a guest over
# vchan and over v4v, the guest's pool accounting changes, malformed
# requests get EINVAL and cost nothing, the rate limit refuses a greedy
# guest, only dom0 may serve, bad input exits 2.
#
#   entropy.sh impostor TAG       an unprivileged user of the serving domain
#                                 tries to be the daemon: it cannot bind
#   entropy.sh serve [--vchan]    start the daemon (dom0, or UML itself), and
#                                 beside it v4v-test impostor-control, which
#                                 lets a guest's test pause the daemon and
#                                 set an unprivileged impostor on it
#   entropy.sh flood              a client of the serving domain fills the
#                                 daemon's ring with requests until it was
#                                 full a while (stop checks that it dropped
#                                 what was over the bound)
#   entropy.sh stop TAG           stop it: it must exit 0 and have served
#   entropy.sh guest TAG SCOPE    the client's checks; SCOPE is domu (vchan
#                                 and v4v, run first thing at boot) or uml
#                                 (v4v only; vchan must fail cleanly)
#   entropy.sh forged TAG         (a guest, after guest) while the daemon is
#                                 paused, an unprivileged user of the
#                                 serving domain forges answers to
#                                 v4v-random: none may be credited
#   entropy.sh absent TAG         after stop: the client must say the
#                                 daemon is not there (v4v, and vchan on Xen)
#   entropy.sh list SCOPE         the test names
W=/tmp/entropy
. "$(dirname "$0")/v4vt.sh"

avail() {
	cat /proc/sys/kernel/random/entropy_avail
}

guest_checks() {
	tag=$1 scope=$2
	mkdir -p $W
	start=$(avail)
	echo "# entropy_avail at the start: $start"
	if [ "$scope" = domu ]; then
		run entropy_vchan_credits v4v-random -t vchan -n 64
		sed 's/^/# /' $W/entropy_vchan_credits.out
		expect "$tag" entropy_vchan_credits 0 "512 bits from dom0 over vchan credited"
	else
		run entropy_vchan_unavailable v4v-random -t vchan
		expect "$tag" entropy_vchan_unavailable 1 "vchan: libxenvchan is not installed"
	fi
	run entropy_v4v_credits v4v-random -n 32
	sed 's/^/# /' $W/entropy_v4v_credits.out
	expect "$tag" entropy_v4v_credits 0 "256 bits from dom0 over v4v credited"
	end=$(avail)
	if [ "$scope" = domu ]; then
		# The pool must have been short before, or nothing could be shown
		# (a domU's is, this early; UML's kernel fills its own at boot).
		[ "$start" -lt 256 ] && [ "$end" -gt "$start" ]
		result "$tag" $? entropy_pool_accounting_changed "entropy_avail $start -> $end"
	fi
	# A hostile guest's requests: short, wrong magic, wrong version, 0 or
	# 512 bytes, 64 bytes of junk.  Each gets EINVAL (22), none a byte.
	bad=0
	for hex in 7652 0000000001001000 76524e4402001000 76524e4401000000 \
		76524e4401000002 $(printf 'ff%.0s' $(seq 64)); do
		r=$(v4v-test raw 0 0x3e0 $hex)
		[ "$r" = "reply 8: 76 52 4e 44 16 00 00 00" ] || { bad=1; echo "# $hex: $r"; }
	done
	result "$tag" $bad entropy_malformed_requests_get_einval
	run entropy_serves_after_garbage v4v-random -N -n 16
	expect "$tag" entropy_serves_after_garbage 0 "128 bits from dom0 over v4v not credited"
	# The bucket holds 1024 bytes (112 at most just taken), refills at 64/s:
	# eight quick requests of 256 cannot all pass.
	ok=0 refused=0 i=0
	while [ $i -lt 8 ]; do
		if v4v-random -N -q -n 256 > $W/greedy.out 2>&1; then
			ok=$((ok + 1))
		elif grep -q "over this domain's rate" $W/greedy.out; then
			refused=$((refused + 1))
		fi
		i=$((i + 1))
	done
	[ $ok -ge 1 ] && [ $refused -ge 1 ]
	result "$tag" $? entropy_rate_limited "$ok served, $refused refused of 8"
	usage_errors v4v-random "-n 0" "-n 257" "-n x" "-t foo" "-i 0" "-W 0" "extra" "-x"
	bad=$?
	usage_errors v4v-randomd "--rate 0" "--burst 10" "--no-v4v" "extra" "-p 1024" \
		"-p 0x52444e00" || bad=1
	result "$tag" $bad entropy_bad_input_exits_2
	v4v-random --help | grep -q "^Usage: v4v-random" && v4v-randomd --help | grep -q "^Usage: v4v-randomd"
	result "$tag" $? entropy_help
	if [ "$scope" = domu ]; then
		run entropy_only_dom0_serves v4v-randomd -p 1000
		expect "$tag" entropy_only_dom0_serves 1 "only dom0 serves entropy; this is domain [1-9]"
	fi
}

# The ports of this domain's rings, one a line.
ring_ports() {
	awk 'NR > 1 { print $1 }' /sys/kernel/debug/v4v/rings
}

# v4v-random waits for the paused daemon; the impostor (nobody, in the
# serving domain) learns the client's port, as a patient attacker could,
# and tries every way it has to answer as the daemon.  The client must take
# none of it: exit 1, no answer, nothing credited.
forged_answers() {
	tag=$1 name=entropy_impostor_not_credited
	mkdir -p $W
	r=$(v4v-test impostor-ask pause)
	if [ "$r" != paused ]; then
		result "$tag" 1 $name "pause: $r"
		return
	fi
	# The client must still be waiting when the forgeries arrive: on a
	# slow machine the round trips to the helper can outlast a short
	# wait, and a client already gone proves nothing (the forger then
	# reports "Connection refused"), so such a try is made again, longer.
	for wait_s in 3 10 30; do
		try_forgery $wait_s
		[ $rc = 0 ] && break
		case $forged in *"forged 16 of 16"*) break ;; esac
	done
	resumed=$(v4v-test impostor-ask resume)
	# Both binds refused (privileged port), every forged answer delivered,
	# and the client still waited for dom0's daemon in vain.
	[ $rc = 1 ] && grep -q "no answer from dom0 over v4v" $W/$name.out &&
		[ "$resumed" = resumed ] &&
		case $forged in
		"bind 0x3e0: Permission denied; bind 0x3e0 for domain "*": Permission denied; forged 16 of 16 from port "*) true ;;
		*) false ;;
		esac
	result "$tag" $? $name "$forged"
}

# One try: v4v-random waits up to $1 s; sets forged and rc.
try_forgery() {
	# Never an empty list: busybox grep -f matches nothing with one.
	{ echo none; ring_ports; } > $W/ports.before
	v4v-random -n 32 -W "$1" > $W/$name.out 2>&1 &
	pid=$! port='' i=0
	while [ -z "$port" ] && [ $i -lt 50 ]; do
		sleep 0.1
		port=$(ring_ports | grep -vxFf $W/ports.before | head -n 1)
		i=$((i + 1))
	done
	forged=$(v4v-test impostor-ask "forge ${port:-0}")
	wait $pid
	rc=$?
	echo "# wait $1 s: client port $port; impostor: $forged; client exit $rc: $(cat $W/$name.out)"
	# A client that credited a forgery fails the test at once.
	[ $rc = 0 ] && forged="client credited: $(cat $W/$name.out)"
}

names() {
	case $1 in
	domu) echo entropy_vchan_credits entropy_only_dom0_serves entropy_pool_accounting_changed ;;
	uml) echo entropy_vchan_unavailable ;;
	esac
	echo entropy_v4v_credits entropy_impostor_not_credited entropy_malformed_requests_get_einval \
		entropy_serves_after_garbage entropy_rate_limited entropy_bad_input_exits_2 entropy_help
}

case $1 in
impostor)
	# Before the daemon: nobody (uid 65534, no capabilities) runs it on
	# the service port.  Below 1024, the bind is refused; bound, it would
	# serve forever and hand guests its own bytes (timeout ends that).
	mkdir -p $W
	run entropy_impostor_cannot_bind timeout 10 v4v-test as-nobody v4v-randomd
	expect "$2" entropy_impostor_cannot_bind 1 "v4v port 0x3e0: Permission denied"
	;;
serve)
	shift
	bg_start daemon v4v-randomd "$@"
	bg_start control v4v-test impostor-control $W/daemon.pid
	;;
flood)
	# 16-byte requests, valid, as fast as the ring takes them, unread,
	# until the ring has been full a while (at most a minute).
	# The daemon is stopped meanwhile: a flooder that sends faster than
	# it reads (another CPU, a domain of its own) fills its ring so.
	# Once it serves: started just before, it may not have bound yet.
	i=0
	while ! grep -q "serving" $W/daemon.log && [ $i -lt 50 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	kill -STOP "$(cat $W/daemon.pid)"
	v4v-test flood 0 0x3e0 76524e4401001000 60 > $W/flood.out 2>&1
	echo $? > $W/flood.rc
	kill -CONT "$(cat $W/daemon.pid)"
	sed 's/^/# /' $W/flood.out
	sleep 1
	;;
stop)
	bg_stop control		# it ends by itself once a guest has resumed
	sed 's/^/# /' $W/control.log
	bg_stop daemon
	ended=$?
	sed 's/^/# daemon: /' $W/daemon.log
	[ $ended = 0 ] && grep -q "served [1-9][0-9]* bytes" $W/daemon.log
	result "$2" $? entropy_daemon_served_and_stopped "$(tail -n 1 $W/daemon.log)"
	# The flood ran to its end, and what one domain sent over its share
	# of a pass was dropped unanswered: the loop went on to everyone else.
	[ "$(cat $W/flood.rc 2>/dev/null)" = 0 ] &&
		! grep -q "full 0 times" $W/flood.out &&
		grep -q "domain 0 floods" $W/daemon.log &&
		grep -q "dropped [1-9][0-9]*$" $W/daemon.log
	result "$2" $? entropy_flood_is_bounded "$(cat $W/flood.out 2>/dev/null | tail -n 1)"
	;;
guest) guest_checks "$2" "$3" ;;
forged) forged_answers "$2" ;;
absent)
	run entropy_no_daemon v4v-random -W 1
	expect "$2" entropy_no_daemon 1 "v4v-randomd is not running in dom0"
	if [ -e /dev/xen/gntdev ]; then
		run entropy_no_vchan_offered v4v-random -t vchan -W 1
		expect "$2" entropy_no_vchan_offered 1 "dom0 offers none at /local/domain/0/data/v4v-randomd/"
	fi
	;;
list) names "$2" ;;
*) echo "usage: entropy.sh impostor TAG|serve [ARGS]|flood|stop TAG|guest TAG SCOPE|forged TAG|absent TAG|list SCOPE" >&2
	exit 2 ;;
esac

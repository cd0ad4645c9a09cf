#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Unmodified IP programs over v4v through the LD_PRELOAD interposer:
# Debian's busybox (nc, httpd, wget), OpenBSD's nc (datagrams) and
# dropbear (ssh), as selftests/vm/lib/interpose.sh puts them in the
# images.  Every transfer is checked byte for byte.
#
#   interpose.sh serve            dom0: start the servers (background)
#   interpose.sh check TAG        dom0, after the domU ran: what arrived
#   interpose.sh fetch TAG HOST   domU: the clients, against dom0 at HOST
#   interpose.sh local TAG        one domain (UML): serve, fetch, check
#   interpose.sh semantics TAG    preload-check: fds, dup, exec, epoll...
#   interpose.sh list ROLE        the test names a role reports
D=/usr/lib/v4v-test
BB=$D/busybox
NC=$D/nc
DATA=$D/data.bin
W=/tmp/interpose
PRE="env LD_PRELOAD=$D/libv4v-preload.so INET_IS_V4V=1"
UDP_OUT="datagram one
datagram two"
UDP_REPLY="reply one
reply two"
. "$(dirname "$0")/v4vt.sh"

# Run "$@" with stdin open until it exits: busybox nc quits at stdin's end.
# A FIFO opened for reading and writing has a writer, itself, for good, so
# its reader never sees the end; and unlike a read-only open it does not
# wait for one, so a SIGCHLD cannot interrupt it (under load one did, and
# the shell gave up on the command).
held() {
	f=$(mktemp -u $W/hold.XXXXXX)
	mkfifo "$f"
	"$@" 0<>"$f"
	r=$?
	rm -f "$f"
	return $r
}

serve() {
	mkdir -p $W/www
	cp $DATA $W/www/data.bin
	printf '%s\n' "$UDP_REPLY" > $W/udp_reply
	# Listening on :: (dual stack) as busybox does, and on 0.0.0.0.
	(held $PRE $BB nc -l -p 6001 > $W/nc_in; echo $? > $W/nc_in.rc) &
	($PRE $BB nc -l -p 6002 < $DATA; echo $? > $W/nc_out.rc) &
	# Those that do not end by themselves; check() stops them.
	$PRE $BB httpd -f -p 0.0.0.0:6080 -h $W/www &
	echo $! >> $W/pids
	# A service for this domain alone: bound to 127.0.0.1, no peer may reach it.
	$PRE $BB httpd -f -p 127.0.0.1:6081 -h $W/www &
	echo $! >> $W/pids
	$PRE $NC -u -l -p 6003 > $W/udp_in &
	echo $! >> $W/pids
	$PRE $NC -u -l -p 6004 < $W/udp_reply > /dev/null &
	echo $! >> $W/pids
	# Key logins for root only; the client's key is in authorized_keys.
	chmod 0700 /root /root/.ssh
	$PRE $D/dropbear -F -E -s -p 0.0.0.0:6022 -r $D/ssh_host_key 2> $W/dropbear.log &
	echo $! >> $W/pids
	sleep 1
}

# Stop the servers; say how much CPU each used (a spinning one shows).
stop() {
	for p in $(cat $W/pids); do
		[ -r /proc/$p/stat ] || continue
		echo "# interpose: pid $p ($(cat /proc/$p/comm)) used $(cut -d' ' -f14 /proc/$p/stat) ticks"
		kill $p
	done
}

check() {
	tag=$1
	cmp -s $W/nc_in $DATA
	result "$tag" $? nc_stream_arrived "received $(wc -c < $W/nc_in) bytes, rc $(cat $W/nc_in.rc 2>/dev/null)"
	[ "$(cat $W/nc_out.rc 2>/dev/null)" = 0 ]
	result "$tag" $? nc_stream_served "rc $(cat $W/nc_out.rc 2>/dev/null)"
	[ "$(cat $W/udp_in)" = "$UDP_OUT" ]
	result "$tag" $? udp_arrived "got '$(cat $W/udp_in)'"
	# No -T: this busybox's wget crashes (SIGSEGV) with a timeout set.
	$PRE $BB wget -O $W/local_got "http://127.0.0.1:6081/data.bin" 2> $W/local.err
	r=$?
	[ $r = 0 ] && cmp -s $W/local_got $DATA
	ok=$?
	[ $ok = 0 ] || { sed 's/^/# /' $W/local.err; sed 's/^/# ring: /' /sys/kernel/debug/v4v/rings; }
	result "$tag" $ok localhost_service_serves_itself "wget rc $r"
	stop
}

fetch() {
	tag=$1 host=$2
	mkdir -p $W
	$PRE $BB nc "$host" 6001 < $DATA
	result "$tag" $? nc_stream_to_peer
	held $PRE $BB nc "$host" 6002 > $W/nc_pulled
	cmp -s $W/nc_pulled $DATA
	result "$tag" $? nc_stream_from_peer "received $(wc -c < $W/nc_pulled) bytes"
	$PRE $BB wget -q -O $W/http_got "http://$host:6080/data.bin"
	r=$?
	[ $r = 0 ] && cmp -s $W/http_got $DATA
	result "$tag" $? http_fetch_from_peer "wget rc $r, $(wc -c < $W/http_got) bytes"
	printf '%s\n' "$UDP_OUT" | $PRE $NC -u -w1 "$host" 6003
	result "$tag" $? udp_to_peer
	(echo hello; sleep 2) | $PRE $NC -u -w2 "$host" 6004 > $W/udp_got
	[ "$(cat $W/udp_got)" = "$UDP_REPLY" ]
	result "$tag" $? udp_reply_from_peer "got '$(cat $W/udp_got)'"
	# ssh both ways in one session: up to the peer, and back.
	HOME=/root $PRE $D/dbclient -y -y -i /root/.ssh/id_dropbear -p 6022 "root@$host" \
		"cat > $W/ssh_up && cat $W/ssh_up" < $DATA > $W/ssh_back 2> $W/dbclient.log
	r=$?
	[ $r = 0 ] && cmp -s $W/ssh_back $DATA
	result "$tag" $? ssh_round_trip "dbclient rc $r, $(wc -c < $W/ssh_back) bytes back: $(tail -n 1 $W/dbclient.log)"
	# The peer's service on 127.0.0.1 is its own: refused to us.
	if [ "$host" != 127.0.0.1 ]; then
		$PRE $BB wget -O $W/local_got "http://$host:6081/data.bin" 2> $W/local.err
		r=$?
		[ $r = 1 ] && [ ! -s $W/local_got ]
		result "$tag" $? localhost_service_refused_to_peer \
			"wget rc $r: $(tail -n 1 $W/local.err)"
	fi
	# Without the switch the same program stays on IP (and finds no route).
	# Status 1, wget's own failure: not a crash (139), which would prove nothing.
	$BB wget -q -O /dev/null "http://$host:6080/data.bin" 2> $W/ip.err
	r=$?
	[ $r = 1 ]
	result "$tag" $? ip_untouched_without_switch "wget rc $r: $(tail -n 1 $W/ip.err)"
}

case $1 in
semantics) $PRE $D/preload-check run "$2" ;;
serve) serve ;;
check) check "$2" ;;
fetch) fetch "$2" "$3" ;;
local)
	serve
	fetch "$2" 127.0.0.1
	check "$2"
	;;
list)
	case $2 in
	check) echo nc_stream_arrived nc_stream_served udp_arrived localhost_service_serves_itself ;;
	fetch) echo nc_stream_to_peer nc_stream_from_peer http_fetch_from_peer udp_to_peer \
		udp_reply_from_peer ssh_round_trip ip_untouched_without_switch \
		localhost_service_refused_to_peer ;;
	local) echo nc_stream_to_peer nc_stream_from_peer http_fetch_from_peer udp_to_peer \
		udp_reply_from_peer ssh_round_trip ip_untouched_without_switch nc_stream_arrived \
		nc_stream_served udp_arrived localhost_service_serves_itself ;;
	esac
	;;
*) echo "usage: interpose.sh serve|check TAG|fetch TAG HOST|local TAG|list ROLE" >&2; exit 2 ;;
esac

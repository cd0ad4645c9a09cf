#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /init of the domU (busybox sh): load v4v, run the dgram, badinput and client suites
# (or, for the sandbox, greet dom0), unload, power off.  Its console reaches
# the host through xenconsoled's log in dom0, which passes each line on as a
# record.  Records travel on this console, so the kernel's messages reach
# it only through v4v-test kmsg-relay, as whole lines (Documentation/harness.rst).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
MODE=${v4vtest:-full}
N=0

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
exec 9>&1
export V4V_RECORD_FD=9
. /bin/v4vt.sh
v4v-test kmsg-relay &
RELAY=$!
echo "V4VINIT: domU up ($(uname -r)), uptime $(cut -d' ' -f1 /proc/uptime)"

result() {
	N=$((N + 1))
	if [ "$1" = 0 ]; then
		record "V4VT: domu-init: ok $N $2"
	else
		record "V4VT: domu-init: not ok $N $2 # ${3:-failed}"
	fi
}

if insmod /v4v.ko; then
	result 0 module_load
	# The Xen drivers for vchans (v4v-random -t vchan, v4v-perf's baseline).
	for m in xen-evtchn xen-gntdev xen-gntalloc; do
		insmod /lib/modules/xen/$m.ko || echo "V4VINIT: insmod $m failed"
	done
	if [ "$MODE" = matrix ]; then
		timeout 1200 sh /bin/matrix.sh run domu-matrix cross
	elif [ "$MODE" = sandbox ]; then
		v4v-test sandbox-domu
		# The tools people reach for first, against dom0 (SANDBOX lines
		# are what the host shows).
		record "SANDBOX domU: \$ v4v-ping -c 3 -i 0.5 0"
		v4v-ping -c 3 -i 0.5 0 2>&1 | sed 's/^/SANDBOX domU:   /' | record_lines
		record "SANDBOX domU: \$ v4v-perf -c 0 -t 3 -B vchan"
		v4v-perf -c 0 -t 3 -B vchan 2>&1 | sed 's/^/SANDBOX domU:   /' | record_lines
		record "SANDBOX domU: \$ v4v-random -t vchan"
		v4v-random -t vchan 2>&1 | sed 's/^/SANDBOX domU:   /' | record_lines
	else
		# First, while this domain's pool is still short of entropy.
		timeout 120 sh /bin/entropy.sh guest domu-entropy domu
		timeout 120 sh /bin/entropy.sh forged domu-entropy
		# The harness's own test: large records stay whole while the
		# kernel log floods.
		v4v-test flood-reports domu-harness 24 6000
		timeout 1200 v4v-test run dgram domu
		timeout 600 v4v-test run badinput domu
		timeout 600 v4v-test run lib domu
		timeout 1800 v4v-test run client domu
		timeout 1800 v4v-test run stream domu
		# Unmodified IP programs, through the interposer, to dom0 (1.0.0.0).
		timeout 600 sh /bin/interpose.sh fetch domu-interpose 1.0.0.0
		timeout 300 sh /bin/interpose.sh semantics domu-preload
		timeout 300 sh /bin/tools.sh ping domu-tools 0
		timeout 600 sh /bin/perf.sh run domu-perf 0 peer
	fi
	# Closed sockets pin the module for an RCU grace period: retry a little.
	i=0
	until rmmod v4v 2>/dev/null || [ $i -ge 25 ]; do i=$((i + 1)); sleep 0.2; done
	lsmod | grep -q '^v4v ' && result 1 module_unload "still loaded" || result 0 module_unload
	# Last: hold two connections to dom0 until dom0 destroys this domain.
	if [ "$MODE" = full ] && insmod /v4v.ko; then
		echo "V4VINIT: domU done, uptime $(cut -d' ' -f1 /proc/uptime); now the victim"
		v4v-test victim
	fi
else
	result 1 module_load "insmod failed"
fi
echo "V4VINIT: domU done, uptime $(cut -d' ' -f1 /proc/uptime)"
kill $RELAY
wait $RELAY
sync
poweroff -f

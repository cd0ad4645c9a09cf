#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /init of dom0 in the VM tier (busybox sh).  The kernel hands it v4vtest=MODE:
#   full     load v4v, run the dgram and badinput suites, reload x3, start
#            the test server, create the domU (which runs its suites, the
#            client one against the server), collect its console, unload;
#   probe    only load v4v and show what it said (negative controls);
#   sandbox  load v4v in dom0 and the domU, exchange a few messages, show
#            the module's status files;
#   bench    load v4v and run the benchmarks only;
#   matrix   the benchmark matrix: dom0 to itself, then the domU to dom0.
# Results are "V4VT: dom0-init: ok|not ok N name" records.  Every record
# (this script's, the test programs', and each line of the domU's console,
# prefixed "DOMU| ") goes to the record channel, the second serial port,
# where neither Xen nor this kernel writes (Documentation/harness.rst); the
# console shows them too, for people.  Ends with V4V-INIT-FINISHED.
export PATH=/usr/lib/xen-4.17/bin:/bin:/sbin:/usr/bin:/usr/sbin
MODE=${v4vtest:-full}
N=0
DOMU_DEADLINE=${v4vdomu:-1500}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /dev/pts /dev/shm && mount -t devpts devpts /dev/pts && mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mkdir -p /run/xen /run/xenstored /var/lib/xen /var/lib/xenstored /var/log/xen/console /var/lock
# The record channel: COM2, raw, so that a line leaves as it was written.
# stty first: a redirection that fails would end this shell, and the boot.
if stty -F /dev/ttyS1 raw -echo 2>/dev/null; then
	exec 9>/dev/ttyS1
	stty -F /dev/ttyS1 raw -echo	# and while it is open
	export V4V_RECORD_FD=9 V4V_RECORD_ECHO=1
else
	echo "V4VINIT: no record channel (/dev/ttyS1): the host will find no records"
	exec 9>&1
fi
. /bin/v4vt.sh
record "V4VINIT: dom0 up ($(uname -r)), mode $MODE, uptime $(cut -d' ' -f1 /proc/uptime)"

result() { # result 0|1 name [why]
	N=$((N + 1))
	if [ "$1" = 0 ]; then
		record "V4VT: dom0-init: ok $N $2"
	else
		record "V4VT: dom0-init: not ok $N $2 # ${3:-failed}"
	fi
}

# The module's word on Argo, as a record (the console's copy can be cut).
record_argo_state() {
	dmesg | grep -o 'v4v: Argo .*' | tail -n 1 | record_lines
}

finish() {
	echo "V4VINIT: done, uptime $(cut -d' ' -f1 /proc/uptime)"
	v4v-test drain-records
	echo "V4V-INIT-FINISHED"
	sync
	poweroff -f
	sleep 60
}

show_status() {
	for f in status rings; do
		echo "V4VINIT: /sys/kernel/debug/v4v/$f:"
		sed 's/^/    /' /sys/kernel/debug/v4v/$f
	done
}

start_toolstack() {
	for m in xen-evtchn xen-privcmd xen-gntdev xen-gntalloc xenfs; do
		insmod /lib/modules/xen/$m.ko || echo "V4VINIT: insmod $m failed"
	done
	mount -t xenfs xenfs /proc/xen
	xenstored --pid-file /run/xenstored.pid &&
		timeout 120 xen-init-dom0 >/dev/null &&
		xenconsoled --pid-file=/run/xenconsoled.pid --log=guest \
			--log-dir=/var/log/xen/console
	result $? toolstack_started
}

# Closed sockets are freed after an RCU grace period and pin the module
# until then, so an unload right after a test may need a few tries.
unload_v4v() {
	wait_for 'rmmod v4v' 5
}

# Wait (in 0.2 s steps, up to $2 s) until the command $1 succeeds.
wait_for() {
	local tries=0
	while ! eval "$1" >/dev/null 2>&1; do
		tries=$((tries + 1))
		[ $tries -ge $(($2 * 5)) ] && return 1
		sleep 0.2
	done
}

# The domU ends its run holding two connections to dom0's stream server,
# one where dom0 sends and one where it reads (v4v-test victim).  Destroy
# it: both of dom0's blocked calls must fail within a second.
peer_death_test() {
	local t0 t side e at
	# Connections (and their sockets) pin the module: rmmod must refuse.
	if rmmod v4v 2>/dev/null; then
		result 1 unload_refused_while_connected "rmmod succeeded"
	else
		result 0 unload_refused_while_connected
	fi
	t0=$(v4v-test now)
	xl destroy domu
	t=$(v4v-test now)
	echo "V4VINIT: xl destroy took $(awk "BEGIN{print $t - $t0}") s"
	wait_for '[ -e /tmp/victim-tx ] && [ -e /tmp/victim-rx ]' 5
	for side in tx rx; do
		if ! read -r e at < /tmp/victim-$side; then
			result 1 peer_destroyed_fails_$side "the blocked call never returned"
			continue
		fi
		echo "V4VINIT: victim $side: errno $e, $(awk "BEGIN{print $at - $t0}") s after xl destroy began"
		if { [ "$e" = 104 ] || [ "$e" = 32 ]; } && awk "BEGIN{exit !($at - $t <= 1.0)}"; then
			result 0 peer_destroyed_fails_$side
		else
			result 1 peer_destroyed_fails_$side "errno $e at $at, destroyed at $t"
		fi
	done
}

victims_ready() {
	[ -e /tmp/victim-tx.ready ] && [ -e /tmp/victim-rx.ready ]
}

run_domu() {
	xl create /root/domu.cfg >/tmp/xl.log 2>&1
	rc=$?
	result $rc domu_created "$(tail -n 1 /tmp/xl.log)"
	[ $rc = 0 ] || return
	if wait_for '! xl list domu || victims_ready' "$DOMU_DEADLINE"; then
		result 0 domu_finished
		if [ "$MODE" = full ]; then
			# Give a victim that is still connecting a moment.
			wait_for victims_ready 10
			if victims_ready && xl list domu >/dev/null 2>&1; then
				peer_death_test
			else
				result 1 peer_destroyed_fails "the domU did not hold its connections"
			fi
		fi
	else
		result 1 domu_finished "still running after $DOMU_DEADLINE s; destroyed"
		xl destroy domu
	fi
	echo "V4VINIT: ----- domU console -----"
	# Each line as a record (the records in it, and its kernel's messages
	# for the splat check); the echo shows it on this console.
	tr -d '\r' < /var/log/xen/console/guest-domu.log | sed 's/^/DOMU| /' | record_lines
	echo "V4VINIT: ----- end of domU console -----"
}

# The module's messages reach the console directly (console=hvc0).
if ! insmod /v4v.ko; then
	record_argo_state
	result 1 module_load "insmod failed"
	finish
fi
record_argo_state
result 0 module_load
show_status
[ "$MODE" = probe ] && finish
if [ "$MODE" = bench ]; then
	timeout 600 v4v-test bench-dgram
	timeout 600 v4v-test bench-stream
	# One placement at a time, each way round; then both ends on one
	# CPU, which measures the work per byte without the cross-CPU
	# wake-ups whose cost the host's noise moves.
	timeout 600 v4v-test bench-stream --pin 0,1
	timeout 600 v4v-test bench-stream --pin 1,0
	timeout 600 v4v-test bench-stream --pin 0,0
	show_status
	finish
fi

start_toolstack

if [ "$MODE" = matrix ]; then
	v4v-perf -s > /tmp/perf.log 2>&1 &
	wait_for 'grep -q "^0x00001451 " /sys/kernel/debug/v4v/rings' 30
	timeout 1200 sh /bin/matrix.sh run dom0-matrix same
	run_domu
	finish
fi

if [ "$MODE" = sandbox ]; then
	v4v-test sandbox-dom0 &
	v4v-ping -l > /tmp/ping.log 2>&1 &
	v4v-perf -s > /tmp/perf.log 2>&1 &
	v4v-randomd --vchan > /tmp/randomd.log 2>&1 &
	serving="v4v-ping -l, v4v-perf -s and v4v-randomd --vchan are serving"
	record "SANDBOX dom0: $serving; creating the domU (its console shows once it is done)"
	run_domu
	show_status
	finish
fi

# The harness's own test: large records stay whole while the kernel log
# floods the console.
v4v-test flood-reports dom0-harness 24 6000
timeout 1200 v4v-test run dgram dom0
timeout 600 v4v-test run badinput dom0
timeout 600 v4v-test run lib dom0
timeout 600 v4v-test run eventcpu dom0

# Reload: the module must give everything back (Xen rings, VIRQ binding,
# memory; its exit path WARNs on leaked rings or pages).  The probe binds a
# fixed port, which Xen refuses (-EEXIST) if a ring of the last load survived.
for cycle in 1 2 3; do
	if unload_v4v && insmod /v4v.ko && v4v-test probe; then
		result 0 reload_cycle_$cycle
	else
		result 1 reload_cycle_$cycle
	fi
done

# The stream suite against dom0's own stream server, which then serves the
# domU's suite and its peer-death victim.
v4v-test stream-server &
STREAM_SERVER=$!
wait_for 'grep -q "^0x00005100 " /sys/kernel/debug/v4v/rings' 30
result $? stream_server_listening
timeout 1800 v4v-test run stream dom0

v4v-test server &
SERVER=$!
wait_for 'grep -q "^0x00005001 " /sys/kernel/debug/v4v/rings' 30
result $? server_listening
# Unmodified IP programs' servers, through the interposer, for the domU.
sh /bin/interpose.sh serve
sh /bin/tools.sh serve
sh /bin/perf.sh serve
sh /bin/entropy.sh impostor dom0-entropy
sh /bin/entropy.sh serve --vchan
sh /bin/entropy.sh flood
run_domu
sh /bin/entropy.sh stop dom0-entropy
sh /bin/entropy.sh absent dom0-entropy
timeout 300 sh /bin/tools.sh ping dom0-tools 0
sh /bin/tools.sh stop
timeout 600 sh /bin/perf.sh run dom0-perf 0 self
sh /bin/perf.sh stop
sh /bin/interpose.sh check dom0-interpose
timeout 300 sh /bin/interpose.sh semantics dom0-preload
v4v-test quit
wait $SERVER
result $? server_saw_no_bad_message
v4v-test stream-quit
wait $STREAM_SERVER
show_status
# The family's socket calls with made-up arguments, as nobody, on real
# Argo; the splat checks judge.
timeout 300 sh /bin/fuzz.sh syscalls dom0-fuzz

# Reports, not tests: AF_V4V against AF_UNIX, same domain, same run.  What
# else runs here first: a busy leftover would skew only the v4v side.
echo "V4VINIT: before benchmarks: load $(cat /proc/loadavg)"
top -b -n 1 | head -n 12 | sed 's/^/    /'
timeout 600 v4v-test bench-dgram
timeout 600 v4v-test bench-stream

unload_v4v
result $? module_unload

# socket(AF_V4V, ...) loads the module by itself (its net-pf-13 alias).
mkdir -p /lib/modules/$(uname -r)/extra
cp /v4v.ko /lib/modules/$(uname -r)/extra/
depmod
echo /bin/modprobe > /proc/sys/kernel/modprobe
if v4v-test autoload && grep -q '^v4v ' /proc/modules; then
	result 0 module_autoload
else
	result 1 module_autoload
fi
unload_v4v
finish

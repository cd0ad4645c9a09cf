#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /init of the UML kernel, after the built-in KUnit suites have run: the
# userspace AF_V4V suites on the loopback backend, then a kmemleak scan.
# Their records travel on the console, so the kernel's messages reach it
# only through v4v-test kmsg-relay, as whole lines (Documentation/harness.rst).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
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
echo "V4VINIT: uml up, uptime $(cut -d' ' -f1 /proc/uptime)"
# The harness's own test: large records stay whole while the kernel log floods.
v4v-test flood-reports uml-harness 24 6000
v4v-test run dgram uml
v4v-test run badinput uml
v4v-test run lib uml
# The stream suite against this kernel's own stream server; a smaller bulk
# transfer than on Xen, where it is 1 GiB each way.
v4v-test stream-server &
# Not before it listens (a suite that starts first is refused, rarely).
i=0
until grep -q "^0x00005100 " /sys/kernel/debug/v4v/rings || [ $i -ge 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
V4VT_BULK_MB=128 v4v-test run stream uml
v4v-test stream-quit
# Unmodified IP programs through the interposer, server and client here.
timeout 300 sh /bin/interpose.sh local uml-interpose
timeout 300 sh /bin/interpose.sh semantics uml-preload
# The tools, against a responder in this kernel.
sh /bin/tools.sh serve
timeout 300 sh /bin/tools.sh ping uml-tools 0
sh /bin/tools.sh stop
sh /bin/perf.sh serve
timeout 600 sh /bin/perf.sh run uml-perf 0 uml
sh /bin/perf.sh stop
# The entropy service, daemon and client in this kernel (v4v only).
sh /bin/entropy.sh impostor uml-entropy
sh /bin/entropy.sh serve
timeout 300 sh /bin/entropy.sh guest uml-entropy uml
timeout 120 sh /bin/entropy.sh forged uml-entropy
sh /bin/entropy.sh flood
sh /bin/entropy.sh stop uml-entropy
sh /bin/entropy.sh absent uml-entropy
# The family's socket calls with made-up arguments, as nobody: the splat
# checks and kmemleak judge what they did.  A long run sets fuzzseed=,
# fuzzcount= and fuzzsecs= on the command line (V4V_UML_ARGS).
timeout "${fuzzsecs:-300}" sh /bin/fuzz.sh syscalls uml-fuzz ${fuzzseed:-0x20261207} \
	${fuzzcount:-20000}
# An object counts as leaked once two scans in a row find no reference to it.
echo scan > /sys/kernel/debug/kmemleak
sleep 1
echo scan > /sys/kernel/debug/kmemleak
cat /sys/kernel/debug/kmemleak > /tmp/leaks
if [ -s /tmp/leaks ]; then
	cat /tmp/leaks
	record "V4VT: uml-init: not ok 1 kmemleak_clean # $(grep -c unreferenced /tmp/leaks) suspected leaks"
else
	record "V4VT: uml-init: ok 1 kmemleak_clean"
fi
kill $RELAY
wait $RELAY
echo "V4V-INIT-FINISHED"
poweroff -f

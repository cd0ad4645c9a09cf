#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The AF_V4V family's socket calls with made-up arguments, as an
# unprivileged user (uid 65534), seeded and bounded: v4v-test syscall-fuzz
# (selftests/progs/syscall_fuzz.c).  The kernel's checks (KASAN, lockdep,
# kmemleak in UML; the VM tier's splat checks on Xen) judge what the calls
# did; this script judges that the run went to its end.
#
#   fuzz.sh syscalls TAG [SEED] [COUNT]
#   fuzz.sh list
W=/tmp/fuzz
. "$(dirname "$0")/v4vt.sh"

syscalls() {
	tag=$1 seed=${2:-0x20261207} count=${3:-20000}
	mkdir -p $W
	start=$(cut -d' ' -f1 /proc/uptime)
	v4v-test as-nobody v4v-test syscall-fuzz "$seed" "$count" > $W/out 2>&1
	rc=$?
	sed 's/^/# /' $W/out
	echo "# syscall fuzz: $start -> $(cut -d' ' -f1 /proc/uptime) s of uptime"
	[ $rc = 0 ] && grep -q "^# syscall fuzz: $count calls" $W/out
	result "$tag" $? syscall_fuzz_ran "status $rc, seed $seed, $count calls"
}

case $1 in
syscalls) shift; syscalls "$@" ;;
list) echo syscall_fuzz_ran ;;
*) echo "usage: fuzz.sh syscalls TAG [SEED] [COUNT] | list" >&2; exit 2 ;;
esac

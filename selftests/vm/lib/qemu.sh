# SPDX-License-Identifier: GPL-2.0
# Boot Xen + a Debian dom0 under QEMU TCG and log the serial console, each
# line prefixed with seconds since QEMU started.  Source after common.sh.
#
# Pitfalls handled here: -cpu qemu64 (TCG's SMAP emulation crashes PV dom0
# under "max") plus RDRAND, so dom0 seeds its RNG at boot rather than in the
# middle of the suites (a late "crng init done" patches a static key that
# another vCPU may be running: seen once as an int3 Oops in get_random_u64);
# commas inside dom0's multiboot arguments doubled; QEMU's
# output read through a FIFO so the last lines are never lost; and Xen,
# booted with noreboot, halting instead of exiting on a crash or a dom0
# power-off, so QEMU is stopped when the log says so.
#
# A second serial port, COM2, is dom0's record channel: QEMU writes what
# dom0 sends there to a file of its own, where neither Xen nor a kernel
# message can cut a line (Documentation/harness.rst).

V4V_QEMU_PKGS=(qemu-system-x86)
V4V_FINISH_MARKER=V4V-INIT-FINISHED
# Serial lines after which Xen will never exit by itself.
V4V_XEN_STOP_PATTERNS=('Hardware Dom0 crashed' 'Panic on CPU' 'Hardware Dom0 halted'
	'Hardware Dom0 shutdown' 'Reboot in five seconds')

# Seconds of console silence before dom0's init speaks that count as a
# stalled boot.  TCG very rarely wedges a boot for good (seen once, in the
# dom0 kernel's early boot, before v4v.ko was even loaded); such a boot is
# retried once, in the open: the log keeps both attempts.
V4V_BOOT_STALL=${V4V_BOOT_STALL:-180}

# v4v_boot LOG XEN VMLINUZ INITRD
# Env: V4V_XEN_ARGS (Argo options; default argo=1,mac-permissive=1),
#      V4V_DOM0_ARGS (extra dom0 kernel arguments), V4V_TIMEOUT (s, 1800:
#      a loaded host took 1132 s for a whole full-mode run),
#      V4V_SMP (2), V4V_MEM (MiB, 2048), V4V_INTERACTIVE=1 (console on the
#      terminal instead of the log, for the sandbox), V4V_RECORDS (the file
#      that gets COM2; default LOG with .channel for .log; a retried boot
#      starts it anew)
# Returns 0 if the init script reached its finish marker.
v4v_boot() {
	local rc
	: > "$1"
	v4v_boot_once "$@"
	rc=$?
	if [[ $rc == 2 ]]; then
		echo "### the boot stalled before dom0's init ran: retrying once" >> "$1"
		v4v_log "QEMU boot stalled before dom0's init; retrying once (see $1)"
		v4v_boot_once "$@"
		rc=$?
	fi
	return $((rc != 0))
}

# One boot, appended to LOG; 0 finished, 1 not, 2 stalled before init.
v4v_boot_once() {
	local log=$1 xen=$2 vmlinuz=$3 initrd=$4
	local argo=${V4V_XEN_ARGS-argo=1,mac-permissive=1}
	local xen_args dom0_args mods fifo qpid line now start seen=1 p rc
	local inited=1 stalled=1 part=
	v4v_need_pkgs "${V4V_QEMU_PKGS[@]}"
	xen_args="console=com1 com1=115200,8n1 $argo dom0_mem=512M,max:512M"
	xen_args+=" loglvl=all guest_loglvl=all noreboot console_timestamps=boot"
	dom0_args="console=hvc0 earlyprintk=xen ${V4V_DOM0_ARGS:-}"
	mods="$vmlinuz ${dom0_args//,/,,},$initrd"
	local qemu=(qemu-system-x86_64 -machine q35 -accel tcg -cpu qemu64,+rdrand
		-m "${V4V_MEM:-2048}" -smp "${V4V_SMP:-2}" -nographic -no-reboot
		-net none -kernel "$xen" -append "$xen_args" -initrd "$mods")
	# -serial: COM1 (Xen's console) first, then COM2 (dom0's records).
	local records=${V4V_RECORDS:-${log%.log}.channel}

	if [[ ${V4V_INTERACTIVE:-0} == 1 ]]; then
		"${qemu[@]}" -serial mon:stdio -serial "file:$records"
		return
	fi
	echo "### ${qemu[*]}" >> "$log"
	fifo=$(mktemp -u "${TMPDIR:-/tmp}/v4v-qemu.XXXXXX")
	mkfifo "$fifo"
	"${V4V_NICE[@]}" timeout -k 5 "${V4V_TIMEOUT:-1800}" "${qemu[@]}" \
		-monitor none -serial stdio -serial "file:$records" < /dev/null > "$fifo" 2>&1 &
	qpid=$!
	exec {qfd}<"$fifo"
	rm -f "$fifo"
	start=${EPOCHREALTIME/./}
	while :; do
		IFS= read -r -t "$V4V_BOOT_STALL" line <&"$qfd"
		rc=$?
		line=$part$line
		part=
		if ((rc > 128)); then
			part=$line	# a timed-out read keeps what it got of the line
			# Silence: only a stall before init counts (suites may be quiet).
			if [[ $inited != 0 && $stalled != 0 ]]; then
				stalled=0
				echo "### no console output for $V4V_BOOT_STALL s before dom0's init" >> "$log"
				kill "$qpid" 2>/dev/null
			fi
			continue
		fi
		((rc == 0)) || break
		[[ $line == *"V4VINIT: "* ]] && inited=0
		now=${EPOCHREALTIME/./}
		line=${line//$'\r'/}	# the console ends lines with CR CR LF
		printf '[%4d.%02d] %s\n' $(((now - start) / 1000000)) \
			$(((now - start) % 1000000 / 10000)) "$line" >> "$log"
		# Progress for people watching (the sandbox): the milestones.
		if [[ ${V4V_PROGRESS:-0} == 1 && ( $line == *"Xen version"* ||
			$line == *"V4VINIT: "* || $line == *"SANDBOX dom0"* ||
			$line == *"MATRIX "* || $line == *"v4v: Argo"* ) ]]; then
			printf '  [%3d s] %s\n' $(((now - start) / 1000000)) "${line#*(XEN) }" >&2
		fi
		if [[ $line == *"$V4V_FINISH_MARKER"* ]]; then
			seen=0
			(sleep 10; kill "$qpid" 2>/dev/null) >/dev/null 2>&1 &
		fi
		for p in "${V4V_XEN_STOP_PATTERNS[@]}"; do
			if [[ $line == *"$p"* ]]; then
				(sleep 3; kill "$qpid" 2>/dev/null) >/dev/null 2>&1 &
			fi
		done
	done
	exec {qfd}<&-
	wait "$qpid"
	echo "### qemu exited (status $?) after $(((${EPOCHREALTIME/./} - start) / 1000000)) s," \
		"finish marker $([[ $seen == 0 ]] && echo seen || echo MISSING)" >> "$log"
	[[ $stalled == 0 ]] && return 2
	return $seen
}

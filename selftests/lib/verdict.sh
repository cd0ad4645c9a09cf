# SPDX-License-Identifier: GPL-2.0
# Turn a VM boot's records and serial log into per-test results.  Source
# after common.sh.  RECS is the boot's records as records.py extract wrote
# them: whole lines, the domU's console among them as "DOMU| " lines; LOG is
# the console, which Xen and the kernel write into at any point of a line,
# read only for what they print themselves.
#
# Safe under set -e: no function fails because a grep found nothing.
# Every tier reports "PASS <tier>: <test>" or "FAIL <tier>: <test> # why";
# selftests/run_all.sh counts those lines.  A test that was expected but never
# reported is a failure: nothing is skipped silently.

# Kernel messages that mean something went wrong, whoever caused them.
V4V_SPLAT_RE='BUG:|WARNING:|Oops|general protection fault|Kernel panic|kernel BUG|Call Trace:|possible recursive locking|circular locking dependency|suspicious RCU usage|UBSAN:|KASAN:|refcount_t:|list_add corruption|list_del corruption|unreferenced object|stack-protector|hung_task'
# Xen's own failure messages.
V4V_XEN_CRASH_RE='Panic on CPU|FATAL PAGE FAULT|Xen BUG at|Assertion .* failed|Hardware Dom0 crashed|domain_crash'

# v4v_vm_environment LOG RECS: "ok" when the boot shows a dom0 that booted on
# Xen with Argo usable, else one line saying what was wrong with the
# environment.
v4v_vm_environment() {
	local log=$1 recs=$2 why
	if ! grep -q 'Xen version' "$log"; then
		echo "Xen did not boot"
	elif ! grep -q '^V4VINIT: dom0 up' "$recs"; then
		if grep -q 'V4VINIT: dom0 up' "$log"; then
			echo "no records from dom0 (its record channel did not work)"
		else
			echo "dom0 did not reach its init"
		fi
	elif why=$(grep -o '^v4v: Argo unavailable: .*' "$recs" | head -n 1) && [[ -n $why ]]; then
		echo "${why#v4v: }"
	elif ! grep -q '^v4v: Argo available' "$recs"; then
		echo "v4v did not report Argo's state"
	else
		echo ok
	fi
}

# Splats that come from the kernel under test itself, not from v4v, each
# recognised by a line of its own backtrace (an awk regex).  Keep this short
# and say why each one is here.
V4V_KNOWN_SPLATS=(
	# UML 6.1: fork_handler -> force_flush_all walks the maple tree without
	# RCU, which lockdep reports at every exec (kernel bug, not v4v code).
	'force_flush_all\\+'
)

# Print the first line of every splat in the lines on stdin, except those
# whose next 60 lines show a known signature.
_v4v_splat_lines() {
	local known
	known=$(IFS='|'; echo "${V4V_KNOWN_SPLATS[*]}")
	awk -v re="$V4V_SPLAT_RE" -v known="$known" '
		{ line[NR] = $0 }
		END {
			for (i = 1; i <= NR; i++) {
				if (line[i] !~ re)
					continue
				ok = 0
				for (j = i; j < i + 60 && j <= NR; j++)
					if (line[j] ~ known) { ok = 1; break }
				if (!ok)
					print line[i]
			}
		}'
}

# v4v_vm_splats LOG dom0|domu [RECS]: kernel splat lines of one domain; the
# domU's from its console in RECS.
v4v_vm_splats() {
	if [[ $2 == domu ]]; then
		grep '^DOMU| ' "$3" | _v4v_splat_lines || true
	else
		grep -v '^\[[ 0-9.]*\] DOMU| \|(XEN)' "$1" | _v4v_splat_lines || true
	fi
}

# v4v_vm_expect TIER RECS TAG NAME...: one result per expected test name.
v4v_vm_expect() {
	local tier=$1 log=$2 tag=$3 name line
	shift 3
	for name in "$@"; do
		line=$(grep -E "V4VT: $tag: (ok|not ok) [0-9]+ $name( |\$)" "$log" | tail -n 1 || true)
		if [[ -z $line ]]; then
			v4v_result "$tier" "$tag/$name" 1 "did not run"
		elif [[ $line == *"V4VT: $tag: ok "* ]]; then
			v4v_result "$tier" "$tag/$name" 0
		else
			v4v_result "$tier" "$tag/$name" 1 "${line#*# }"
		fi
	done
}

# v4v_vm_health TIER LOG RECS DOMU: environment and health checks common to
# every boot; DOMU=1 when a domU ran.
v4v_vm_health() {
	local tier=$1 log=$2 recs=$3 domu=$4 env s
	env=$(v4v_vm_environment "$log" "$recs")
	if [[ $env != ok ]]; then
		echo "ENVIRONMENT FAILURE ($tier): $env"
	fi
	v4v_result "$tier" environment/argo_available "$([[ $env == ok ]]; echo $?)" "$env"
	v4v_result "$tier" environment/finished "$(grep -q '^### .*finish marker seen' "$log"; echo $?)" \
		"init never finished (timeout or crash)"
	s=$(grep -E "$V4V_XEN_CRASH_RE" "$log" | head -n 3 || true)
	v4v_result "$tier" environment/no_xen_crash "$([[ -z $s ]]; echo $?)" "$s"
	s=$(v4v_vm_splats "$log" dom0 | head -n 3)
	v4v_result "$tier" dom0/no_kernel_splat "$([[ -z $s ]]; echo $?)" "$s"
	if [[ $domu == 1 ]]; then
		s=$(v4v_vm_splats "$log" domu "$recs" | head -n 3)
		v4v_result "$tier" domu/no_kernel_splat "$([[ -z $s ]]; echo $?)" "$s"
	fi
}

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The VM tier: v4v.ko on real Xen + Argo, under QEMU TCG.
#
#   run.sh [--kernel 6.1|6.12] [--ko PATH] [--mode MODE] [--log-dir DIR]
#
# MODE:
#   full            (default) dom0 self suite, reloads, domU self and client
#                   suites against dom0's test server
#   control-stock   negative control: Debian's Xen (no Argo compiled in)
#   control-noargo  negative control: our Xen booted without argo=1
#   sandbox         boot, exchange a few messages dom0 <-> domU, then
#                   v4v-ping, v4v-perf and v4v-random from the domU; print it
#   bench           dom0 only: the benchmarks, nothing else (for tuning)
#   matrix          the benchmark matrix (selftests/vm/guest/matrix.sh):
#                   JSON, a markdown table and a plot in --out DIR (default
#                   the log directory's matrix-<kernel>/); --reps N and
#                   --seconds S per run (default 3 and 2)
#
# Without --ko the module is built here against the kernel's headers.
# Prints PASS/FAIL lines (see lib/verdict.sh); exits non-zero on any FAIL.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/common.sh"
. "$HERE/lib/xen.sh"
. "$HERE/lib/kernel.sh"
. "$HERE/../lib/initramfs.sh"
. "$HERE/lib/interpose.sh"
. "$HERE/lib/qemu.sh"
. "$HERE/../lib/verdict.sh"
v4v_as_root "$0" "$@"

SERIES=6.1 KO= MODE=full LOGDIR=${V4V_LOG_DIR:-$V4V_CACHE/logs} OUT= REPS=3 SECS=2
while (($#)); do
	case $1 in
	--kernel) SERIES=$2; shift 2 ;;
	--ko) KO=$(realpath "$2"); shift 2 ;;
	--mode) MODE=$2; shift 2 ;;
	--log-dir) LOGDIR=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--reps) REPS=$2; shift 2 ;;
	--seconds) SECS=$2; shift 2 ;;
	-h|--help) sed -n '3,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) v4v_die "unknown argument '$1' (see --help)" ;;
	esac
done
case $MODE in
full|control-stock|control-noargo|sandbox|bench|matrix) ;;
*) v4v_die "unknown mode '$MODE'" ;;
esac
TIER=vm-$SERIES
[[ $MODE == full ]] || TIER=$TIER-$MODE
[[ $REPS =~ ^[1-9][0-9]?$ && $SECS =~ ^[1-9][0-9]?$ ]] || v4v_die "--reps and --seconds: 1 to 99"
OUT=${OUT:-$LOGDIR/matrix-$SERIES}

mkdir -p "$LOGDIR"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/v4v-vm.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# --- artifacts -------------------------------------------------------------
if [[ $MODE == control-stock ]]; then
	XEN=$(v4v_xen_stock)
else
	XEN=$(v4v_xen_argo)
fi
UTILS=$(v4v_xen_utils)
KDIR=$(v4v_kernel "$SERIES")
ABI=$(v4v_kernel_abi "$SERIES")
# modinfo and the module's build; v4v-perf's vchan, its JSON check, the
# matrix's plot
v4v_need_pkgs kmod gcc make xz-utils zstd libxen-dev python3-jsonschema gnuplot-nox
if [[ -z $KO ]]; then
	v4v_log "building v4v.ko for $ABI"
	cp -a "$V4V_TOP/Kbuild" "$V4V_TOP/VERSION" "$V4V_TOP/module" "$V4V_TOP/include" "$WORK/"
	make -s -C "/lib/modules/$ABI/build" M="$WORK" modules >&2
	KO=$WORK/module/v4v.ko
fi
case $KO in
*.xz) xz -dc "$KO" > "$WORK/v4v.ko"; KO=$WORK/v4v.ko ;;
*.zst) zstd -qdc "$KO" > "$WORK/v4v.ko"; KO=$WORK/v4v.ko ;;
esac
[[ $(modinfo -F vermagic "$KO") == "$ABI "* ]] ||
	v4v_die "$KO was not built for $ABI ($(modinfo -F vermagic "$KO"))"
make -s -C "$V4V_TOP/selftests/progs" >&2
TEST=$V4V_TOP/selftests/progs/v4v-test

# --- images ----------------------------------------------------------------
# The domU is a guest with no trusted hardware RNG, which is whom the
# entropy tools serve: the RDRAND that QEMU now offers (so dom0 seeds at
# boot, lib/qemu.sh) must not fill its pool before they can be shown to.
cat > "$WORK/domu.cfg" <<EOF
name = "domu"
type = "pv"
kernel = "/root/vmlinuz"
ramdisk = "/root/domu.cpio.gz"
extra = "console=hvc0 random.trust_cpu=off v4vtest=$MODE v4vreps=$REPS v4vsecs=$SECS"
memory = 256
vcpus = 1
on_poweroff = "destroy"
on_crash = "destroy"
EOF
# The interposer, and real programs to run over it (guest/interpose.sh).
make -s -C "$V4V_TOP/libv4v" >&2
head -c 4194304 /dev/urandom > "$WORK/data.bin"
mapfile -t ispecs < <(v4v_interpose_specs "$V4V_TOP/libv4v/build/libv4v-preload.so" \
	"$WORK/data.bin" "$V4V_TOP/selftests/progs/preload-check")
make -s -C "$V4V_TOP/tools" >&2
ispecs+=("$HERE/guest/interpose.sh:/bin/interpose.sh" "$HERE/guest/tools.sh:/bin/tools.sh"
	"$HERE/guest/v4vt.sh:/bin/v4vt.sh" "$HERE/guest/perf.sh:/bin/perf.sh"
	"$HERE/guest/entropy.sh:/bin/entropy.sh" "$HERE/guest/matrix.sh:/bin/matrix.sh"
	"$HERE/guest/fuzz.sh:/bin/fuzz.sh"
	"$V4V_TOP/tools/v4v-ping:/bin/v4v-ping")
mapfile -t -O "${#ispecs[@]}" ispecs < <(v4v_program_specs "$V4V_TOP/tools/v4v-perf:/bin/v4v-perf" \
	"$V4V_TOP/tools/v4v-random:/bin/v4v-random" "$V4V_TOP/tools/v4v-randomd:/bin/v4v-randomd")
# The domU's half of v4v-perf's vchan baseline: libxenvchan, its drivers.
dspecs=()
mapfile -t dspecs < <(v4v_vchan_specs "$UTILS")
for m in xen-evtchn xen-gntdev xen-gntalloc; do
	dspecs+=("$KDIR/modules/$m.ko:/lib/modules/xen/$m.ko")
done
v4v_mkinitramfs "$WORK/domu.cpio.gz" "$HERE/guest/init-domu.sh" \
	"$KO:/v4v.ko" "$TEST:/bin/v4v-test" "${ispecs[@]}" "${dspecs[@]}"
specs=("${ispecs[@]}" "$KO:/v4v.ko" "$TEST:/bin/v4v-test" "$KDIR/vmlinuz:/root/vmlinuz"
	"$WORK/domu.cpio.gz:/root/domu.cpio.gz" "$WORK/domu.cfg:/root/domu.cfg")
for m in "$KDIR"/modules/*.ko; do specs+=("$m:/lib/modules/xen/${m##*/}"); done
mapfile -t -O "${#specs[@]}" specs < <(v4v_toolstack_specs "$UTILS")
v4v_mkinitramfs "$WORK/dom0.cpio.gz" "$HERE/guest/init-dom0.sh" "${specs[@]}"

# --- boot --------------------------------------------------------------------
LOG=$LOGDIR/$TIER.log
export V4V_DOM0_ARGS="v4vtest=${MODE/control-*/probe} v4vreps=$REPS v4vsecs=$SECS"
# People watch these two: say what the boot is doing as it happens.
[[ $MODE == sandbox || $MODE == matrix ]] && export V4V_PROGRESS=1
[[ $MODE == control-noargo ]] && export V4V_XEN_ARGS=""
v4v_log "$TIER: booting Xen ($(basename "$(dirname "$XEN")")) with $ABI; log $LOG"
t0=$SECONDS
v4v_boot "$LOG" "$XEN" "$KDIR/vmlinuz" "$WORK/dom0.cpio.gz" || true
v4v_log "$TIER: QEMU ran $((SECONDS - t0)) s"

# --- verdict -----------------------------------------------------------------
# Every result this script has is printed, whatever fails on the way: no
# command below may end it (set -e would, and the tier would show nothing
# but run_all.sh's "ran_to_completion").
set +e
results=$WORK/results
RECS=$LOGDIR/$TIER.records
# The records, whole, from dom0's record channel (lib/qemu.sh, COM2).
python3 "$HERE/../lib/records.py" extract "$TIER" "${LOG%.log}.channel" "$RECS" > "$results"
case $MODE in
full)
	{
		v4v_vm_health "$TIER" "$LOG" "$RECS" 1
		# The bare copies on each guest's console: dom0's serial log, and
		# the domU's console among the records.
		python3 "$HERE/../lib/records.py" reports "$TIER" dom0-harness 24 "$RECS" "$LOG"
		python3 "$HERE/../lib/records.py" reports "$TIER" domu-harness 24 "$RECS" "$RECS"
		v4v_vm_expect "$TIER" "$RECS" dom0-harness kmsg_flood_ran
		v4v_vm_expect "$TIER" "$RECS" domu-harness kmsg_flood_ran
		v4v_vm_expect "$TIER" "$RECS" dom0-init module_load toolstack_started
		v4v_vm_expect "$TIER" "$RECS" dom0 $("$TEST" list dgram dom0) \
			$("$TEST" list badinput dom0) $("$TEST" list stream dom0) \
			$("$TEST" list lib dom0) $("$TEST" list eventcpu dom0)
		v4v_vm_expect "$TIER" "$RECS" dom0-init reload_cycle_1 reload_cycle_2 \
			reload_cycle_3 stream_server_listening server_listening \
			domu_created domu_finished unload_refused_while_connected \
			peer_destroyed_fails_tx \
			peer_destroyed_fails_rx server_saw_no_bad_message module_unload \
			module_autoload
		v4v_vm_expect "$TIER" "$RECS" dom0-interpose $(sh "$HERE/guest/interpose.sh" list check)
		v4v_vm_expect "$TIER" "$RECS" domu-interpose $(sh "$HERE/guest/interpose.sh" list fetch)
		v4v_vm_expect "$TIER" "$RECS" dom0-preload $("$V4V_TOP/selftests/progs/preload-check" list)
		v4v_vm_expect "$TIER" "$RECS" dom0-tools $(sh "$HERE/guest/tools.sh" list)
		v4v_vm_expect "$TIER" "$RECS" domu-tools $(sh "$HERE/guest/tools.sh" list)
		v4v_vm_expect "$TIER" "$RECS" dom0-perf $(sh "$HERE/guest/perf.sh" list self)
		v4v_vm_expect "$TIER" "$RECS" domu-perf $(sh "$HERE/guest/perf.sh" list peer)
		v4v_vm_expect "$TIER" "$RECS" domu-entropy $(sh "$HERE/guest/entropy.sh" list domu)
		v4v_vm_expect "$TIER" "$RECS" dom0-entropy entropy_daemon_served_and_stopped \
			entropy_no_daemon entropy_no_vchan_offered entropy_impostor_cannot_bind \
			entropy_flood_is_bounded
		v4v_vm_expect "$TIER" "$RECS" dom0-fuzz $(sh "$HERE/guest/fuzz.sh" list)
		for tag in dom0-perf domu-perf; do
			/usr/bin/python3 "$HERE/../lib/perf_json_check.py" "$RECS" "$TIER" $tag \
				$(sh "$HERE/guest/perf.sh" list-json)
		done
		v4v_vm_expect "$TIER" "$RECS" domu-preload $("$V4V_TOP/selftests/progs/preload-check" list)
		v4v_vm_expect "$TIER" "$RECS" domu-init module_load module_unload
		v4v_vm_expect "$TIER" "$RECS" domu $("$TEST" list dgram domu) \
			$("$TEST" list badinput domu) $("$TEST" list client domu) \
			$("$TEST" list stream domu) $("$TEST" list lib domu)
	} >> "$results"
	;;
control-stock|control-noargo)
	# These pass when the harness correctly refuses the environment.
	want='-38'; [[ $MODE == control-noargo ]] && want='-95'
	env=$(v4v_vm_environment "$LOG" "$RECS")
	echo "environment verdict: $env" >&2
	{
		v4v_result "$TIER" environment_reported_unavailable \
			"$([[ $env == "Argo unavailable: "*"($want)" ]]; echo $?)" "verdict was: $env"
		v4v_result "$TIER" module_refused_to_load \
			"$(grep -q '^V4VT: dom0-init: not ok [0-9]* module_load' "$RECS"; echo $?)"
		s=$(v4v_vm_splats "$LOG" dom0 | head -n 3)
		v4v_result "$TIER" dom0/no_kernel_splat "$([[ -z $s ]]; echo $?)" "$s"
	} >> "$results"
	;;
bench)
	{
		v4v_vm_health "$TIER" "$LOG" "$RECS" 1
		v4v_vm_expect "$TIER" "$RECS" dom0-init module_load
		v4v_result "$TIER" benchmarks_reported \
			"$(grep -q '^BENCH json {"stream"' "$RECS"; echo $?)"
	} >> "$results"
	;;
sandbox)
	# For people, in the order it happened; the verdict reads the records.
	grep -E 'SANDBOX|V4VINIT|v4v: |^\[[ 0-9.]*\]     ' "$LOG" |
		sed 's/^\[[ 0-9.]*\] //; s/V4VREC [0-9]* //'
	{
		v4v_vm_health "$TIER" "$LOG" "$RECS" 1
		v4v_result "$TIER" domu_greeted_dom0 \
			"$(grep -q '^SANDBOX dom0: from domain [1-9]' "$RECS"; echo $?)"
		v4v_result "$TIER" dom0_answered_domu \
			"$(grep -q '^DOMU| SANDBOX domU: reply from domain 0' "$RECS"; echo $?)"
		v4v_result "$TIER" domu_pinged_dom0 \
			"$(grep -q '^DOMU| SANDBOX domU: .*3 packets transmitted, 3 received' "$RECS"; echo $?)"
		v4v_result "$TIER" domu_measured_v4v_and_vchan \
			"$(grep -q '^DOMU| SANDBOX domU: .*baseline vchan: .* v4v/vchan [0-9]' "$RECS"; echo $?)"
		v4v_result "$TIER" domu_got_entropy \
			"$(grep -q '^DOMU| SANDBOX domU: .*bits from dom0 over vchan credited' "$RECS"; echo $?)"
	} >> "$results"
	;;
matrix)
	{
		v4v_vm_health "$TIER" "$LOG" "$RECS" 1
		/usr/bin/python3 "$V4V_TOP/selftests/bench/matrix.py" "$RECS" "$OUT" "$TIER" \
			2>"$WORK/table" > "$WORK/matrix"
		rc=$?
		cat "$WORK/matrix"
		# A crash says so; its own FAIL lines say the rest.
		[[ $rc == 0 ]] || grep -q '^FAIL ' "$WORK/matrix" ||
			v4v_result "$TIER" matrix_report 1 "matrix.py exited $rc: $(tail -n 1 "$WORK/table")"
	} >> "$results"
	echo "Benchmark matrix ($ABI, $REPS runs of $SECS s each; $OUT/matrix.{json,md,png}):"
	cat "$WORK/table"
	;;
esac
cat "$results"
grep -h '^BENCH ' "$RECS" | sed 's/^/    /'
fail=$(grep -c '^FAIL' "$results")
echo "$TIER: $(grep -c '^PASS' "$results") passed, $fail failed (log: $LOG, records: $RECS)"
[[ $fail == 0 ]]

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# KUnit tier: all of v4v but the xen backend, built into a UML kernel from
# Debian's linux-source-6.1 with KASAN, lockdep and kmemleak, then booted:
#   1. the built-in KUnit suites run (ring code; sockets on loopback);
#   2. an initramfs runs the userspace AF_V4V suites (the very program the
#      VM tier runs on Xen) against the loopback backend;
#   3. kmemleak scans.
# Any KUnit failure, suite failure, kernel splat or leak report fails.
#
# The source tree and build directory are cached under
# $V4V_CACHE/kunit/<linux-source version>/; module/ is linked into the tree
# as drivers/v4v (its Kbuild knows the in-tree case).  Cold: ~6-10 minutes;
# warm: ~1 minute.  Prints one PASS/FAIL line per test.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/common.sh"
. "$HERE/../lib/initramfs.sh"
. "$HERE/../vm/lib/interpose.sh"
. "$HERE/../lib/verdict.sh"

TIER=kunit
v4v_need_pkgs gcc make libc6-dev bc flex bison python3 busybox-static cpio libxen-dev \
	python3-jsonschema

ksrc=$(v4v_linux_source)
top=${ksrc%/*}
build=$top/build-um
moddir=$V4V_TOP/module
WORK=$(mktemp -d "${TMPDIR:-/tmp}/v4v-kunit.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# V4V_LOG_DIR: a run of its own beside another (CI in a second clone).
LOG=${V4V_LOG_DIR:-$V4V_CACHE/logs}/uml.log
mkdir -p "${LOG%/*}"

# Hook module/ into the tree: a link and one line in each of two files.
glue() {
	local kc='source "drivers/v4v/Kconfig"' mk='obj-$(CONFIG_KUNIT) += v4v/'
	ln -sfn "$moddir" "$ksrc/drivers/v4v"
	grep -qxF "$kc" "$ksrc/drivers/Kconfig" || echo "$kc" >> "$ksrc/drivers/Kconfig"
	grep -qxF "$mk" "$ksrc/drivers/Makefile" || echo "$mk" >> "$ksrc/drivers/Makefile"
}

# UML saves and restores its processes' FPU state with ptrace's XSTATE
# regset, and the host kernel takes a restore only whole: exactly its own
# XSAVE size.  Linux 6.1's UML assumes 2696 bytes (AVX-512 and PKRU), so on
# a host with more (AMX: 11008) every process dies at its first switch
# ("ptrace set fp regs failed, errno = 14") and init with it.  Build with
# this host's size, which CPUID leaf 0xD reports for what XCR0 enables.
fit_uml_fpu_size() {
	local src=$ksrc/arch/x86/um/user-offsets.c size
	printf '%s\n' '#include <cpuid.h>' '#include <stdio.h>' \
		'int main(void) { unsigned int a, b, c, d;' \
		'  if (!__get_cpuid_count(0xd, 0, &a, &b, &c, &d)) return 1;' \
		'  printf("%u\n", b); return 0; }' > "$WORK/xsave_size.c"
	gcc -o "$WORK/xsave_size" "$WORK/xsave_size.c" && size=$("$WORK/xsave_size") ||
		return 0	# no XSAVE: UML falls back to the 512-byte FXSAVE regset
	# Only when it differs: an unchanged file keeps the build incremental.
	grep -q "DEFINE_LONGS(HOST_FP_SIZE, $size);" "$src" ||
		sed -i "s/DEFINE_LONGS(HOST_FP_SIZE, [0-9]*);/DEFINE_LONGS(HOST_FP_SIZE, $size);/" "$src"
	grep -q "DEFINE_LONGS(HOST_FP_SIZE, $size);" "$src"
}

build_uml() {
	glue
	fit_uml_fpu_size || { v4v_log "kunit: cannot set UML's FPU state size"; return 1; }
	# Recompile our objects every time: a checkout may give them old mtimes.
	rm -rf "$build/drivers/v4v"
	v4v_log "kunit: building UML"
	# set -e is off inside "if !": a failed build must not boot the last one.
	PYTHONUNBUFFERED=1 "${V4V_NICE[@]}" python3 "$ksrc/tools/testing/kunit/kunit.py" build \
		--arch=um --build_dir="$build" --kunitconfig="$moddir/.kunitconfig" \
		--jobs="$(nproc)" </dev/null >&2 || return 1
	cp "$build/linux" "$WORK/linux"
}

if ! v4v_locked kunit build_uml; then
	v4v_result "$TIER" build_uml 1 "kunit.py build failed (see its output above)"
	exit 1
fi

make -s -C "$V4V_TOP/selftests/progs" >&2
TEST=$V4V_TOP/selftests/progs/v4v-test
# The interposer's programs, for "interpose.sh local" (real ones, on glibc).
make -s -C "$V4V_TOP/libv4v" >&2
head -c 1048576 /dev/urandom > "$WORK/data.bin"
mapfile -t ispecs < <(v4v_interpose_specs "$V4V_TOP/libv4v/build/libv4v-preload.so" \
	"$WORK/data.bin" "$V4V_TOP/selftests/progs/preload-check")
make -s -C "$V4V_TOP/tools" >&2
v4v_mkinitramfs "$WORK/initrd.gz" "$HERE/init-uml.sh" "$TEST:/bin/v4v-test" \
	"$HERE/../vm/guest/interpose.sh:/bin/interpose.sh" "${ispecs[@]}" \
	"$V4V_TOP/tools/v4v-ping:/bin/v4v-ping" "$HERE/../vm/guest/tools.sh:/bin/tools.sh" \
	"$HERE/../vm/guest/v4vt.sh:/bin/v4vt.sh" "$HERE/../vm/guest/perf.sh:/bin/perf.sh" \
	"$HERE/../vm/guest/entropy.sh:/bin/entropy.sh" "$HERE/../vm/guest/fuzz.sh:/bin/fuzz.sh" \
	$(v4v_program_specs "$V4V_TOP/tools/v4v-perf:/bin/v4v-perf" \
		"$V4V_TOP/tools/v4v-random:/bin/v4v-random" \
		"$V4V_TOP/tools/v4v-randomd:/bin/v4v-randomd")

v4v_log "kunit: booting UML: KUnit suites, then the userspace suites on loopback"
# V4V_UML_ARGS: more of the command line, for long fuzzing runs
# (Documentation/harness.rst, "Fuzzing"); unset in CI.
# shellcheck disable=SC2086
timeout -k 5 "${V4V_UML_TIMEOUT:-900}" "$WORK/linux" mem=1G console=tty \
	initrd="$WORK/initrd.gz" ${V4V_UML_ARGS:-} </dev/null 2>&1 | tr -d '\r' > "$LOG" || true

# KUnit's own report, from the KTAP in the log.
python3 "$ksrc/tools/testing/kunit/kunit.py" parse --json="$WORK/results.json" \
	"$LOG" >/dev/null 2>&1 || true
python3 - "$WORK/results.json" "$TIER" "$LOG" <<'PY'
import json, re, sys
path, tier, log = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    root = json.load(open(path))
except (OSError, ValueError):
    print(f"FAIL {tier}: ktap_results # no KTAP in the UML log")
    sys.exit(0)
text = open(log, errors="replace").read()

# Why a case failed, from KUnit's lines before its "not ok": where the
# first expectation failed and what it compared.
def why(suite, case):
    start = text.find(f"# Subtest: {suite}\n")
    m = re.compile(r"# " + re.escape(case) + r": (?:EXPECTATION|ASSERTION) FAILED at (\S+)\n"
                   r"\s*(.*)\n\s*(.*)\n").search(text, max(start, 0))
    if not m:
        return None
    return re.sub(r"\s+", " ", f"{m[1]}: {m[2]} {m[3]}")[:300]

def walk(group, suite):
    for case in group.get("test_cases", []):
        ok = case.get("status") == "PASS"
        name = f"{suite}/{case['name']}" if suite else case["name"]
        reason = "" if ok else " # " + (why(suite, case["name"]) or str(case.get("status")))
        print(f"{'PASS' if ok else 'FAIL'} {tier}: {name}{reason}")
    for sub in group.get("sub_groups", []):
        walk(sub, sub.get("name", "?"))
walk(root, "")
PY

# The userspace suites, kmemleak, and the health of the whole boot.  The
# suites' results are records (selftests/lib/records.py), taken whole from
# the console or not at all.  From here on nothing may end the script: every
# result it has is printed.
set +e
RECS=${LOG%.log}.records
python3 "$HERE/../lib/records.py" extract "$TIER" "$LOG" "$RECS" --console
python3 "$HERE/../lib/records.py" reports "$TIER" uml-harness 24 "$RECS" "$LOG"
v4v_vm_expect "$TIER" "$RECS" uml-harness kmsg_flood_ran
v4v_vm_expect "$TIER" "$RECS" uml $("$TEST" list dgram dom0) $("$TEST" list badinput dom0) \
	$("$TEST" list stream dom0) $("$TEST" list lib dom0)
v4v_vm_expect "$TIER" "$RECS" uml-interpose $(sh "$HERE/../vm/guest/interpose.sh" list local)
v4v_vm_expect "$TIER" "$RECS" uml-preload $("$V4V_TOP/selftests/progs/preload-check" list)
v4v_vm_expect "$TIER" "$RECS" uml-tools $(sh "$HERE/../vm/guest/tools.sh" list)
v4v_vm_expect "$TIER" "$RECS" uml-perf $(sh "$HERE/../vm/guest/perf.sh" list uml)
v4v_vm_expect "$TIER" "$RECS" uml-fuzz $(sh "$HERE/../vm/guest/fuzz.sh" list)
v4v_vm_expect "$TIER" "$RECS" uml-entropy $(sh "$HERE/../vm/guest/entropy.sh" list uml) \
	entropy_daemon_served_and_stopped entropy_no_daemon entropy_impostor_cannot_bind \
	entropy_flood_is_bounded
/usr/bin/python3 "$HERE/../lib/perf_json_check.py" "$RECS" "$TIER" uml-perf \
	$(sh "$HERE/../vm/guest/perf.sh" list-json)
v4v_vm_expect "$TIER" "$RECS" uml-init kmemleak_clean
v4v_result "$TIER" uml/finished "$(grep -q 'V4V-INIT-FINISHED' "$LOG"; echo $?)" \
	"the UML init never finished (timeout or crash; see $LOG)"
s=$(v4v_vm_splats "$LOG" dom0 | head -n 3)
v4v_result "$TIER" uml/no_kernel_splat "$([[ -z $s ]]; echo $?)" "$s"

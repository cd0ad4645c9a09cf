#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build tier: what must hold before anything runs.
#   - v4v.ko built and installed by DKMS for each supported Debian kernel
#     (the VM tier boots exactly those .ko files);
#   - sparse (C=2) reports nothing on our code, for each kernel;
#   - checkpatch --strict is clean on module/ and include/;
#   - the UAPI headers compile on their own as C90;
#   - libv4v exports exactly its version script; versions agree everywhere.
# Usage: run.sh [SERIES...]   (default: every series in lib/versions.sh)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/common.sh"
. "$HERE/../vm/lib/kernel.sh"

TIER=build
SERIES=("$@")
if ((${#SERIES[@]} == 0)); then
	for p in "${V4V_KERNEL_PINS[@]}"; do SERIES+=("${p%% *}"); done
fi
VERSION=$(cat "$V4V_TOP/VERSION")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/v4v-build.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

v4v_need_pkgs gcc g++ make libc6-dev kmod dkms sparse perl xz-utils pkgconf libxen-dev

# --- DKMS ------------------------------------------------------------------
# Start from nothing so a stale module of an earlier run can never be tested.
dkms remove "v4v/$VERSION" --all >/dev/null 2>&1 || true
make -s -C "$V4V_TOP" dkms-install
dkms add "v4v/$VERSION" >"$WORK/dkms-add.log" 2>&1 ||
	{ cat "$WORK/dkms-add.log" >&2; v4v_result "$TIER" dkms_add 1; exit 1; }
for s in "${SERIES[@]}"; do
	v4v_kernel "$s" >/dev/null
	abi=$(v4v_kernel_abi "$s")
	log=$WORK/dkms-$abi.log
	ok=1
	if dkms build "v4v/$VERSION" -k "$abi" >"$log" 2>&1 &&
	   dkms install "v4v/$VERSION" -k "$abi" >>"$log" 2>&1; then
		ko=$(ls "/lib/modules/$abi/updates/dkms/"v4v.ko* 2>/dev/null | head -n 1)
		[[ -n $ko && $(modinfo -F vermagic "$ko") == "$abi "* ]] && ok=0
	fi
	[[ $ok == 0 ]] || { tail -n 30 "$log" >&2; cat "/var/lib/dkms/v4v/$VERSION/build/make.log" >&2 2>/dev/null || true; }
	v4v_result "$TIER" "dkms_$s" "$ok" "see the DKMS log above"
done

# --- sparse ------------------------------------------------------------------
make -s -C "$V4V_TOP" dkms-install DESTDIR="$WORK/sparse"
src=$WORK/sparse/usr/src/v4v-$VERSION
for s in "${SERIES[@]}"; do
	abi=$(v4v_kernel_abi "$s")
	make -s -C "/lib/modules/$abi/build" M="$src" C=2 clean >/dev/null 2>&1 || true
	out=$(make -C "/lib/modules/$abi/build" M="$src" C=2 modules 2>&1 >/dev/null |
		grep -E '^(/|\.\./)?[^ ]*:[0-9]+:[0-9]+: ' | grep "$src" || true)
	[[ -n $out ]] && echo "$out" >&2
	v4v_result "$TIER" "sparse_$s" "$([[ -z $out ]]; echo $?)" "$(echo "$out" | head -n 1)"
done

# --- checkpatch --------------------------------------------------------------
ksrc=$(v4v_linux_source)
# The kernel's code and headers; libv4v.h is a userspace library's header
# (C99 integer types, as its users write them), compiled by the library.
mapfile -t files < <(cd "$V4V_TOP" && find module include -name '*.[ch]' ! -name '*.mod.c' \
	! -path include/libv4v.h ! -path 'include/openxt/*' | sort)
out=$(cd "$V4V_TOP" && perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree --terse \
	--show-types -f "${files[@]}" 2>&1 | grep -v '^total:\|^$' || true)
[[ -n $out ]] && echo "$out" >&2
v4v_result "$TIER" checkpatch_strict "$([[ -z $out ]]; echo $?)" "$(echo "$out" | head -n 1)"

# --- headers -----------------------------------------------------------------
ok=0
for h in uapi/linux/v4v.h; do
	printf '#include <%s>\n' "$h" > "$WORK/hdr.c"
	gcc -std=c90 -pedantic -Wall -Wextra -Werror -fsyntax-only \
		-I"$V4V_TOP/include" -I"$V4V_TOP/include/uapi" "$WORK/hdr.c" >&2 || ok=1
done
v4v_result "$TIER" uapi_headers_standalone_c90 "$ok"

# The library's headers, as C99 and C++ programs include them; OpenXT's two
# together too (a program may use both), with include/openxt first.
ok=0
for h in libv4v.h "openxt/libargo.h openxt/libv4v.h"; do
	inc=(-I"$V4V_TOP/include" -I"$V4V_TOP/include/uapi")
	[[ $h == openxt* ]] && inc=(-I"$V4V_TOP/include/openxt" "${inc[@]}")
	printf '#include <%s>\n' ${h//openxt\//} > "$WORK/lib.c"
	gcc -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only "${inc[@]}" "$WORK/lib.c" >&2 &&
		g++ -Wall -Wextra -Werror -fsyntax-only -x c++ "${inc[@]}" "$WORK/lib.c" >&2 || ok=1
done
v4v_result "$TIER" library_headers_standalone_c99_cxx "$ok"

# --- documentation ---------------------------------------------------------
# Every row of the bad-input table is a test, and every such test a row.
make -s -C "$V4V_TOP/selftests/progs" >&2
doc=$(grep -oE '\bbad_[a-z_0-9]+\b' "$V4V_TOP/Documentation/errors.rst" | sort -u)
suite=$("$V4V_TOP/selftests/progs/v4v-test" list badinput dom0 | sort -u)
v4v_result "$TIER" bad_input_table_matches_suite "$([[ $doc == "$suite" ]]; echo $?)" \
	"only in the table: $(comm -23 <(echo "$doc") <(echo "$suite") | xargs); only in the suite: $(comm -13 <(echo "$doc") <(echo "$suite") | xargs)"

# --- library -----------------------------------------------------------------
make -s -C "$V4V_TOP/libv4v" >&2
want=$(grep -oE '\b(v4v|argo|viptables)_[a-z_0-9]*;' "$V4V_TOP/libv4v/libv4v.map" | tr -d ';' | sort)
have=$(nm -D --defined-only "$V4V_TOP/libv4v/build/libv4v.so.1" |
	awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort)
v4v_result "$TIER" libv4v_exports_match_map "$([[ $want == "$have" ]]; echo $?)" \
	"exported: $(echo $have)"
# A man page per exported function (a ".so" link for one that shares a page).
nopage=$(for f in $want; do [[ -f $V4V_TOP/libv4v/man/$f.3 ]] || echo "$f"; done)
v4v_result "$TIER" libv4v_man_page_per_function "$([[ -z $nopage ]]; echo $?)" \
	"no page: $(echo $nopage)"
soname=$(readelf -d "$V4V_TOP/libv4v/build/libv4v.so.1" | grep -o 'SONAME.*\[.*\]')
v4v_result "$TIER" libv4v_soname "$([[ $soname == *'[libv4v.so.1]' ]]; echo $?)" "$soname"
# The interposer exports the calls it replaces, unversioned, and nothing else.
want=$(awk '/global:/ { on = 1; next } /local:/ { on = 0 } on' "$V4V_TOP/libv4v/preload.map" |
	tr -s ' \t;' '\n' | grep . | sort | xargs)
have=$(nm -D --defined-only "$V4V_TOP/libv4v/build/libv4v-preload.so" |
	awk '$2 == "T" { print $3 }' | sort | xargs)
v4v_result "$TIER" preload_exports_only_interposed_calls "$([[ $want == "$have" ]]; echo $?)" \
	"exported: $have"

# Installed as a package would be, programs build with pkg-config alone: a
# native one, and an OpenXT one whose v4v_bind() must be OpenXT's (its
# v4v_openxt_bind symbol), both running against the installed library.
inst=$WORK/inst
make -s -C "$V4V_TOP/libv4v" install DESTDIR="$inst" prefix=/opt/v4v >&2
pc() { PKG_CONFIG_SYSROOT_DIR=$inst PKG_CONFIG_LIBDIR=$inst/opt/v4v/lib/pkgconfig pkg-config "$@"; }
cat > "$WORK/native.c" <<'C'
#include <errno.h>
#include <libv4v.h>
int main(void) { return !(v4v_bind(-1, V4V_DOMID_ANY, 1) == -1 && errno == EAFNOSUPPORT); }
C
cat > "$WORK/openxt.c" <<'C'
#include <errno.h>
#include <libargo.h>
#include <libv4v.h>
int main(void)
{
	v4v_addr_t a = { 1, V4V_DOMID_ANY, 0 };
	xen_argo_addr_t b = { 1, XEN_ARGO_DOMID_ANY, 0 };

	if (v4v_bind(-1, NULL, V4V_DOMID_ANY) != -1 || errno != EINVAL)
		return 1;
	return !(argo_bind(-1, &b, XEN_ARGO_DOMID_ANY) == -1 && v4v_bind(-1, &a, 0) == -1);
}
C
ok=0
gcc -Wall -Werror -o "$WORK/native" "$WORK/native.c" $(pc --cflags --libs libv4v) >&2 &&
	gcc -Wall -Werror -o "$WORK/openxt" "$WORK/openxt.c" $(pc --cflags --libs libv4v-openxt) >&2 &&
	LD_LIBRARY_PATH=$inst/opt/v4v/lib "$WORK/native" && LD_LIBRARY_PATH=$inst/opt/v4v/lib "$WORK/openxt" &&
	nm -u "$WORK/openxt" | grep -qw 'v4v_openxt_bind' &&
	[[ -f $inst/opt/v4v/share/man/man7/libv4v.7 && -f $inst/opt/v4v/include/v4v/openxt/xen/argo.h ]] || ok=1
v4v_result "$TIER" libv4v_installed_builds_native_and_openxt "$ok"

# --- tools ---------------------------------------------------------------------
# Each tool builds, has a man page, and answers --help with status 0.
make -s -C "$V4V_TOP/tools" >&2
ok=0
for t in v4v-ping.1 v4v-perf.1 v4v-random.8 v4v-randomd.8; do
	[[ -f $V4V_TOP/tools/$t ]] && "$V4V_TOP/tools/${t%.*}" --help | grep -q "^Usage: ${t%.*}" ||
		ok=1
done
v4v_result "$TIER" tools_build_with_man_page_and_help "$ok"
# Installed: programs, pages, and systemd units that name the installed paths.
inst=$WORK/tools-inst
make -s -C "$V4V_TOP/tools" install DESTDIR="$inst" prefix=/opt/v4v systemdunitdir=/opt/v4v/units >&2
ok=0
for f in bin/v4v-perf bin/v4v-random sbin/v4v-randomd share/man/man8/v4v-randomd.8 \
	share/man/man1/v4v-perf.1; do
	[[ -f $inst/opt/v4v/$f ]] || { ok=1; echo "tools install: no $f" >&2; }
done
grep -qx 'ExecStart=/opt/v4v/sbin/v4v-randomd --vchan' "$inst/opt/v4v/units/v4v-randomd.service" &&
	grep -qx 'ExecStart=/opt/v4v/bin/v4v-random -i 600' "$inst/opt/v4v/units/v4v-random.service" ||
	ok=1
v4v_result "$TIER" tools_install_with_units "$ok"
# Built with libxenvchan's header, v4v-perf can load it for its baseline.
v4v_result "$TIER" perf_built_with_vchan \
	"$(grep -q libxenvchan_server_init "$V4V_TOP/tools/v4v-perf"; echo $?)"

hv=$(awk '/LIBV4V_VERSION_(MAJOR|MINOR|PATCH)/ { printf "%s%s", sep, $3; sep = "." }' \
	"$V4V_TOP/include/libv4v.h")
dv=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$V4V_TOP/dkms.conf")
v4v_result "$TIER" versions_agree "$([[ $hv == "$VERSION" && $dv == "$VERSION" ]]; echo $?)" \
	"VERSION $VERSION, libv4v.h $hv, dkms.conf $dv"

# SPDX-License-Identifier: GPL-2.0
# Unmodified real programs for the interposer tests (guest/interpose.sh):
# Debian's dynamically linked busybox (nc, httpd, wget; the images' own
# busybox is static, and LD_PRELOAD needs a dynamic program), OpenBSD's nc
# for datagrams (busybox's nc has no -u), their libraries, the interposer
# and a test file.  Source after common.sh.

# Debian's busybox conflicts with busybox-static, which the images need:
# fetch its package and unpack it under the cache, keyed by version.
v4v_dynamic_busybox() {
	local ver dir deb
	ver=$(apt-cache policy busybox | awk '/Candidate:/ { print $2 }')
	[[ -n $ver && $ver != "(none)" ]] || { apt-get update -q >&2 &&
		ver=$(apt-cache policy busybox | awk '/Candidate:/ { print $2 }'); }
	dir=$V4V_CACHE/debs/busybox_${ver//:/%3a}
	if [[ ! -x $dir/bin/busybox ]]; then
		mkdir -p "$dir.tmp" && (cd "$dir.tmp" && apt-get download -q "busybox=$ver" >&2) &&
			deb=$(ls "$dir.tmp"/busybox_*.deb) && dpkg-deb -x "$deb" "$dir.tmp/root" &&
			rm -rf "$dir" && mv "$dir.tmp/root" "$dir" && rm -rf "$dir.tmp" ||
			v4v_die "could not fetch Debian's busybox $ver"
	fi
	echo "$dir/bin/busybox"
}

# v4v_interpose_specs PRELOAD_SO DATA CHECK: SRC:DST specs for an image
# (CHECK: selftests/progs/preload-check).
v4v_interpose_specs() {
	local so=$1 data=$2 check=$3 bb nc lib
	v4v_need_pkgs netcat-openbsd
	bb=$(v4v_locked debs v4v_dynamic_busybox) || return 1
	nc=$(readlink -f /bin/nc.openbsd)
	echo "$bb:/usr/lib/v4v-test/busybox"
	echo "$nc:/usr/lib/v4v-test/nc"
	echo "$so:/usr/lib/v4v-test/libv4v-preload.so"
	echo "$data:/usr/lib/v4v-test/data.bin"
	echo "$check:/usr/lib/v4v-test/preload-check"
	ldd "$bb" "$nc" "$so" "$check" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u |
		while read -r lib; do
			echo "$(readlink -f "$lib"):/lib/x86_64-linux-gnu/${lib##*/}"
		done
	echo "$(readlink -f /lib64/ld-linux-x86-64.so.2):/lib64/ld-linux-x86-64.so.2"
}

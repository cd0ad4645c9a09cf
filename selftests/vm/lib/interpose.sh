# SPDX-License-Identifier: GPL-2.0
# Unmodified real programs for the interposer tests (guest/interpose.sh):
# Debian's dynamically linked busybox (nc, httpd, wget; the images' own
# busybox is static, and LD_PRELOAD needs a dynamic program), OpenBSD's nc
# for datagrams (busybox's nc has no -u), dropbear's ssh server and client,
# their libraries, the interposer and a test file.  Source after common.sh.

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

# The ssh test's identities, made fresh in DIR: a host key, a client key,
# the client's public key as root's authorized_keys, and the passwd and
# shells entries both programs look up.
v4v_ssh_files() {
	local dir=$1
	mkdir -p "$dir"
	dropbearkey -t ed25519 -f "$dir/host_key" >/dev/null 2>&1 &&
		dropbearkey -t ed25519 -f "$dir/client_key" >/dev/null 2>&1 &&
		dropbearkey -y -f "$dir/client_key" 2>/dev/null | grep '^ssh-' > "$dir/authorized_keys" ||
		v4v_die "dropbearkey failed"
	chmod 0600 "$dir/authorized_keys"
	echo 'root:x:0:0:root:/root:/bin/sh' > "$dir/passwd"
	echo 'root:x:0:' > "$dir/group"
	echo '/bin/sh' > "$dir/shells"
}

# v4v_interpose_specs PRELOAD_SO DATA CHECK: SRC:DST specs for an image
# (CHECK: selftests/progs/preload-check).
v4v_interpose_specs() {
	local so=$1 data=$2 check=$3 bb nc lib ssh
	v4v_need_pkgs netcat-openbsd dropbear-bin
	bb=$(v4v_locked debs v4v_dynamic_busybox) || return 1
	nc=$(readlink -f /bin/nc.openbsd)
	ssh=$(dirname "$data")/ssh
	v4v_ssh_files "$ssh"
	echo "$bb:/usr/lib/v4v-test/busybox"
	echo "$nc:/usr/lib/v4v-test/nc"
	echo "/usr/sbin/dropbear:/usr/lib/v4v-test/dropbear"
	echo "/usr/bin/dbclient:/usr/lib/v4v-test/dbclient"
	echo "$ssh/host_key:/usr/lib/v4v-test/ssh_host_key"
	echo "$ssh/client_key:/root/.ssh/id_dropbear"
	echo "$ssh/authorized_keys:/root/.ssh/authorized_keys"
	echo "$ssh/passwd:/etc/passwd"
	echo "$ssh/group:/etc/group"
	echo "$ssh/shells:/etc/shells"
	echo "$so:/usr/lib/v4v-test/libv4v-preload.so"
	echo "$data:/usr/lib/v4v-test/data.bin"
	echo "$check:/usr/lib/v4v-test/preload-check"
	ldd "$bb" "$nc" "$so" "$check" /usr/sbin/dropbear /usr/bin/dbclient | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u |
		while read -r lib; do
			echo "$(readlink -f "$lib"):/lib/x86_64-linux-gnu/${lib##*/}"
		done
	echo "$(readlink -f /lib64/ld-linux-x86-64.so.2):/lib64/ld-linux-x86-64.so.2"
}

# SPDX-License-Identifier: GPL-2.0
# Initramfs images for the VM tier: busybox-static plus whatever the caller
# adds.  dom0's carries the Xen toolstack, the Xen driver modules, the domU
# kernel and the domU's own initramfs.  Source after common.sh and xen.sh.

# v4v_mkinitramfs OUT INIT [SRC:DST ...]  (DST is a path inside the image)
v4v_mkinitramfs() {
	local out=$1 init=$2 t spec src dst a
	shift 2
	v4v_need_pkgs busybox-static cpio
	t=$(mktemp -d "${TMPDIR:-/tmp}/v4v-initrd.XXXXXX")
	# mktemp made it 0700: as the image's root, nobody but root could
	# reach a file (the tests run programs as an unprivileged user).
	chmod 0755 "$t"
	mkdir -p "$t"/{bin,sbin,etc,proc,sys,dev,tmp,root,run,var/log,var/lib,usr/bin,usr/sbin}
	chmod 1777 "$t/tmp"
	ln -s ../run "$t/var/run"	# xenstored puts its socket in /var/run
	cp /bin/busybox "$t/bin/busybox"
	for a in $(/bin/busybox --list); do
		[[ -e $t/bin/$a ]] || ln -s busybox "$t/bin/$a"
	done
	install -m 0755 "$init" "$t/init"
	for spec in "$@"; do
		src=${spec%%:*} dst=${spec#*:}
		mkdir -p "$t/$(dirname "$dst")"
		cp -a "$src" "$t/$dst"
	done
	(cd "$t" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$t"
}

# Print SRC:DST specs for the dom0 toolstack: xl, xenstored, xenconsoled,
# xen-init-dom0, their libraries (from the utils tree, then the host's), and
# the dynamic loader.
v4v_toolstack_specs() {
	local utils=$1 bin b lib
	bin=usr/lib/xen-4.17/bin
	for b in xl xenstored xenconsoled xen-init-dom0; do
		echo "$utils/$bin/$b:/$bin/$b"
	done
	for lib in "$utils"/usr/lib/x86_64-linux-gnu/*.so*; do
		echo "$lib:/lib/x86_64-linux-gnu/${lib##*/}"
	done
	LD_LIBRARY_PATH=$utils/usr/lib/x86_64-linux-gnu ldd \
		"$utils/$bin"/{xl,xenstored,xenconsoled,xen-init-dom0} |
		awk '$2 == "=>" && $3 ~ /^\// && $3 !~ /utils/ { print $3 }' | sort -u |
		while read -r lib; do
			echo "$(readlink -f "$lib"):/lib/x86_64-linux-gnu/${lib##*/}"
		done
	# glibc loads libgcc_s on demand for pthread_cancel; xl aborts without it.
	echo "$(readlink -f /lib/x86_64-linux-gnu/libgcc_s.so.1):/lib/x86_64-linux-gnu/libgcc_s.so.1"
	echo "$(readlink -f /lib64/ld-linux-x86-64.so.2):/lib64/ld-linux-x86-64.so.2"
	echo "$utils/etc/xen/xl.conf:/etc/xen/xl.conf"
}

# v4v_program_specs SRC:DST...: SRC:DST specs for dynamically linked
# programs, plus the host's libraries they need and the dynamic loader.
v4v_program_specs() {
	local spec
	for spec in "$@"; do
		echo "$spec"
	done
	ldd "${@%%:*}" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u |
		while read -r lib; do
			echo "$(readlink -f "$lib"):/lib/x86_64-linux-gnu/${lib##*/}"
		done
	echo "$(readlink -f /lib64/ld-linux-x86-64.so.2):/lib64/ld-linux-x86-64.so.2"
}

# v4v_vchan_specs UTILS: libxenvchan and the Xen libraries it loads, from
# the unpacked toolstack, for a domU (dom0 gets them all with the toolstack).
v4v_vchan_specs() {
	local utils=$1 lib
	lib=$utils/usr/lib/x86_64-linux-gnu
	echo "$(readlink -f "$lib/libxenvchan.so.4.17"):/lib/x86_64-linux-gnu/libxenvchan.so.4.17"
	LD_LIBRARY_PATH=$lib ldd "$lib/libxenvchan.so.4.17" |
		awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u |
		while read -r l; do
			echo "$(readlink -f "$l"):/lib/x86_64-linux-gnu/${l##*/}"
		done
}

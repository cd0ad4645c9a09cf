# SPDX-License-Identifier: GPL-2.0
# Debian kernels for the VM tier, cached under $V4V_CACHE/kernel/<abi>_<version>/:
#   vmlinuz            the signed image Debian ships (PV dom0 and domU capable)
#   modules/*.ko       the Xen driver modules dom0 needs, decompressed
# and the matching linux-headers package installed on the host, which is what
# the module (and DKMS) builds against.  Source after selftests/lib/common.sh.

# The Xen modules dom0 loads before running xl, in load order.
V4V_DOM0_XEN_MODULES=(xen-evtchn xen-privcmd xen-gntdev xen-gntalloc xenfs/xenfs)

# Print "<abi> <version>" for a kernel series (6.1, 6.12): the ABI the series'
# meta package depends on now and its candidate version, else the pin.
v4v_kernel_resolve() {
	local series=$1 meta abi ver pin
	for pin in "${V4V_KERNEL_PINS[@]}"; do
		set -- $pin
		[[ $1 == "$series" ]] && break
		set --
	done
	(($#)) || v4v_die "unknown kernel series '$series' (known: ${!V4V_KERNEL_META[*]})"
	meta=${V4V_KERNEL_META[$series]}
	abi=$(apt-cache depends "$meta" 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { sub(/.*linux-image-/, ""); print; exit }')
	[[ -n $abi ]] && ver=$(v4v_pkg_candidate "linux-image-$abi")
	if [[ -z $abi || -z $ver ]]; then
		v4v_log "kernel $series: apt cannot resolve $meta, using pin $2 $3"
		abi=$2 ver=$3
	fi
	echo "$abi $ver"
}

_v4v_kernel_fetch() {
	local abi=$1 ver=$2 d=$3 t deb m f
	mkdir -p "${d%/*}"
	t=$(mktemp -d "$d.XXXXXX") || v4v_die "cannot create a directory under ${d%/*}"
	v4v_log "kernel $abi: downloading linux-image-$abi=$ver"
	(cd "$t" && apt-get download -q "linux-image-$abi=$ver" >&2) ||
		{ rm -rf "$t"; v4v_die "kernel $abi=$ver: download failed"; }
	deb=$(ls "$t"/linux-image-*.deb)
	dpkg -x "$deb" "$t/root"
	cp "$t/root/boot/vmlinuz-$abi" "$t/vmlinuz"
	cp "$t/root/boot/config-$abi" "$t/config"
	mkdir -p "$t/modules"
	for m in "${V4V_DOM0_XEN_MODULES[@]}"; do
		f=$(ls "$t/root/lib/modules/$abi/kernel/drivers/xen/$m".ko* 2>/dev/null | head -1)
		[[ -n $f ]] || v4v_die "kernel $abi: no module $m in the image package"
		# busybox insmod cannot read compressed modules (6.12 ships .ko.xz).
		case $f in
		*.xz) xz -dc "$f" ;;
		*.zst) zstd -dc "$f" ;;
		*) cat "$f" ;;
		esac > "$t/modules/${m##*/}.ko"
	done
	rm -rf "$t/root" "$deb"
	rm -rf "$d"; mv "$t" "$d"
}

# Print the cache directory of a kernel series, fetching it on first use and
# installing the matching headers.
v4v_kernel() {
	local series=$1 abi ver d
	read -r abi ver < <(v4v_kernel_resolve "$series") || exit 1
	d=$V4V_CACHE/kernel/${abi}_$ver
	[[ -f $d/vmlinuz ]] || v4v_locked "kernel-$abi" _v4v_kernel_fetch "$abi" "$ver" "$d" || exit 1
	v4v_kernel_headers "$abi" "$ver"
	echo "$d"
}

# Install linux-headers-<abi> at the version the image has.
v4v_kernel_headers() {
	local abi=$1 ver=$2
	if [[ $(dpkg-query -W -f='${Version}' "linux-headers-$abi" 2>/dev/null) != "$ver" ]]; then
		v4v_log "kernel $abi: installing linux-headers-$abi=$ver"
		DEBIAN_FRONTEND=noninteractive INITRD=No apt-get install -y -q \
			--no-install-recommends "linux-headers-$abi=$ver" >&2 ||
			v4v_die "cannot install linux-headers-$abi=$ver"
	fi
	[[ -d /lib/modules/$abi/build ]] || v4v_die "headers for $abi installed but /lib/modules/$abi/build missing"
}

# "<abi> <cache dir>" of a series; for scripts that need both.
v4v_kernel_abi() { v4v_kernel_resolve "$1" | cut -d' ' -f1; }

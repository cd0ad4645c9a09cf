# SPDX-License-Identifier: GPL-2.0
# Xen artifacts for the VM tier, cached under $V4V_CACHE/xen/<version>/:
#   xen-argo     our hypervisor: Debian's Xen 4.17 source, CONFIG_ARGO=y
#   xen-stock    Debian's own hypervisor binary (no Argo: negative control)
#   utils/       xl, xenstored, xenconsoled and their libraries, unpacked
# The hypervisor and the toolstack always come from the same version.
# Source after selftests/lib/common.sh.

# Hypervisor config on top of Debian's (which only sets CONFIG_DEBUG=n).
# ARGO hides behind UNSUPPORTED, which defaults to EXPERT.
V4V_XEN_CONFIG='CONFIG_DEBUG=n
CONFIG_EXPERT=y
CONFIG_UNSUPPORTED=y
CONFIG_ARGO=y'

# Packages the dom0 toolstack needs, at the hypervisor's exact version.
V4V_XEN_UTIL_PKGS=(xen-utils-4.17 xen-utils-common libxenmisc4.17 libxencall1
	libxenevtchn1 libxenforeignmemory1 libxengnttab1 libxenstore4
	libxentoollog1 libxendevicemodel1 libxenhypfs1 libxentoolcore1)

v4v_xen_dir() { echo "$V4V_CACHE/xen/$1"; }

# Download (not build) everything of one version into its cache dir.
# Fails, leaving nothing behind, if any piece cannot be had.
_v4v_xen_download() {
	local v=$1 d tmp p
	d=$(v4v_xen_dir "$v")
	[[ -e $d/.downloaded ]] && return 0
	tmp=$d.dl.tmp
	rm -rf "$tmp"; mkdir -p "$tmp/debs"
	v4v_log "xen $v: downloading source and toolstack packages"
	(
		cd "$tmp" &&
		apt-get source -q --download-only "xen=$v" >&2 &&
		cd debs &&
		apt-get download -q $(for p in "${V4V_XEN_UTIL_PKGS[@]}" xen-hypervisor-4.17-amd64; do
			echo "$p=$v"; done) libyajl2 >&2
	) || { rm -rf "$tmp"; return 1; }
	mkdir -p "$d"
	rm -rf "$d/dl"; mv "$tmp" "$d/dl"; touch "$d/.downloaded"
}

# Print the Xen version to use: one already cached if apt still offers it,
# else the newest whose source and binaries both download, else the pin.
# Versions that failed to download are remembered for a week.
v4v_xen_version() {
	if [[ -n ${V4V_XEN_VERSION:-} ]]; then echo "$V4V_XEN_VERSION"; return; fi
	local cands v bad
	mapfile -t cands < <({ v4v_pkg_versions xen-utils-4.17; echo "$V4V_XEN_PIN"; } | awk '!seen[$0]++')
	for v in "${cands[@]}"; do
		[[ -e $(v4v_xen_dir "$v")/.downloaded ]] && { echo "$v"; return; }
	done
	v4v_ensure_deb_src
	mkdir -p "$V4V_CACHE/xen/unavailable"
	for v in "${cands[@]}"; do
		bad=$V4V_CACHE/xen/unavailable/$v
		[[ -n $(find "$bad" -mtime -7 2>/dev/null) ]] && continue
		if _v4v_xen_download "$v"; then echo "$v"; return; fi
		v4v_log "xen $v: not downloadable, trying the next version"
		touch "$bad"
	done
	v4v_die "no Xen 4.17 version could be downloaded (pin $V4V_XEN_PIN)"
}

_v4v_xen_build() {
	local v=$1 d src t0
	d=$(v4v_xen_dir "$v")
	_v4v_xen_download "$v" || v4v_die "xen $v: download failed"
	v4v_need_pkgs gcc make flex bison python3 dpkg-dev
	src=$d/build.tmp
	rm -rf "$src"; mkdir -p "$src"
	v4v_log "xen $v: unpacking source (applies Debian's patches)"
	dpkg-source -x "$(ls "$d"/dl/xen_*.dsc | head -1)" "$src/xen-src" >/dev/null
	printf '%s\n' "$V4V_XEN_CONFIG" > "$src/xen-src/xen/.config"
	# Debian's build sets PYTHON; the host's pyenv shim must not be picked up.
	make -s -C "$src/xen-src/xen" olddefconfig XEN_TARGET_ARCH=x86_64 PYTHON=/usr/bin/python3 >/dev/null
	grep -qx 'CONFIG_ARGO=y' "$src/xen-src/xen/.config" ||
		v4v_die "xen $v: CONFIG_ARGO did not stick in .config"
	v4v_log "xen $v: building the hypervisor (a few minutes on 2 cores)"
	t0=$SECONDS
	# A line every 30 s, so that a first run does not look hung.
	(while sleep 30; do
		v4v_log "xen $v: still building ($((SECONDS - t0)) s; $(grep -c '^ *CC ' "$src/build.log") files compiled)"
	done) &
	local ticker=$!
	"${V4V_NICE[@]}" make -C "$src/xen-src/xen" -j"$(nproc)" XEN_TARGET_ARCH=x86_64 \
		PYTHON=/usr/bin/python3 WGET=/bin/false GIT=/bin/false \
		> "$src/build.log" 2>&1 || { kill $ticker; tail -40 "$src/build.log" >&2; v4v_die "xen $v: build failed"; }
	kill $ticker 2>/dev/null
	# No "nm | grep -q": under pipefail, grep quitting early fails the check.
	grep -q ' do_argo_op$' <(nm "$src/xen-src/xen/xen-syms") ||
		v4v_die "xen $v: built hypervisor has no do_argo_op"
	cp "$src/xen-src/xen/xen" "$d/xen-argo.tmp"
	cp "$src/xen-src/xen/.config" "$d/xen-argo.config"
	mv "$d/xen-argo.tmp" "$d/xen-argo"
	rm -rf "$src"
	v4v_log "xen $v: hypervisor with Argo built in $((SECONDS - t0)) s"
}

# Path of the Argo-enabled hypervisor, building it on first use.
v4v_xen_argo() {
	local v d
	v=$(v4v_xen_version) || exit 1
	d=$(v4v_xen_dir "$v")
	if ! [[ -f $d/xen-argo ]] || [[ $(cat "$d/xen-argo.want" 2>/dev/null) != "$V4V_XEN_CONFIG" ]]; then
		rm -f "$d/xen-argo"
		v4v_locked "xen-$v" _v4v_xen_build "$v" || exit 1
		printf '%s' "$V4V_XEN_CONFIG" > "$d/xen-argo.want"
	fi
	echo "$d/xen-argo"
}

# Path of Debian's stock hypervisor of the same version (built without Argo).
v4v_xen_stock() {
	local v d t
	v=$(v4v_xen_version) || exit 1
	d=$(v4v_xen_dir "$v")
	if [[ ! -f $d/xen-stock ]]; then
		t=$(mktemp -d "$d/stock.XXXXXX")
		dpkg -x "$d"/dl/debs/xen-hypervisor-4.17-amd64_*.deb "$t"
		# Debian ships it gzipped; QEMU's multiboot loader needs the plain ELF.
		gunzip -c "$t"/boot/xen-4.17-amd64.gz > "$t/xen"
		mv "$t/xen" "$d/xen-stock"; rm -rf "$t"
	fi
	echo "$d/xen-stock"
}

# Directory holding the unpacked toolstack (usr/lib/xen-4.17/bin, libs, etc).
v4v_xen_utils() {
	local v d t p
	v=$(v4v_xen_version) || exit 1
	d=$(v4v_xen_dir "$v")
	if [[ ! -e $d/utils/.done ]]; then
		t=$(mktemp -d "$d/utils.XXXXXX")
		for p in "$d"/dl/debs/*.deb; do
			[[ $p == *xen-hypervisor* ]] || dpkg -x "$p" "$t"
		done
		touch "$t/.done"
		rm -rf "$d/utils"; mv "$t" "$d/utils"
	fi
	echo "$d/utils"
}

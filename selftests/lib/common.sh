# SPDX-License-Identifier: GPL-2.0
# Shared shell helpers for the v4v test tiers and the VM harness.
#
# Everything the tiers download or build lives under $V4V_CACHE, outside the
# repository, in directories keyed by the version of what they hold, so a fresh
# clone reuses the work of earlier runs and a new upstream version simply gets
# a new directory.  Source this file; it defines no side effects of its own
# besides variables.

V4V_TOP=${V4V_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
V4V_CACHE=${V4V_CACHE:-/var/cache/v4v}
# Two cores are shared by everything: heavy steps run niced.
V4V_NICE=(nice -n "${V4V_NICE_LEVEL:-10}")

# shellcheck source=versions.sh
. "$V4V_TOP/selftests/lib/versions.sh"

v4v_log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
v4v_die() { v4v_log "error: $*"; exit 1; }

# Every tier reports each test as one line, "PASS <tier>: <test>" or
# "FAIL <tier>: <test> # why"; selftests/run_all.sh counts them.
v4v_result() { # v4v_result TIER NAME 0|1 [why]
	if [[ $3 == 0 ]]; then
		echo "PASS $1: $2"
	else
		echo "FAIL $1: $2${4:+ # $4}"
	fi
}

# v4v_as_root SCRIPT [ARGS...]: go on only as root.  A normal user's run
# starts again through sudo; root needs no sudo, which a minimal Debian
# does not have.
v4v_as_root() {
	[[ $(id -u) == 0 ]] && return 0
	if command -v sudo >/dev/null 2>&1; then
		v4v_log "not root: running $1 again through sudo"
		exec sudo --preserve-env=V4V_CACHE,V4V_LOG_DIR,V4V_NICE_LEVEL,CI bash "$@"
	fi
	echo "$1: needs root (Debian packages, DKMS, $V4V_CACHE): run it as root, or install sudo" >&2
	exit 2
}

# Install Debian packages that are not installed yet.  apt-get update runs only
# when the first attempt fails (stale lists on a fresh machine).  INITRD=No
# stops kernel image packages (pulled in by the 6.12 headers) from building a
# host initramfs nobody boots.
v4v_need_pkgs() {
	local missing=() p
	for p in "$@"; do
		[[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == *'ok installed' ]] ||
			missing+=("$p")
	done
	((${#missing[@]})) || return 0
	v4v_log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive INITRD=No
	apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
		{ apt-get update -q >&2 &&
		  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; }
}

# apt-get source needs deb-src entries; the stock image has only deb lines.
v4v_ensure_deb_src() {
	local f=/etc/apt/sources.list.d/v4v-deb-src.sources
	if [[ ! -f $f ]]; then
		cat > "$f" <<-EOF
		# Added by v4v's test harness: source packages for building Xen with Argo.
		Types: deb-src
		URIs: http://deb.debian.org/debian
		Suites: bookworm bookworm-updates
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

		Types: deb-src
		URIs: http://deb.debian.org/debian-security
		Suites: bookworm-security
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
		EOF
		apt-get update -q >&2
	elif ! apt-cache showsrc xen >/dev/null 2>&1; then
		apt-get update -q >&2
	fi
}

# Candidate version of a binary package, or empty.
v4v_pkg_candidate() {
	apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { if ($2 != "(none)") print $2 }'
}

# Every version apt knows for a package, newest first.
v4v_pkg_versions() {
	apt-cache madison "$1" 2>/dev/null | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | uniq
}

# Run a command holding an exclusive lock on the named cache entry, so two
# runs on one machine never build the same artifact at once.
v4v_locked() {
	local name=$1; shift
	mkdir -p "$V4V_CACHE/locks"
	(
		flock 9
		"$@"
	) 9>"$V4V_CACHE/locks/$name"
}

# Print the path of Debian's linux-source-6.1, extracted once per package
# version under $V4V_CACHE/kunit/<version>/ (KUnit builds there; checkpatch
# runs from it).  tar keeps mtimes, so builds in the tree stay incremental.
v4v_linux_source() {
	v4v_need_pkgs xz-utils linux-source-6.1
	local ver top
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	top=$V4V_CACHE/kunit/$ver
	if [[ ! -e $top/.extracted ]]; then
		v4v_locked linux-source _v4v_extract_linux_source "$top" >&2
	fi
	echo "$top/linux-source-6.1"
}

_v4v_extract_linux_source() {
	local top=$1 old
	[[ -e $top/.extracted ]] && return
	for old in "${top%/*}"/*/; do
		[[ $old == "$top/" ]] || rm -rf "$old"	# one version at a time
	done
	v4v_log "extracting linux-source-6.1 (1.5 GB) into ${top%/*}"
	rm -rf "$top" "$top.tmp"; mkdir -p "$top.tmp"
	"${V4V_NICE[@]}" tar -C "$top.tmp" -xf /usr/src/linux-source-6.1.tar.xz
	mv "$top.tmp" "$top"
	touch "$top/.extracted"
}

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

# Install Debian packages that are not installed yet.  apt-get update runs only
# when the first attempt fails (stale lists on a fresh machine).  INITRD=No
# stops kernel image packages (pulled in by the 6.12 headers) from building a
# host initramfs nobody boots.
v4v_need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
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

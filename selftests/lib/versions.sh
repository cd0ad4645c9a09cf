# SPDX-License-Identifier: GPL-2.0
# Pinned fallbacks.  The harness resolves current versions from apt at run
# time and uses these only when resolution fails; they were all known to
# download and work together when written down.

# Xen 4.17 from bookworm main: source and xen-utils at exactly this version.
# (bookworm-security's newer source package 404s on deb.debian.org.)
V4V_XEN_PIN=4.17.5+72-g01140da4e8-1

# Debian 12 kernels the module supports: <series> <ABI name> <package version>.
V4V_KERNEL_PINS=(
	"6.1 6.1.0-56-amd64 6.1.192-2"
	"6.12 6.12.117+deb12-amd64 6.12.117-1~deb12u1"
)

# Meta packages whose dependency names the current ABI of each series.
declare -A V4V_KERNEL_META=(
	[6.1]=linux-image-amd64
	[6.12]=linux-image-6.12-amd64
)

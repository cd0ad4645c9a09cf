# SPDX-License-Identifier: GPL-2.0
# Sourced by the guest test scripts: result TAG STATUS NAME [WHY] prints
# one V4VT line (tharness.h's format), numbering them per script.
N=0

result() {
	N=$((N + 1))
	if [ "$2" = 0 ]; then
		echo "V4VT: $1: ok $N $3"
	else
		echo "V4VT: $1: not ok $N $3 # ${4:-failed}"
	fi
}

# SPDX-License-Identifier: GPL-2.0
# Sourced by the guest test scripts (which set W, their scratch directory)
# and the guests' init scripts:
#   record LINE                    one record: LINE framed with its length,
#                                  in one write to the record channel, fd 9
#                                  (see tharness.h; Documentation/harness.rst)
#   record_lines                   each line of stdin as a record
#   result TAG STATUS NAME [WHY]   one V4VT record (tharness.h's format),
#                                  numbered per script
#   run NAME CMD...                CMD's output in $W/NAME.out, status in .rc
#   expect TAG NAME WANT [TEXT...] a result: status WANT, every TEXT in the output
#   bg_start NAME CMD...           CMD in the background, output in $W/NAME.log
#   bg_stop NAME                   SIGTERM it, wait up to 5 s; 0 if it ended
#   usage_errors PROG 'ARGS'...    0 if PROG exits 2 for every set of ARGS
N=0
NL='
'
CR=$(printf '\r')

# busybox's echo writes its line in one write(), which a tty takes whole.
# A record is one line, whatever it quotes.
record() {
	case $1 in
	*"$NL"*|*"$CR"*) set -- "$(printf '%s' "$1" | tr '\n\r' '  ')" ;;
	esac
	echo "V4VREC ${#1} $1" >&9
	[ "${V4V_RECORD_ECHO:-0}" = 1 ] && echo "$1"
	return 0
}

record_lines() {
	while IFS= read -r line; do
		record "$line"
	done
}

result() {
	N=$((N + 1))
	if [ "$2" = 0 ]; then
		record "V4VT: $1: ok $N $3"
	else
		record "V4VT: $1: not ok $N $3 # ${4:-failed}"
	fi
}

run() {
	name=$1
	shift
	"$@" > $W/$name.out 2>&1
	echo $? > $W/$name.rc
}

expect() {
	tag=$1 name=$2 want=$3
	shift 3
	ok=0
	[ "$(cat $W/$name.rc)" = "$want" ] || ok=1
	for text in "$@"; do
		grep -q -- "$text" $W/$name.out || ok=1
	done
	result "$tag" $ok "$name" "status $(cat $W/$name.rc), wanted $want: $(tail -n 2 $W/$name.out | tr '\n' '|')"
}

bg_start() {
	name=$1
	shift
	mkdir -p $W
	"$@" > $W/$name.log 2>&1 &
	echo $! > $W/$name.pid
}

bg_stop() {
	pid=$(cat $W/$1.pid)
	kill "$pid" 2>/dev/null
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	! kill -0 "$pid" 2>/dev/null
}

usage_errors() {
	prog=$1 bad=0
	shift
	for args in "$@"; do
		# Each set is split into words on purpose.
		$prog $args > $W/usage.out 2>&1
		r=$?
		[ $r = 2 ] || { bad=1; echo "# $prog $args: status $r, wanted 2"; }
	done
	return $bad
}

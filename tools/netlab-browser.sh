#!/usr/bin/env bash
# A chromedriver (and the Chromium it starts) inside a home of a network lab (tools/netlab.sh),
# driven from the root namespace over the home's management veth (see tools/netlab.sh).
#
#   netlab-browser.sh chromedriver LAB HOME PORT WORKDIR
#
# Runs in the foreground (exec: the caller's process is chromedriver itself, so stopping that
# process stops it) inside namespace LAB-HOME (HOME: home1 or home2):
#   * its own mount namespace (the one "ip netns exec" makes) with WORKDIR/resolv.conf
#     ("nameserver 127.0.0.1") bind-mounted over /etc/resolv.conf: Chromium looks names up in
#     the background even with background networking off, and must not try the machine's real
#     resolver; the bind mount is invisible outside this process tree;
#   * TMPDIR=WORKDIR/tmp, so what Chromium and chromedriver leave in the temporary directory
#     (e.g. /tmp/org.chromium.Chromium.*) stays in WORKDIR, which the caller deletes;
#   * chromedriver on PORT, accepting only the root side of that home's management veth
#     (--allowed-ips); the root namespace reaches it at the home's management address
#     (HOME1_MGMT / HOME2_MGMT of "netlab.sh addresses LAB").
set -euo pipefail

die() { echo "netlab-browser: $*" >&2; exit 1; }

here=$(dirname "$(readlink -f "$0")")
cmd=${1:-}
[[ $cmd == chromedriver ]] || die "usage: $0 chromedriver LAB HOME PORT WORKDIR"
(($# == 5)) || die "usage: $0 chromedriver LAB HOME PORT WORKDIR"
lab=$2 home=$3 port=$4 workdir=$5
[[ $home == home1 || $home == home2 ]] || die "HOME must be home1 or home2"
[[ $port =~ ^[0-9]{1,5}$ ]] || die "bad port '$port'"
[[ -d $workdir ]] || die "no directory $workdir"
[[ $(id -u) == 0 ]] || die "needs root (ip netns exec, mount)"
[[ -x /usr/bin/chromedriver ]] || die "/usr/bin/chromedriver missing (apt-get install chromium-driver)"

# The root side of this home's management veth: the only address chromedriver accepts.
addresses=$("$here/netlab.sh" addresses "$lab") || die "lab $lab is not up"
key=ROOT_MGMT${home#home}
allowed=$(sed -n "s/^$key=//p" <<<"$addresses")
[[ -n $allowed ]] || die "netlab.sh addresses $lab has no $key"

workdir=$(readlink -f "$workdir")
mkdir -p "$workdir/tmp"
printf 'nameserver 127.0.0.1\n' >"$workdir/resolv.conf"

# shellcheck disable=SC2016
exec ip netns exec "$lab-$home" /bin/sh -c '
  set -e
  mount --bind "$1" /etc/resolv.conf
  export TMPDIR="$2"
  exec /usr/bin/chromedriver --port="$3" --allowed-ips="$4" --log-level=WARNING
' netlab-browser "$workdir/resolv.conf" "$workdir/tmp" "$port" "$allowed"

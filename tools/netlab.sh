#!/usr/bin/env bash
# Network lab: two homes behind NATs, a "public internet" namespace with a Teredo server and
# relay, all inside network namespaces on this machine. Nothing leaves it: guard routes (below)
# keep every lab prefix off the machine's default route, and the lab has blackhole defaults.
#
#   netlab.sh check              exit 0 if this machine can run the lab, else say what is missing
#   netlab.sh install            (root) apt-get install what is missing, keep miredo's service off
#   netlab.sh up LAB             build lab LAB (NAT2=symmetric makes nat2 a symmetric NAT)
#   netlab.sh addresses LAB      key=value lines describing the running lab
#   netlab.sh exec LAB NS cmd..  run cmd in namespace LAB-NS (NS: inet nat1 nat2 home1 home2)
#   netlab.sh down LAB           tear the lab down; idempotent, safe after a failed up
#
# Topology (namespace names are LAB-<name>):
#   inet : bridge br0 203.0.113.1/24, 198.51.100.1+.2 (Teredo server), .10 (services),
#          .20 (Teredo relay), 2001:db8:100::10/64; blackhole default routes.
#   natN : wan 203.0.113.1N/24 on br0, lan 10.N.0.1/24; masquerade + drop unsolicited inbound.
#   homeN: eth0 10.N.0.2/24 (default via natN), Teredo client "teredo",
#          mgmt veth to the root namespace (172.31.255.x/30) for driving browsers.
set -euo pipefail

STATE_BASE=/tmp/netlab
LOCK=/tmp/netlab.lock
MGMT_NET=172.31.255          # management /30s are carved out of this /24, 8 addresses per lab
NAMESPACES=(inet nat1 nat2 home1 home2)
# Guard routes: every prefix the lab uses, unreachable in the root namespace, so a packet for a
# lab address can never follow the machine's default route out of the machine.
GUARDS4=(203.0.113.0/24 198.51.100.0/24 10.1.0.0/24 10.2.0.0/24 "$MGMT_NET.0/24")
GUARDS6=(2001:db8::/32 2001::/32)
PACKAGES=(iproute2 nftables miredo miredo-server curl)

die() { echo "netlab: $*" >&2; exit 1; }
log() { echo "netlab: $*" >&2; }

# ---------------------------------------------------------------------------------------------
# check / install

missing() { # prints what is missing, space separated
  local m=()
  [[ $(id -u) == 0 ]] || m+=("root")
  command -v ip >/dev/null || m+=("ip(iproute2)")
  command -v nft >/dev/null || m+=("nft(nftables)")
  command -v miredo >/dev/null || m+=("miredo")
  command -v miredo-server >/dev/null || m+=("miredo-server")
  [[ -c /dev/net/tun ]] || m+=("/dev/net/tun")
  echo "${m[*]}"
}

cmd_check() {
  local m; m=$(missing)
  [[ -z $m ]] && return 0
  echo "netlab: missing: $m"
  exit 1
}

cmd_install() {
  [[ $(id -u) == 0 ]] || die "install needs root"
  local need=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
  done
  if ((${#need[@]})); then
    # Installing miredo would start its system service, which talks to a public Teredo
    # server: a policy-rc.d that denies every start keeps it off during the install.
    local tmp_policy=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
      chmod 755 /usr/sbin/policy-rc.d
      tmp_policy=1
    fi
    apt-get update -qq
    local rc=0
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" || rc=$?
    if ((tmp_policy)); then rm -f /usr/sbin/policy-rc.d; fi
    ((rc == 0)) || die "apt-get install failed"
  fi
  # Never let an init system start miredo with its default (public) server.
  if [[ -f /etc/default/miredo ]] && grep -q '^START_MIREDO=' /etc/default/miredo; then
    sed -i 's/^START_MIREDO=.*/START_MIREDO=false/' /etc/default/miredo
  else
    echo 'START_MIREDO=false' >>/etc/default/miredo
  fi
  cmd_check
}

# ---------------------------------------------------------------------------------------------
# per-lab names and addresses

set_lab() {
  LAB=${1:-}
  [[ $LAB =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$ ]] || die "bad lab name '${LAB}' (letters, digits, _ and -, at most 32)"
  STATE=$STATE_BASE-$LAB
  # Root-namespace interface names must be unique on the machine and at most 15 characters:
  # derive them from a hash of the lab name ("nl" + 6 hex + "m1" = 10 characters).
  local h; h=$(printf '%s' "$LAB" | md5sum | cut -c1-6)
  ROOT_IF1=nl${h}m1
  ROOT_IF2=nl${h}m2
}

ns() { echo "$LAB-$1"; }
nsx() { local n=$1; shift; ip netns exec "$(ns "$n")" "$@"; }

set_mgmt() { # slot -> management addresses (each lab owns 8 addresses of $MGMT_NET.0/24)
  local b=$(($1 * 8))
  ROOT_MGMT1=$MGMT_NET.$((b + 1)) HOME1_MGMT=$MGMT_NET.$((b + 2))
  ROOT_MGMT2=$MGMT_NET.$((b + 5)) HOME2_MGMT=$MGMT_NET.$((b + 6))
}

with_lock() { exec 9>"$LOCK"; flock 9; }

other_labs() { # state dirs of other labs that are up (or were not torn down)
  local d
  for d in "$STATE_BASE"-*/; do
    [[ -d $d && ${d%/} != "$STATE" ]] && echo "${d%/}"
  done
  return 0
}

# ---------------------------------------------------------------------------------------------
# guard routes (root namespace)

install_guards() {
  local p cur
  for p in "${GUARDS4[@]}"; do
    cur=$(ip -4 route show exact "$p" table main)
    # Refuse to replace a real route the machine uses for one of these prefixes.
    [[ -z $cur || $cur == unreachable* ]] || die "root namespace already routes $p ($cur); refusing"
    ip -4 route replace unreachable "$p"
  done
  for p in "${GUARDS6[@]}"; do
    cur=$(ip -6 route show exact "$p" table main)
    [[ -z $cur || $cur == unreachable* ]] || die "root namespace already routes $p ($cur); refusing"
    ip -6 route replace unreachable "$p"
  done
}

remove_guards() {
  # The guards are shared by all labs on the machine: only the last lab removes them.
  if [[ -n $(other_labs) ]]; then
    log "other labs still present ($(other_labs | tr '\n' ' ')); keeping guard routes"
    return 0
  fi
  local p
  for p in "${GUARDS4[@]}"; do ip -4 route del unreachable "$p" 2>/dev/null || true; done
  for p in "${GUARDS6[@]}"; do ip -6 route del unreachable "$p" 2>/dev/null || true; done
}

# ---------------------------------------------------------------------------------------------
# helpers

# Poll (no fixed sleeps) until "$@" succeeds or DEADLINE seconds have passed.
wait_for() {
  local what=$1 deadline=$2; shift 2
  local end=$((SECONDS + deadline))
  # $SECONDS has a resolution of 1 s; add one so the deadline is never shorter than asked.
  until "$@"; do
    ((SECONDS <= end)) || die "timed out after ${deadline}s waiting for $what"
    sleep 0.05
  done
}

udp_listening() { # ns port
  [[ -n $(nsx "$1" ss -H -uln "sport = :$2") ]]
}

teredo_addr() { # ns -> the global Teredo address of its "teredo" interface, if any
  nsx "$1" ip -6 -o addr show dev teredo scope global 2>/dev/null |
    awk '{split($4, a, "/"); print a[1]}' | grep -m1 '^2001:0:' || true
}

link_exists() { nsx "$1" ip link show dev "$2" &>/dev/null; }

has_teredo_addr() { [[ -n $(teredo_addr "$1") ]]; }

start_daemon() { # name ns binary -- writes $STATE/<name>.conf beforehand
  local name=$1 n=$2 bin=$3
  # -f: no syslog on these machines, logs go to a file; -p: a pidfile per daemon and lab.
  # setsid: a Ctrl-C or hang-up aimed at the caller does not reach the daemons (only down does).
  # A plain command (not the nsx function) so that the background job is the daemon itself
  # ("ip netns exec" execs it), not a bash subshell waiting for it; 9>&-: not the lab lock.
  setsid ip netns exec "$(ns "$n")" "$bin" -f -c "$STATE/$name.conf" -p "$STATE/$name.pid" \
    </dev/null >"$STATE/$name.log" 2>&1 9>&- &
  echo $! >"$STATE/$name.bgpid"
}

# ---------------------------------------------------------------------------------------------
# up

cmd_up() {
  set_lab "${1:-}"
  cmd_check >&2
  local nat2_mode=${NAT2:-cone}
  [[ $nat2_mode == cone || $nat2_mode == symmetric ]] || die "NAT2 must be cone or symmetric"

  with_lock
  [[ ! -e $STATE ]] || die "lab $LAB exists ($STATE); run: $0 down $LAB"
  local n
  for n in "${NAMESPACES[@]}"; do
    [[ ! -e /run/netns/$(ns "$n") ]] || die "namespace $(ns "$n") exists; run: $0 down $LAB"
  done
  ! ip link show "$ROOT_IF1" &>/dev/null || die "interface $ROOT_IF1 exists (name clash?)"
  ! ip link show "$ROOT_IF2" &>/dev/null || die "interface $ROOT_IF2 exists (name clash?)"

  # Pick a free management slot (0..31) among the labs present.
  local used=" " d slot
  for d in $(other_labs); do [[ -f $d/slot ]] && used+="$(cat "$d/slot") "; done
  for slot in $(seq 0 31); do [[ $used != *" $slot "* ]] && break; done
  [[ $used != *" $slot "* ]] || die "no free management slot"
  mkdir -p "$STATE"
  echo "$slot" >"$STATE/slot"
  echo "$nat2_mode" >"$STATE/nat2"
  set_mgmt "$slot"

  # From here on, any failure tears down whatever was built.
  trap 'log "up failed; tearing down"; teardown' EXIT
  trap 'exit 130' INT TERM

  # 1. Guards first: nothing below can leak out of the machine even if half-built.
  install_guards

  # 2. Namespaces, loopback, sysctls.
  for n in "${NAMESPACES[@]}"; do
    ip netns add "$(ns "$n")"
    nsx "$n" ip link set lo up
  done
  nsx inet sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  nsx nat1 sysctl -qw net.ipv4.ip_forward=1
  nsx nat2 sysctl -qw net.ipv4.ip_forward=1

  # 3. inet: the "public internet". Blackhole defaults so nothing is routed anywhere else.
  nsx inet ip -4 route add blackhole default
  nsx inet ip -6 route add blackhole default
  nsx inet ip link add br0 type bridge
  nsx inet ip addr add 203.0.113.1/24 dev br0
  nsx inet ip addr add 198.51.100.1/24 dev br0      # Teredo server, primary
  nsx inet ip addr add 198.51.100.2/24 dev br0      # Teredo server, secondary (= primary + 1)
  nsx inet ip addr add 198.51.100.20/24 dev br0     # Teredo relay
  nsx inet ip addr add 203.0.113.10/24 dev br0      # services (IPv4)
  nsx inet ip addr add 2001:db8:100::10/64 dev br0 nodad   # services (native IPv6)
  nsx inet ip link set br0 up

  # 4. NATs. Veths are created with both ends already inside their namespaces, so their short
  #    names never meet the root namespace's.
  local i nat home
  for i in 1 2; do
    nat=nat$i home=home$i
    ip link add wan netns "$(ns "$nat")" type veth peer name "n$i" netns "$(ns inet)"
    nsx inet ip link set "n$i" master br0 up
    nsx "$nat" ip addr add "203.0.113.1$i/24" dev wan
    nsx "$nat" ip link set wan up
    nsx "$nat" ip route add default via 203.0.113.1

    ip link add lan netns "$(ns "$nat")" type veth peer name eth0 netns "$(ns "$home")"
    nsx "$nat" ip addr add "10.$i.0.1/24" dev lan
    nsx "$nat" ip link set lan up

    local masq=masquerade
    [[ $i == 2 && $nat2_mode == symmetric ]] && masq="masquerade random"   # new port per peer
    # The stateful filter matters: without it a peer's unsolicited Teredo bubble creates a
    # conntrack entry that makes masquerade pick another source port, and hole punching fails.
    nsx "$nat" nft -f - <<EOF
table ip netlab {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan" $masq
  }
  chain input {
    type filter hook input priority filter; policy accept;
    iifname "wan" ct state established,related accept
    iifname "wan" drop
  }
  chain forward {
    type filter hook forward priority filter; policy accept;
    iifname "wan" ct state established,related accept
    iifname "wan" drop
  }
}
EOF
  done

  # 5. Homes: private address behind the NAT, plus a management veth to the root namespace.
  local rif rip hip
  for i in 1 2; do
    home=home$i
    nsx "$home" ip addr add "10.$i.0.2/24" dev eth0
    nsx "$home" ip link set eth0 up
    nsx "$home" ip route add default via "10.$i.0.1"
    if [[ $i == 1 ]]; then rif=$ROOT_IF1 rip=$ROOT_MGMT1 hip=$HOME1_MGMT; else rif=$ROOT_IF2 rip=$ROOT_MGMT2 hip=$HOME2_MGMT; fi
    ip link add "$rif" type veth peer name mgmt netns "$(ns "$home")"
    echo "$rif" >>"$STATE/links"
    # The connected /30 is more specific than the unreachable /24 guard, so it wins.
    ip addr add "$rip/30" dev "$rif"
    ip link set "$rif" up
    nsx "$home" ip addr add "$hip/30" dev mgmt
    nsx "$home" ip link set mgmt up
  done

  # 6. Teredo server in inet; clients lose their first solicitation if it is not listening yet.
  cat >"$STATE/server.conf" <<EOF
ServerBindAddress 198.51.100.1
ServerBindAddress2 198.51.100.2
EOF
  start_daemon server inet miredo-server
  wait_for "the Teredo server (UDP 3544)" 10 udp_listening inet 3544

  # 7. Teredo relay in inet: without it native IPv6 <-> Teredo does not work.
  cat >"$STATE/relay.conf" <<EOF
RelayType cone
InterfaceName teredo-relay
BindAddress 198.51.100.20
BindPort 3545
EOF
  start_daemon relay inet miredo
  wait_for "the Teredo relay (UDP 3545)" 10 udp_listening inet 3545
  # Replies from the native host to Teredo addresses must go into the relay's tunnel.
  wait_for "the relay's interface" 10 link_exists inet teredo-relay
  nsx inet ip -6 route replace 2001::/32 dev teredo-relay

  # 8. Teredo clients in the homes.
  for i in 1 2; do
    cat >"$STATE/client$i.conf" <<EOF
RelayType client
InterfaceName teredo
ServerAddress 198.51.100.1
EOF
    start_daemon "client$i" "home$i" miredo
  done
  for i in 1 2; do
    wait_for "a Teredo address in home$i" 10 has_teredo_addr "home$i"
  done

  trap - EXIT INT TERM
  cmd_addresses "$LAB"
}

# ---------------------------------------------------------------------------------------------
# addresses / exec

cmd_addresses() {
  set_lab "${1:-}"
  [[ -f $STATE/slot ]] || die "lab $LAB is not up"
  set_mgmt "$(cat "$STATE/slot")"
  cat <<EOF
HOME1_TEREDO=$(teredo_addr home1)
HOME2_TEREDO=$(teredo_addr home2)
NAT1_PUBLIC=203.0.113.11
NAT2_PUBLIC=203.0.113.12
NAT2_TYPE=$(cat "$STATE/nat2")
SERVICE_V4=203.0.113.10
SERVICE_V6=2001:db8:100::10
TEREDO_SERVER=198.51.100.1
TEREDO_RELAY=198.51.100.20
HOME1_MGMT=$HOME1_MGMT
HOME2_MGMT=$HOME2_MGMT
ROOT_MGMT1=$ROOT_MGMT1
ROOT_MGMT2=$ROOT_MGMT2
ROOT_MGMT1_IF=$ROOT_IF1
ROOT_MGMT2_IF=$ROOT_IF2
NS_INET=$(ns inet)
NS_HOME1=$(ns home1)
NS_HOME2=$(ns home2)
EOF
}

cmd_exec() {
  set_lab "${1:-}"
  local n=${2:-}
  [[ " ${NAMESPACES[*]} " == *" $n "* ]] || die "namespace must be one of: ${NAMESPACES[*]}"
  shift 2
  (($#)) || die "usage: $0 exec LAB NS cmd..."
  exec ip netns exec "$(ns "$n")" "$@"
}

# ---------------------------------------------------------------------------------------------
# down

alive() { # pid -> true while it runs; a zombie counts as gone (PID 1 here reaps only lazily)
  local st
  st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $st != Z* ]]
}

kill_pids() { # pids... : TERM, wait up to 2 s, then KILL
  local pids=() p
  for p in "$@"; do if [[ $p =~ ^[0-9]+$ ]] && alive "$p"; then pids+=("$p"); fi; done
  ((${#pids[@]})) || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  local end=$((SECONDS + 2)) left
  while :; do
    left=()
    for p in "${pids[@]}"; do if alive "$p"; then left+=("$p"); fi; done
    ((${#left[@]})) || return 0
    ((SECONDS <= end)) || break
    sleep 0.05
  done
  kill -KILL "${left[@]}" 2>/dev/null || true
}

pid_in_lab() { # pid -> true if that process runs inside one of this lab's namespaces
  local n
  for n in "${NAMESPACES[@]}"; do
    [[ -e /run/netns/$(ns "$n") ]] || continue
    if ip netns identify "$1" 2>/dev/null | grep -qx "$(ns "$n")"; then return 0; fi
  done
  return 1
}

teardown() {
  # Best effort: one failed step must not stop the rest of the clean-up.
  set +e
  local f n pid
  # 1. The lab's daemons, by pidfile (ours and miredo's own); a pid that no longer runs in
  #    the lab (reused by another process) is left alone.
  for f in "$STATE"/*.pid "$STATE"/*.bgpid; do
    [[ -f $f ]] || continue
    pid=$(cat "$f")
    if [[ $pid =~ ^[0-9]+$ ]] && pid_in_lab "$pid"; then kill_pids "$pid"; fi
  done
  # 2. Anything else still running inside the lab's namespaces (miredo helpers, test servers).
  for n in "${NAMESPACES[@]}"; do
    [[ -e /run/netns/$(ns "$n") ]] || continue
    # shellcheck disable=SC2046
    kill_pids $(ip netns pids "$(ns "$n")" 2>/dev/null)
  done
  # 3. Namespaces: deleting one also deletes its veths (and their peers) and its nft tables.
  for n in "${NAMESPACES[@]}"; do
    if [[ -e /run/netns/$(ns "$n") ]]; then ip netns del "$(ns "$n")"; fi
  done
  # 4. Root-side links this lab created, if any outlived their namespace.
  if [[ -f $STATE/links ]]; then
    while read -r f; do
      if ip link show "$f" &>/dev/null; then ip link del "$f"; fi
    done <"$STATE/links"
  fi
  # 5. State dir, then the guard routes last (they are kept while other labs are present).
  rm -rf "$STATE"
  remove_guards
  return 0
}

cmd_down() {
  set_lab "${1:-}"
  [[ $(id -u) == 0 ]] || die "down needs root"
  with_lock
  teardown
}

# ---------------------------------------------------------------------------------------------

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

cmd=${1:-}
shift || true
case $cmd in
  check) cmd_check ;;
  install) cmd_install ;;
  up) cmd_up "$@" ;;
  down) cmd_down "$@" ;;
  addresses) cmd_addresses "$@" ;;
  exec) cmd_exec "$@" ;;
  *) usage ;;
esac

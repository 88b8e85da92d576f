#!/usr/bin/env bash
# Network lab: two homes behind NATs, a "public internet" namespace with a Teredo server and
# relay, all inside network namespaces on this machine. Nothing leaves it: guard routes (below)
# keep every lab prefix off the machine's default route, and the lab has blackhole defaults.
# Described in full (topology, options, verified facts, examples) in tools/netlab/README.md.
#
#   netlab.sh check              exit 0 if this machine can run the lab, else say what is missing
#   netlab.sh install            (root) apt-get install what is missing, keep the system services
#                                of miredo and miniupnpd off
#   netlab.sh up LAB             build lab LAB (options below, as environment variables)
#   netlab.sh addresses LAB      key=value lines describing the running lab
#   netlab.sh exec LAB NS cmd..  run cmd in namespace LAB-NS (NS: inet nat1 nat2 home1 home2)
#   netlab.sh portmap LAB HOME natpmp|pcp PROTO IPORT EPORT LIFETIME
#                                ask HOME's gateway (GATEWAYn=upnp) for a mapping over NAT-PMP
#                                or PCP (PROTO tcp|udp; LIFETIME 0 deletes); prints the answer
#   netlab.sh selftest LAB       check the running lab: relay reachable from both homes; for each
#                                upnp gateway, a UPnP, a NAT-PMP and a PCP mapping open a port
#                                and deleting them closes it again; native IPv6 if IPV6=1
#   netlab.sh down LAB           tear the lab down; idempotent, safe after a failed up
#
# Options for "up" (environment variables; defaults first):
#   NAT1=cone|symmetric    nat1's mapping: cone (port kept per internal socket) or symmetric
#   NAT2=cone|symmetric    ("masquerade random": a new external port for every destination)
#   GATEWAY1=none|upnp     run miniupnpd in natN: UPnP IGD (HTTP on 10.N.0.1:5000, SSDP),
#   GATEWAY2=none|upnp     NAT-PMP and PCP (UDP 10.N.0.1:5351); mapped ports pass the NAT's
#                          filter, unmapped ones stay closed
#   IPV6=0|1               native IPv6 for the homes: homeN 2001:db8:N::2/64 routed (no NAT)
#                          through natN (WAN 2001:db8:100::1N); homes keep their Teredo address
#   V6FW1=0|1              (with IPV6=1) natN drops unsolicited inbound IPv6 to its home
#   V6FW2=0|1              (established/related pass; a upnp gateway may open pinholes)
#
# Topology (namespace names are LAB-<name>):
#   inet : bridge br0 203.0.113.1/24, 198.51.100.1+.2 (Teredo server), .10 (services),
#          .20 (Teredo relay), .30 (relay host), .3 (STUN responder for the gateways),
#          2001:db8:100::1/64, ::10 (services), ::30 (relay host); blackhole default routes.
#   natN : wan 203.0.113.1N/24 (+ 2001:db8:100::1N/64 with IPV6=1) on br0, lan 10.N.0.1/24
#          (+ 2001:db8:N::1/64); masquerade + drop unsolicited inbound (IPv4).
#   homeN: eth0 10.N.0.2/24 (default via natN; + 2001:db8:N::2/64 with IPV6=1),
#          Teredo client "teredo", mgmt veth to the root namespace (172.31.255.x/30).
set -euo pipefail

STATE_BASE=/tmp/netlab
LOCK=/tmp/netlab.lock
MGMT_NET=172.31.255          # management /30s are carved out of this /24, 8 addresses per lab
NAMESPACES=(inet nat1 nat2 home1 home2)
# Guard routes: every prefix the lab uses, unreachable in the root namespace, so a packet for a
# lab address can never follow the machine's default route out of the machine.
GUARDS4=(203.0.113.0/24 198.51.100.0/24 10.1.0.0/24 10.2.0.0/24 "$MGMT_NET.0/24")
GUARDS6=(2001:db8::/32 2001::/32)
PACKAGES=(iproute2 nftables miredo miredo-server curl miniupnpd-nftables miniupnpc python3)

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
  command -v miniupnpd >/dev/null || m+=("miniupnpd(miniupnpd-nftables)")
  command -v upnpc >/dev/null || m+=("upnpc(miniupnpc)")
  command -v python3 >/dev/null || m+=("python3")
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
    # server (and a miniupnpd service would touch the machine's own firewall): a policy-rc.d
    # that denies every start keeps them off during the install.
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
  # Debian 12's miniupnpd-nftables ships no init script or unit; should a later package add
  # one, keep it disabled: the lab runs its own miniupnpd per gateway, inside the namespace.
  if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    systemctl disable --now miniupnpd.service 2>/dev/null || true
  fi
  if [[ -f /etc/default/miniupnpd ]]; then
    sed -i 's/^START_DAEMON=.*/START_DAEMON=0/' /etc/default/miniupnpd
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
  local i opt val
  for i in 1 2; do
    opt=NAT$i; val=${!opt:-cone}
    [[ $val == cone || $val == symmetric ]] || die "$opt must be cone or symmetric"
    printf -v "NAT${i}_MODE" %s "$val"
    opt=GATEWAY$i; val=${!opt:-none}
    [[ $val == none || $val == upnp ]] || die "$opt must be none or upnp"
    printf -v "GATEWAY${i}_MODE" %s "$val"
    opt=V6FW$i; val=${!opt:-0}
    [[ $val == 0 || $val == 1 ]] || die "$opt must be 0 or 1"
    printf -v "V6FW${i}_MODE" %s "$val"
  done
  local ipv6=${IPV6:-0}
  [[ $ipv6 == 0 || $ipv6 == 1 ]] || die "IPV6 must be 0 or 1"
  [[ $ipv6 == 1 || ($V6FW1_MODE == 0 && $V6FW2_MODE == 0) ]] || die "V6FW1/V6FW2 need IPV6=1"

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
  echo "$NAT2_MODE" >"$STATE/nat2"
  cat >"$STATE/options" <<OPTS
NAT1=$NAT1_MODE
NAT2=$NAT2_MODE
GATEWAY1=$GATEWAY1_MODE
GATEWAY2=$GATEWAY2_MODE
IPV6=$ipv6
V6FW1=$V6FW1_MODE
V6FW2=$V6FW2_MODE
OPTS
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
  if [[ $ipv6 == 1 ]]; then
    nsx nat1 sysctl -qw net.ipv6.conf.all.forwarding=1
    nsx nat2 sysctl -qw net.ipv6.conf.all.forwarding=1
  fi

  # 3. inet: the "public internet". Blackhole defaults so nothing is routed anywhere else.
  nsx inet ip -4 route add blackhole default
  nsx inet ip -6 route add blackhole default
  nsx inet ip link add br0 type bridge
  nsx inet ip addr add 203.0.113.1/24 dev br0
  nsx inet ip addr add 198.51.100.1/24 dev br0      # Teredo server, primary
  nsx inet ip addr add 198.51.100.2/24 dev br0      # Teredo server, secondary (= primary + 1)
  nsx inet ip addr add 198.51.100.20/24 dev br0     # Teredo relay
  nsx inet ip addr add 203.0.113.3/24 dev br0       # STUN responder (for upnp gateways)
  nsx inet ip addr add 203.0.113.10/24 dev br0      # services (IPv4)
  nsx inet ip addr add 203.0.113.30/24 dev br0      # relay host (IPv4)
  nsx inet ip addr add 2001:db8:100::1/64 dev br0 nodad    # router for the NATs' IPv6
  nsx inet ip addr add 2001:db8:100::10/64 dev br0 nodad   # services (native IPv6)
  nsx inet ip addr add 2001:db8:100::30/64 dev br0 nodad   # relay host (native IPv6)
  nsx inet ip link set br0 up

  # 4. NATs. Veths are created with both ends already inside their namespaces, so their short
  #    names never meet the root namespace's.
  local nat home mode gw fw
  for i in 1 2; do
    nat=nat$i home=home$i
    mode=NAT${i}_MODE gw=GATEWAY${i}_MODE fw=V6FW${i}_MODE
    mode=${!mode} gw=${!gw} fw=${!fw}
    ip link add wan netns "$(ns "$nat")" type veth peer name "n$i" netns "$(ns inet)"
    nsx inet ip link set "n$i" master br0 up
    nsx "$nat" ip addr add "203.0.113.1$i/24" dev wan
    nsx "$nat" ip link set wan up
    nsx "$nat" ip route add default via 203.0.113.1

    ip link add lan netns "$(ns "$nat")" type veth peer name eth0 netns "$(ns "$home")"
    nsx "$nat" ip addr add "10.$i.0.1/24" dev lan
    nsx "$nat" ip link set lan up
    if [[ $ipv6 == 1 ]]; then
      # Native IPv6, routed without NAT: inet -> natN's WAN -> homeN's /64.
      nsx "$nat" ip addr add "2001:db8:100::1$i/64" dev wan nodad
      nsx "$nat" ip addr add "2001:db8:$i::1/64" dev lan nodad
      nsx "$nat" ip -6 route add default via 2001:db8:100::1
      nsx inet ip -6 route add "2001:db8:$i::/64" via "2001:db8:100::1$i"
    fi

    local masq=masquerade
    [[ $mode == symmetric ]] && masq="masquerade random"   # new port per peer
    # A port mapped by the gateway is a DNAT of this NAT's own (miniupnpd's rules): let those
    # through the filter below; every other unsolicited packet is still dropped.
    local dnat_ok=""
    [[ $gw == upnp ]] && dnat_ok='iifname "wan" ct status dnat accept'
    # The stateful filter matters: without it a peer's unsolicited Teredo bubble creates a
    # conntrack entry that makes masquerade pick another source port, and hole punching fails.
    nsx "$nat" nft -f - <<NFT
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
    $dnat_ok
    iifname "wan" drop
  }
}
NFT
    # IPv6 filter and the gateway's chains share one inet table: a pinhole miniupnpd adds
    # (an accept in chain "miniupnpd") must be reached before this table's IPv6 drop, which
    # an accept in another table could not override.
    if [[ $gw == upnp || $fw == 1 ]]; then
      local jump="" drop6="" natchains=""
      [[ $gw == upnp ]] && jump='iifname "wan" jump miniupnpd'
      [[ $fw == 1 ]] && drop6='iifname "wan" meta nfproto ipv6 drop'
      [[ $gw == upnp ]] && natchains='
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    jump prerouting_miniupnpd
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    jump postrouting_miniupnpd
  }
  chain prerouting_miniupnpd {
  }
  chain postrouting_miniupnpd {
  }'
      nsx "$nat" nft -f - <<NFT
table inet gateway {
  chain forward {
    type filter hook forward priority filter; policy accept;
    iifname "wan" ct state established,related accept
    $jump
    $drop6
  }
  chain miniupnpd {
  }$natchains
}
NFT
    fi
  done

  # 5. Homes: private address behind the NAT, plus a management veth to the root namespace.
  local rif rip hip
  for i in 1 2; do
    home=home$i
    nsx "$home" ip addr add "10.$i.0.2/24" dev eth0
    if [[ $ipv6 == 1 ]]; then nsx "$home" ip addr add "2001:db8:$i::2/64" dev eth0 nodad; fi
    nsx "$home" ip link set eth0 up
    nsx "$home" ip route add default via "10.$i.0.1"
    if [[ $ipv6 == 1 ]]; then nsx "$home" ip -6 route add default via "2001:db8:$i::1"; fi
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
  cat >"$STATE/server.conf" <<CONF
ServerBindAddress 198.51.100.1
ServerBindAddress2 198.51.100.2
CONF
  start_daemon server inet miredo-server
  wait_for "the Teredo server (UDP 3544)" 10 udp_listening inet 3544

  # 7. Teredo relay in inet: without it native IPv6 <-> Teredo does not work.
  cat >"$STATE/relay.conf" <<CONF
RelayType cone
InterfaceName teredo-relay
BindAddress 198.51.100.20
BindPort 3545
CONF
  start_daemon relay inet miredo
  wait_for "the Teredo relay (UDP 3545)" 10 udp_listening inet 3545
  # Replies from the native host to Teredo addresses must go into the relay's tunnel.
  wait_for "the relay's interface" 10 link_exists inet teredo-relay
  nsx inet ip -6 route replace 2001::/32 dev teredo-relay

  # 8. Teredo clients in the homes.
  for i in 1 2; do
    cat >"$STATE/client$i.conf" <<CONF
RelayType client
InterfaceName teredo
ServerAddress 198.51.100.1
CONF
    start_daemon "client$i" "home$i" miredo
  done

  # 9. Port-mapping gateways (miniupnpd) in the NATs that asked for one.
  if [[ $GATEWAY1_MODE == upnp || $GATEWAY2_MODE == upnp ]]; then
    start_stun
    for i in 1 2; do
      gw=GATEWAY${i}_MODE
      if [[ ${!gw} == upnp ]]; then start_gateway "$i" "$ipv6"; fi
    done
  fi

  for i in 1 2; do
    wait_for "a Teredo address in home$i" 10 has_teredo_addr "home$i"
  done
  for i in 1 2; do
    gw=GATEWAY${i}_MODE
    if [[ ${!gw} == upnp ]]; then
      wait_for "miniupnpd in nat$i (NAT-PMP/PCP on UDP 5351)" 15 udp_listening "nat$i" 5351
      wait_for "miniupnpd in nat$i (HTTP on TCP 5000)" 5 tcp_listening "nat$i" 5000
    fi
  done

  trap - EXIT INT TERM
  cmd_addresses "$LAB"
}

# ---------------------------------------------------------------------------------------------
# port-mapping gateways

# miniupnpd refuses to map onto an external address it considers reserved, and every IPv4
# documentation range is on its list (as is every private one). With ext_perform_stun it takes
# the external address from a STUN answer instead, without that check. This responder, in inet,
# answers each Binding request from the address and port it was sent to, with the request's
# source as MAPPED-ADDRESS, ignoring CHANGE-REQUEST: miniupnpd then sees all four of its probes
# answered unchanged, concludes that nothing filters or translates its WAN address (true of the
# NAT box itself), and enables port forwarding with 203.0.113.1N as the external address.
write_stun_responder() {
  cat >"$STATE/stun.py" <<'PY'
import socket, struct, sys
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind((sys.argv[1], int(sys.argv[2])))
while True:
    data, (ip, port) = sock.recvfrom(2048)
    if len(data) < 20 or data[:2] != b"\x00\x01":    # Binding request
        continue
    attr = struct.pack("!HHBBH4s", 0x0001, 8, 0, 1, port, socket.inet_aton(ip))  # MAPPED-ADDRESS
    sock.sendto(struct.pack("!HH", 0x0101, len(attr)) + data[4:20] + attr, (ip, port))
PY
}

start_stun() {
  write_stun_responder
  setsid ip netns exec "$(ns inet)" python3 "$STATE/stun.py" 203.0.113.3 3478 \
    </dev/null >"$STATE/stun.log" 2>&1 9>&- &
  echo $! >"$STATE/stun.bgpid"
  wait_for "the STUN responder (UDP 3478)" 10 udp_listening inet 3478
}

tcp_listening() { # ns port
  [[ -n $(nsx "$1" ss -H -tln "sport = :$2") ]]
}

start_gateway() { # N ipv6(0|1)
  local i=$1 ipv6=$2
  # Debian's nft_init.sh would create the tables, but it sources a miniupnpd_functions.sh the
  # package does not ship; the chains are made above (table inet gateway) and named here.
  cat >"$STATE/upnp$i.conf" <<CONF
ext_ifname=wan
listening_ip=lan
http_port=5000
enable_upnp=yes
enable_natpmp=yes
secure_mode=yes
ext_perform_stun=yes
ext_stun_host=203.0.113.3
ext_stun_port=3478
min_lifetime=120
max_lifetime=86400
uuid=8ce9e4a8-0000-4000-8000-00000000000$i
friendly_name=netlab nat$i
lease_file=$STATE/upnp$i.leases
upnp_table_name=gateway
upnp_nat_table_name=gateway
upnp_forward_chain=miniupnpd
upnp_nat_chain=prerouting_miniupnpd
upnp_nat_postrouting_chain=postrouting_miniupnpd
allow 1024-65535 10.$i.0.0/24 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
CONF
  # With IPv6, no ipv6_listening_ip: given one, miniupnpd binds its HTTP socket to that
  # address only and UPnP over IPv4 stops answering. Without it, it listens on [::] (both
  # families) and tells IPv6 control points the LAN interface's global address.
  if [[ $ipv6 == 0 ]]; then echo "ipv6_disable=yes" >>"$STATE/upnp$i.conf"; fi
  # -d: foreground, logging to stderr (no syslog here); -P: a pidfile per gateway and lab.
  setsid ip netns exec "$(ns "nat$i")" miniupnpd -d -f "$STATE/upnp$i.conf" -P "$STATE/upnp$i.pid" \
    </dev/null >"$STATE/upnp$i.log" 2>&1 9>&- &
  echo $! >"$STATE/upnp$i.bgpid"
}

# ---------------------------------------------------------------------------------------------
# addresses / exec

opt() { # key -> its value in the running lab's options (labs from before options: defaults)
  local v=""
  [[ -f $STATE/options ]] && v=$(sed -n "s/^$1=//p" "$STATE/options")
  if [[ -z $v ]]; then
    case $1 in NAT1 | NAT2) v=cone ;; GATEWAY*) v=none ;; *) v=0 ;; esac
    [[ $1 == NAT2 && -f $STATE/nat2 ]] && v=$(cat "$STATE/nat2")
  fi
  echo "$v"
}

cmd_addresses() {
  set_lab "${1:-}"
  [[ -f $STATE/slot ]] || die "lab $LAB is not up"
  set_mgmt "$(cat "$STATE/slot")"
  cat <<KV
HOME1_TEREDO=$(teredo_addr home1)
HOME2_TEREDO=$(teredo_addr home2)
NAT1_PUBLIC=203.0.113.11
NAT2_PUBLIC=203.0.113.12
NAT1_TYPE=$(opt NAT1)
NAT2_TYPE=$(opt NAT2)
SERVICE_V4=203.0.113.10
SERVICE_V6=2001:db8:100::10
RELAY_V4=203.0.113.30
RELAY_V6=2001:db8:100::30
TEREDO_SERVER=198.51.100.1
TEREDO_RELAY=198.51.100.20
HOME1_MGMT=$HOME1_MGMT
HOME2_MGMT=$HOME2_MGMT
ROOT_MGMT1=$ROOT_MGMT1
ROOT_MGMT2=$ROOT_MGMT2
ROOT_MGMT1_IF=$ROOT_IF1
ROOT_MGMT2_IF=$ROOT_IF2
NS_INET=$(ns inet)
NS_NAT1=$(ns nat1)
NS_NAT2=$(ns nat2)
NS_HOME1=$(ns home1)
NS_HOME2=$(ns home2)
IPV6=$(opt IPV6)
KV
  local i
  for i in 1 2; do
    echo "HOME${i}_V4=10.$i.0.2"
    echo "GATEWAY$i=$(opt "GATEWAY$i")"
    if [[ $(opt "GATEWAY$i") == upnp ]]; then
      echo "GATEWAY${i}_LAN=10.$i.0.1"
      echo "GATEWAY${i}_UPNP_URL=http://10.$i.0.1:5000/rootDesc.xml"
      echo "GATEWAY${i}_PCP_PORT=5351"
      echo "GATEWAY${i}_STUN=203.0.113.3:3478"
    fi
    if [[ $(opt IPV6) == 1 ]]; then
      echo "HOME${i}_V6=2001:db8:$i::2"
      echo "HOME${i}_V6_PREFIX=2001:db8:$i::/64"
      echo "NAT${i}_LAN_V6=2001:db8:$i::1"
      echo "NAT${i}_PUBLIC_V6=2001:db8:100::1$i"
      echo "V6FW$i=$(opt "V6FW$i")"
    fi
  done
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
# portmap / selftest

# A NAT-PMP (RFC 6886) and PCP (RFC 6887, MAP opcode) client. The PCP nonce is derived from
# the client address, protocol and internal port: miniupnpd only deletes (or renews) a PCP
# mapping when asked with the nonce that created it (else result 2, NOT_AUTHORIZED).
write_pmp_client() {
  cat >"$STATE/pmp.py" <<'PY'
import hashlib, ipaddress, socket, struct, sys
kind, gw, client, proto, iport, eport, life = sys.argv[1:8]
iport, eport, life = int(iport), int(eport), int(life)
pnum = 6 if proto == "tcp" else 17
sock = socket.socket(socket.AF_INET6 if ":" in gw else socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(2)
if kind == "natpmp":
    sock.sendto(struct.pack("!BBHHHI", 0, 2 if pnum == 6 else 1, 0, iport, eport, life), (gw, 5351))
    ver, op, rc, _, ip_, ep, lt = struct.unpack("!BBHIHHI", sock.recv(64)[:16])
    sock.sendto(b"\x00\x00", (gw, 5351))        # public address request
    public = socket.inet_ntoa(sock.recv(64)[8:12])
    print(f"protocol=natpmp version={ver} opcode={op} result={rc} internal_port={ip_} "
          f"external_port={ep} lifetime={lt} external_ip={public}")
else:
    cip = ipaddress.ip_address(client)
    cbytes = (ipaddress.IPv6Address("::ffff:" + client) if cip.version == 4 else cip).packed
    anyext = ipaddress.IPv6Address("::ffff:0.0.0.0" if cip.version == 4 else "::").packed
    nonce = hashlib.sha256(f"{client}/{proto}/{iport}".encode()).digest()[:12]
    req = struct.pack("!BBHI16s", 2, 1, 0, life, cbytes) + nonce
    req += struct.pack("!B3xHH16s", pnum, iport, eport, anyext)
    sock.sendto(req, (gw, 5351))
    data = sock.recv(1100)
    ver, op, rc, lt, _ = struct.unpack("!BBxBII", data[:12])
    n2, _, ip2, ep2, ext = struct.unpack("!12sB3xHH16s", data[24:60])
    ext = ipaddress.IPv6Address(ext)
    print(f"protocol=pcp version={ver} opcode={op:#x} result={rc} internal_port={ip2} "
          f"external_port={ep2} lifetime={lt} external_ip={ext.ipv4_mapped or ext} "
          f"nonce_ok={n2 == nonce}")
PY
}

cmd_portmap() {
  set_lab "${1:-}"
  [[ -f $STATE/slot ]] || die "lab $LAB is not up"
  local home=${2:-} kind=${3:-} proto=${4:-} iport=${5:-} eport=${6:-} life=${7:-}
  [[ $home == home1 || $home == home2 ]] || die "HOME must be home1 or home2"
  local i=${home#home}
  [[ $(opt "GATEWAY$i") == upnp ]] || die "nat$i has no gateway (up with GATEWAY$i=upnp)"
  [[ $kind == natpmp || $kind == pcp || $kind == pcp6 ]] || die "kind must be natpmp, pcp or pcp6"
  [[ $proto == tcp || $proto == udp ]] || die "PROTO must be tcp or udp"
  [[ $iport =~ ^[0-9]+$ && $eport =~ ^[0-9]+$ && $life =~ ^[0-9]+$ ]] ||
    die "usage: $0 portmap LAB HOME natpmp|pcp|pcp6 PROTO IPORT EPORT LIFETIME"
  local gw=10.$i.0.1 client=10.$i.0.2
  if [[ $kind == pcp6 ]]; then
    [[ $(opt IPV6) == 1 ]] || die "pcp6 needs a lab up with IPV6=1"
    gw=2001:db8:$i::1 client=2001:db8:$i::2 kind=pcp
  fi
  [[ -f $STATE/pmp.py ]] || write_pmp_client
  nsx "$home" python3 "$STATE/pmp.py" "$kind" "$gw" "$client" "$proto" "$iport" "$eport" "$life"
}

http_code() { # home url -> the HTTP status curl got, or 000 if it could not connect
  nsx "$1" curl -s -m 3 -o /dev/null -w '%{http_code}' "$2" 2>/dev/null || true
}

expect() { # what want(open|closed) home url
  local got; got=$(http_code "$3" "$4")
  if [[ ($2 == open && $got == 200) || ($2 == closed && $got != 200) ]]; then
    echo "ok   $1 ($3 -> $4: $2)"
  else
    echo "FAIL $1 ($3 -> $4: want $2, got HTTP $got)"; SELFTEST_FAILED=1
  fi
}

cmd_selftest() {
  set_lab "${1:-}"
  [[ -f $STATE/slot ]] || die "lab $LAB is not up"
  SELFTEST_FAILED=0
  local pids=() n i j
  # HTTP listeners on port 7380 (both families): relay host in inet, each home.
  for n in inet home1 home2; do
    setsid ip netns exec "$(ns "$n")" python3 -m http.server -b :: 7380 </dev/null &>/dev/null &
    pids+=($!)
  done
  for n in inet home1 home2; do wait_for "a listener in $n" 10 tcp_listening "$n" 7380; done
  for i in 1 2; do
    expect "relay over IPv4" open "home$i" http://203.0.113.30:7380/
    expect "relay over IPv6" open "home$i" "http://[2001:db8:100::30]:7380/"
  done
  for i in 1 2; do
    j=$((3 - i))
    expect "nat$i drops unsolicited IPv4" closed "home$j" "http://203.0.113.1$i:7380/"
    if [[ $(opt IPV6) == 1 ]]; then
      if [[ $(opt "V6FW$i") == 1 ]]; then
        expect "nat$i's IPv6 firewall" closed "home$j" "http://[2001:db8:$i::2]:7380/"
      else
        expect "nat$i forwards IPv6" open "home$j" "http://[2001:db8:$i::2]:7380/"
      fi
    fi
    [[ $(opt "GATEWAY$i") == upnp ]] || continue
    local url=http://10.$i.0.1:5000/rootDesc.xml e=4${i}001
    nsx "home$i" upnpc -u "$url" -e netlab -a "10.$i.0.2" 7380 "$e" TCP >/dev/null 2>&1 || true
    expect "UPnP mapping $e" open "home$j" "http://203.0.113.1$i:$e/"
    nsx "home$i" upnpc -u "$url" -d "$e" TCP >/dev/null 2>&1 || true
    expect "UPnP mapping $e deleted" closed "home$j" "http://203.0.113.1$i:$e/"
    e=4${i}002
    cmd_portmap "$LAB" "home$i" natpmp tcp 7380 "$e" 600 >/dev/null || true
    expect "NAT-PMP mapping $e" open "home$j" "http://203.0.113.1$i:$e/"
    cmd_portmap "$LAB" "home$i" natpmp tcp 7380 0 0 >/dev/null || true
    expect "NAT-PMP mapping $e deleted" closed "home$j" "http://203.0.113.1$i:$e/"
    e=4${i}003
    cmd_portmap "$LAB" "home$i" pcp tcp 7380 "$e" 600 >/dev/null || true
    expect "PCP mapping $e" open "home$j" "http://203.0.113.1$i:$e/"
    cmd_portmap "$LAB" "home$i" pcp tcp 7380 "$e" 0 >/dev/null || true
    expect "PCP mapping $e deleted" closed "home$j" "http://203.0.113.1$i:$e/"
    if [[ $(opt IPV6) == 1 && $(opt "V6FW$i") == 1 ]]; then
      cmd_portmap "$LAB" "home$i" pcp6 tcp 7380 7380 600 >/dev/null || true
      expect "PCP IPv6 pinhole" open "home$j" "http://[2001:db8:$i::2]:7380/"
      cmd_portmap "$LAB" "home$i" pcp6 tcp 7380 7380 0 >/dev/null || true
      expect "PCP IPv6 pinhole deleted" closed "home$j" "http://[2001:db8:$i::2]:7380/"
    fi
  done
  kill_pids "${pids[@]}"
  ((SELFTEST_FAILED == 0)) || die "selftest failed"
  echo "selftest passed"
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

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }

cmd=${1:-}
shift || true
case $cmd in
  check) cmd_check ;;
  install) cmd_install ;;
  up) cmd_up "$@" ;;
  down) cmd_down "$@" ;;
  addresses) cmd_addresses "$@" ;;
  exec) cmd_exec "$@" ;;
  portmap) cmd_portmap "$@" ;;
  selftest) cmd_selftest "$@" ;;
  -h | --help | help) usage 0 ;;
  *) usage ;;
esac

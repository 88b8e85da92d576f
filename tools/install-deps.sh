#!/usr/bin/env bash
# Installs the Debian packages a target needs, when they are missing and we are root.
#   tools/install-deps.sh build   JDK 17 and Maven
#   tools/install-deps.sh test    ... plus headless Chromium and its driver, redis-server (the
#                                 discovery store's Redis tests start their own), Node.js and npm
#                                 (the library's scripts are run and type-checked), openssl (a test
#                                 makes a TLS certificate), and (as root) the network lab's packages
#                                 (tools/netlab.sh install)
#   tools/install-deps.sh bench   ... plus what the benchmarks use
#   tools/install-deps.sh experiments  ... plus Node.js and npm (a baseline server), and the network lab
set -euo pipefail
target=${1:-test}

need=()
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
if [[ $target == test || $target == bench || $target == experiments ]]; then
  [[ -x /usr/bin/chromium ]] || need+=(chromium)
  [[ -x /usr/bin/chromedriver ]] || need+=(chromium-driver)
  [[ -x /usr/bin/redis-server ]] || need+=(redis-server)
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
  command -v openssl >/dev/null 2>&1 || need+=(openssl)
fi
if [[ $target == test || $target == bench || $target == experiments ]]; then
  command -v wrk >/dev/null 2>&1 || need+=(wrk)
fi

if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing Debian packages: ${need[*]}" >&2
    echo "install them with: sudo apt-get install -y ${need[*]}  (or run make as root)" >&2
    exit 1
  fi
  echo "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The Teredo topology test (address-service) builds NATs and miredo Teredo clients in network
# namespaces: as root, netlab.sh installs what it needs (miredo, miniupnpd-nftables, miniupnpc, ...)
# and keeps their system services off.
# Not root: nothing to do, that test skips. Nor does a machine that cannot run the lab (say, no
# /dev/net/tun) fail the other tests: the test skips there too, saying what is missing.
if [[ ($target == test || $target == experiments) && $(id -u) -eq 0 ]]; then
  "$(dirname "$0")/netlab.sh" install ||
    echo "tools/netlab.sh install failed; the network-lab tests will be skipped" >&2
fi

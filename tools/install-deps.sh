#!/usr/bin/env bash
# Installs the Debian packages a target needs, when they are missing and we are root.
#   tools/install-deps.sh build   JDK 17 and Maven
#   tools/install-deps.sh test    ... plus headless Chromium and its driver
#   tools/install-deps.sh bench   ... plus what the benchmarks use
set -euo pipefail
target=${1:-test}

need=()
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
if [[ $target == test || $target == bench ]]; then
  [[ -x /usr/bin/chromium ]] || need+=(chromium)
  [[ -x /usr/bin/chromedriver ]] || need+=(chromium-driver)
fi

if ((${#need[@]} == 0)); then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "missing Debian packages: ${need[*]}" >&2
  echo "install them with: sudo apt-get install -y ${need[*]}  (or run make as root)" >&2
  exit 1
fi
echo "installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

#!/bin/bash
# Installs what the guest harness (e2e/guest) and the node agent's kernel tests need on a fresh
# Debian bookworm machine, as root. Idempotent: packages already present are not fetched again,
# and `apt-get update` runs only when something is missing.
#
#   user-mode-linux  the guest kernel (linux.uml 6.1, IPVS and its schedulers as modules)
#   ipvsadm          oracle for IPVS scenarios in the guest
#   busybox-static   PID 1 of the guest (e2e/guest/init.sh) and httpd for traffic scenarios
#   kmod             modprobe inside the guest
#   iproute2         ip / ip netns (oracle and test topology, host and guest)
#   tcpdump          raw capture oracle for gratuitous ARP / unsolicited NA tests
#   iputils-ping     ping oracle (a VIP is reachable; ICMP echo tests)
#   curl             client for traffic scenarios
#   nftables         nft: drop rules in test namespaces (health checks against servers that drop SYNs)
#   procps util-linux time   pgrep, taskset/flock/setsid, /usr/bin/time for the runner
#   gcc libc6-dev    builds xstate-shim.c, which lets UML 6.1 run on hosts with AMX (see the file)
#   python3          the long-lived TCP echo server and client of GuestFailoverTest
#
# Java 25 (/usr/lib/jvm/temurin-25-jdk-amd64) is not a Debian package; it is checked, not installed.
set -euo pipefail
PACKAGES=(user-mode-linux ipvsadm busybox-static kmod iproute2 tcpdump iputils-ping curl nftables procps util-linux time gcc libc6-dev python3)
JAVA_HOME_25=${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}

if [ "$(id -u)" != 0 ]; then
  echo "install-deps: must run as root (apt-get install)" >&2
  exit 1
fi
missing=()
for p in "${PACKAGES[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-deps: all packages present (${PACKAGES[*]})"
fi
command -v linux.uml >/dev/null || { echo "install-deps: linux.uml still missing" >&2; exit 1; }
kver=$(linux.uml --version)
[ -d "/usr/lib/uml/modules/$kver" ] || { echo "install-deps: /usr/lib/uml/modules/$kver missing" >&2; exit 1; }
if [ -x "$JAVA_HOME_25/bin/java" ]; then
  echo "install-deps: Java 25 at $JAVA_HOME_25; UML kernel $kver"
else
  echo "install-deps: WARNING: no Java 25 at $JAVA_HOME_25 (the build and the guest scenarios need it)" >&2
  exit 1
fi

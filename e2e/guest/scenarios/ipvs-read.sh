#!/bin/bash
# The agent's periodic read of the IPVS table on a real kernel: /proc/net/ip_vs agrees with netlink, the cheap read
# equals a full read after changes by hand, and figures for both. CI runs it at 1,000 services; the figures for
# docs/benchmarks.md at 10,000:
#   a script that sets IPVS_READ_SERVICES=10000 and sources this one, run with MEM=2048 TIMEOUT=900
#   (the guest does not inherit the host's environment)
. "$LVS_GUEST_DIR/lib.sh"
check "modprobe ip_vs" modprobe ip_vs
check "namespace read" ip netns add read
ip netns exec read ip link set lo up
LVS_JAVA_OPTS="-XX:+UseSerialGC -XX:-UsePerfData -Xmx768m"
guest_java io.lvs.e2e.guest.programs.IpvsRead read "${IPVS_READ_SERVICES:-1000}" "${IPVS_READ_REPEATS:-5}"
finish

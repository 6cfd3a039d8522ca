#!/bin/bash
# Benchmark (figures, not a timed test): 10,000 services x 10 destinations from empty and a 1 % change,
# through the library and through ipvsadm -R, side by side in one guest run. Run it by hand:
#   MEM=2048 TIMEOUT=1200 e2e/guest/run-scenario.sh ipvs-bench
# A smaller run: a script that sets IPVS_BENCH_SERVICES=1000 and sources this one.
. "$LVS_GUEST_DIR/lib.sh"
check "modprobe ip_vs" modprobe ip_vs
for ns in bench-lib bench-adm; do check "namespace $ns" ip netns add $ns; ip netns exec $ns ip link set lo up; done
# (lo must be up: IPVS answers EINVAL to IPv4 destinations in a namespace whose loopback is down)
log "$(ipvsadm --version 2>&1); kernel $(uname -r); $(nproc) CPU; $(free -m | awk '/Mem:/{print $2}') MiB"
# the whole JIT (no TieredStopAtLevel=1): this run is CPU-bound for long enough to pay for C2
LVS_JAVA_OPTS="-XX:+UseSerialGC -XX:-UsePerfData -Xmx768m"
guest_java io.lvs.e2e.guest.programs.IpvsBench bench-lib bench-adm "${IPVS_BENCH_SERVICES:-10000}"
finish

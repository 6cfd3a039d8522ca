#!/bin/bash
# IPVS conformance: the library programs every scheduler, forwarding method, tunnel, persistence,
# IPv6, threshold, fwmark and one-packet feature; reads it back; ipvsadm -Ln lists the same; changes
# happen in place; a one-destination change is one netlink request; a foreign service is left alone.
. "$LVS_GUEST_DIR/lib.sh"
check "modprobe ip_vs" modprobe ip_vs
NS=ipvs-conf
check "namespace $NS" ip netns add $NS
ip netns exec $NS ip link set lo up
# an entry some other tool made: the library must leave it alone
check "a foreign service made by ipvsadm" ip netns exec $NS ipvsadm -A -t 192.0.2.99:80 -s rr
guest_java io.lvs.e2e.guest.programs.IpvsConformance $NS
expect "the foreign service is still there" '^TCP  192\.0\.2\.99:80 rr' ip netns exec $NS ipvsadm -Ln
finish

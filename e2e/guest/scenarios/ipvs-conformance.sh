#!/bin/bash
# IPVS conformance: the library programs every scheduler, forwarding method, tunnel, persistence,
# IPv6, threshold, fwmark and one-packet feature; reads it back; ipvsadm -Ln lists the same; changes
# happen in place; a one-destination change is one netlink request; a foreign service is left alone.
# Then refusals: mixed address families, sync daemons, a missing persistence engine, the loopback hint.
. "$LVS_GUEST_DIR/lib.sh"
check "modprobe ip_vs" modprobe ip_vs
NS=ipvs-conf
check "namespace $NS" ip netns add $NS
ip netns exec $NS ip link set lo up
# an entry some other tool made: the library must leave it alone
check "a foreign service made by ipvsadm" ip netns exec $NS ipvsadm -A -t 192.0.2.99:80 -s rr
# refusals: one namespace with lo up and a veth for a sync daemon, one with no IPv4 address at all
check "namespace ipvs-refuse" ip netns add ipvs-refuse
ip netns exec ipvs-refuse ip link set lo up
check "a veth for the sync daemon" ip -n ipvs-refuse link add sync0 type veth peer name sync1
ip -n ipvs-refuse link set sync0 up; ip -n ipvs-refuse link set sync1 up
check "namespace ipvs-bare, lo down" ip netns add ipvs-bare
guest_java io.lvs.e2e.guest.programs.IpvsConformance $NS ipvs-refuse ipvs-bare
expect "the foreign service is still there" '^TCP  192\.0\.2\.99:80 rr' ip netns exec $NS ipvsadm -Ln
finish

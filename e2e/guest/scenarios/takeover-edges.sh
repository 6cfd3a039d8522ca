#!/bin/bash
# The kernel edges of a VIP takeover on the guest kernel: a client whose neighbour entries for the
# VIPs point at an old MAC reaches them after the director adds them (rtnetlink) and announces them
# (gratuitous ARP, unsolicited NA), probed with the ICMP prober.
. "$LVS_GUEST_DIR/lib.sh"
OLD_MAC=02:00:5e:00:53:99
ip netns add dir
ip netns add client
check "veth between director and client" ip link add eth0 netns dir type veth peer name eth0 netns client
for ns in dir client; do ip -n $ns link set lo up; ip -n $ns link set eth0 up; done
ip -n dir addr add 192.0.2.1/24 dev eth0
ip -n client addr add 192.0.2.2/24 dev eth0
ip -n dir addr add 2001:db8::1/64 dev eth0 nodad
ip -n client addr add 2001:db8::2/64 dev eth0 nodad
ip -n client neigh replace 192.0.2.10 lladdr $OLD_MAC dev eth0 nud reachable
ip -n client -6 neigh replace 2001:db8::10 lladdr $OLD_MAC dev eth0 nud reachable
DIR_MAC=$(ip netns exec dir cat /sys/class/net/eth0/address)
log "director MAC $DIR_MAC"
guest_java io.lvs.e2e.guest.programs.TakeoverEdges dir client
expect "client ARP entry moved to the director" "lladdr $DIR_MAC" ip -n client neigh show 192.0.2.10 dev eth0
expect "client IPv6 neighbour entry moved to the director" "lladdr $DIR_MAC" ip -n client -6 neigh show 2001:db8::10 dev eth0
finish

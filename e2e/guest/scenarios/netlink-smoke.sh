#!/bin/bash
# The netlink core in a kernel with IPVS: Java resolves the IPVS generic netlink family after
# modprobe ip_vs, and the rtnetlink handle adds VIPs to lo in a guest namespace (ip addr checks).
. "$LVS_GUEST_DIR/lib.sh"
check "modprobe ip_vs" modprobe ip_vs
check "namespace vip created" ip netns add vip
ip -n vip link set lo up
guest_java io.lvs.e2e.guest.programs.NetlinkSmoke vip
expect "ip addr shows the IPv4 VIP on lo" 'inet 203\.0\.113\.10/32 scope global lo' ip -n vip addr show dev lo
expect "ip addr shows the IPv6 VIP on lo" 'inet6 2001:db8::10/128 scope global' ip -n vip addr show dev lo
finish

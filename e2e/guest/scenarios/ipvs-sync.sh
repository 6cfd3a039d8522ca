#!/bin/bash
# IPVS connection sync: a master daemon in director A, a backup in director B (both started and read
# back through the library); a client connection through A appears in B's connection table.
. "$LVS_GUEST_DIR/lib.sh"
check "modprobe ip_vs" modprobe ip_vs
NS() { ip netns exec "$@"; }
plug() { ip link add "v-$1" type veth peer name eth0 netns "$1"; ip link set "v-$1" master br0 up
         NS "$1" ip addr add "$2" dev eth0; NS "$1" ip link set eth0 up; }
topology() {
  ip link add br0 type bridge mcast_snooping 0 && ip link set br0 up || return 1
  for ns in client dira dirb rs1; do ip netns add $ns && NS $ns ip link set lo up || return 1; done
  plug client 192.0.2.10/24; plug dira 192.0.2.2/24; plug dirb 192.0.2.3/24; plug rs1 192.0.2.11/24
  NS dira ip addr add 192.0.2.100/32 dev eth0          # A is the active director: it holds the VIP
  NS rs1 sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
  NS rs1 ip addr add 192.0.2.100/32 dev lo
  mkdir -p /tmp/www-rs1 && echo rs1 > /tmp/www-rs1/index.html && NS rs1 busybox httpd -p 80 -h /tmp/www-rs1
}
check "topology: client, directors A and B, rs1" topology
guest_java io.lvs.e2e.guest.programs.IpvsSync dira dirb client
finish

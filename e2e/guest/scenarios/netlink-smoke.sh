#!/bin/bash
# The netlink core in a kernel with IPVS: Java resolves the IPVS generic netlink family after
# modprobe ip_vs.
. "$LVS_GUEST_DIR/lib.sh"
check "modprobe ip_vs" modprobe ip_vs
guest_java io.lvs.e2e.guest.programs.NetlinkSmoke
finish

#!/bin/bash
# Kernel parameters of a director, IPVS ones included, set and restored inside a guest namespace
# (the host kernel has no net.ipv4.vs.*). The Java program loads ip_vs itself, after checking that
# the parameters are reported absent, with the reason, while it is not loaded.
. "$LVS_GUEST_DIR/lib.sh"
check "namespace dir created" ip netns add dir
guest_java io.lvs.e2e.guest.programs.VsSysctls dir
finish

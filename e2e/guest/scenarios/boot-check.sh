#!/bin/bash
# Smallest scenario: the guest kernel boots, loads ip_vs and runs Java 25. Use it to check a machine.
. "$LVS_GUEST_DIR/lib.sh"
check "modprobe ip_vs" modprobe ip_vs
expect "ip_vs in /proc/net" "IP Virtual Server version" cat /proc/net/ip_vs
expect "java 25 runs" 'version "25' "$LVS_JAVA_HOME/bin/java" -XX:-UsePerfData -version
finish

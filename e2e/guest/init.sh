#!/bin/busybox sh
# PID 1 of the guest (User-mode Linux). The kernel mounted the host's / read-only through hostfs.
# Stage 1 (busybox, as init): overlay = host / (read-only) + tmpfs, modules linked where modprobe
# looks, the host run directory mounted read-write at /vmresults, pivot_root into the overlay.
# Stage 2 (bash, "$0 --scenario" inside the new root): run the scenario named in
# /vmresults/scenario.env, keep its output in /vmresults/scenario.log and its exit status in
# /vmresults/scenario.exit, power off.
BB=/bin/busybox
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH HOME=/root TERM=dumb LANG=C.UTF-8

if [ "${1:-}" = --scenario ]; then
  # stage 2, under bash, root is the overlay
  $BB umount -l /.oldroot 2>/dev/null
  ip link set lo up 2>/dev/null
  # shellcheck disable=SC1091
  . /vmresults/scenario.env
  echo "[init] scenario $LVS_SCENARIO starting at $($BB cut -d' ' -f1 /proc/uptime)s"
  cd "$LVS_ROOT" || echo "[init] cannot cd to $LVS_ROOT"
  /bin/bash "$LVS_SCENARIO_SCRIPT" </dev/null 2>&1 | $BB tee /vmresults/scenario.log
  rc=${PIPESTATUS[0]}
  echo "$rc" > /vmresults/scenario.exit
  echo "[init] scenario exit=$rc at $($BB cut -d' ' -f1 /proc/uptime)s"
  sync
  $BB poweroff -f
fi

$BB mount -t proc proc /proc
KVER=$($BB uname -r)
echo "[init] kernel $KVER up at $($BB cut -d' ' -f1 /proc/uptime)s"
RESDIR=
for w in $($BB cat /proc/cmdline); do
  case "$w" in lvs_results=*) RESDIR="${w#lvs_results=}" ;; esac
done
die() { echo "[init] FATAL: $*"; $BB poweroff -f; }
[ -n "$RESDIR" ] || die "no lvs_results= on the kernel command line"
$BB mount -t sysfs sys /sys
$BB grep -q ' /dev ' /proc/mounts || $BB mount -t devtmpfs dev /dev
# The overlay's upper layer lives in guest RAM: every write outside /vmresults vanishes at halt.
$BB mount -t tmpfs -o size=2g,mode=755 tmpfs /tmp || die "tmpfs on /tmp"
$BB insmod "/usr/lib/uml/modules/$KVER/kernel/fs/overlayfs/overlay.ko" || die "insmod overlay"
$BB mkdir -p /tmp/.ov/up /tmp/.ov/work /tmp/.ov/root
$BB mount -t overlay overlay -o lowerdir=/,upperdir=/tmp/.ov/up,workdir=/tmp/.ov/work /tmp/.ov/root || die "overlay"
R=/tmp/.ov/root
# The host has no /lib/modules for this kernel; the UML package ships its tree (with modules.dep).
$BB mkdir -p "$R/lib/modules" "$R/vmresults" "$R/.oldroot"
$BB rm -rf "$R/lib/modules/$KVER"
$BB ln -s "/usr/lib/uml/modules/$KVER" "$R/lib/modules/$KVER"
$BB mount -t hostfs -o "$RESDIR" hostfs "$R/vmresults" || die "hostfs mount of $RESDIR"
for d in proc sys dev; do $BB mount --move "/$d" "$R/$d"; done
$BB ln -sf /proc/self/fd "$R/dev/fd"
$BB mkdir -p "$R/dev/pts" "$R/dev/shm"
$BB mount -t devpts devpts "$R/dev/pts"
$BB mount -t tmpfs tmpfs "$R/dev/shm"
# /tmp and /run of the host are not the guest's: fresh tmpfs (ip netns needs a writable /run).
for d in tmp run; do $BB mount -t tmpfs -o mode=1777 tmpfs "$R/$d"; done
$BB hostname guest
cd "$R" || die "cd $R"
$BB pivot_root . .oldroot || die "pivot_root"
echo "[init] root ready at $($BB cut -d' ' -f1 /proc/uptime)s"
exec $BB chroot . /bin/bash "$0" --scenario

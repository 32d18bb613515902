#!/usr/bin/env bash
# Builds the lab guest image, or finds it already built, and prints its folder.
#
# The guest is Debian 12 with the pieces this build machine's kernel and PID 1 lack: the st tape driver (tgt's
# tape emulation seen over iSCSI on 127.0.0.1), md, device-mapper (LVM raid1), systemd as PID 1 and cron, plus
# PostgreSQL 15 for the scheduled jobs and the .NET runtime copied from this machine. The product is NOT in the
# image: it changes with every commit, so the lab shares it into the guest read-only at every boot.
#
# The image is cached under a key made of everything that went into it: this script, the package lists, the
# files under rootfs/ and the .NET runtime's version. A run with the same key only boots. The cache lives
# outside the source tree (CLUSTERBACKUP_LAB_CACHE, default /var/cache/clusterbackup/lab) so it survives a clean
# checkout and is shared by every checkout of the project on the machine; the key makes sharing safe, and a lock
# keeps two builds of the same key from racing.
#
#   build-image.sh           build when missing; the last line printed is the image folder
#   build-image.sh --key     print the key only
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${CLUSTERBACKUP_LAB_CACHE:-/var/cache/clusterbackup/lab}
DOTNET_DIR=${DOTNET_ROOT:-$(dirname "$(readlink -f "$(command -v dotnet)")")}
RUNTIME_VERSION=$(ls "$DOTNET_DIR/shared/Microsoft.NETCore.App" | sort -V | tail -1)
HOSTFXR_VERSION=$(ls "$DOTNET_DIR/host/fxr" | sort -V | tail -1)
SUITE=bookworm

log() { printf '[lab image %s] %s\n' "$(date +%T)" "$*" >&2; }
packages() { grep -v '^\s*#' "$1" | grep -v '^\s*$' | tr '\n' ' '; }

image_key() {
  {
    echo "suite $SUITE runtime $RUNTIME_VERSION hostfxr $HOSTFXR_VERSION"
    sha256sum "$HERE/build-image.sh" "$HERE/packages.txt" "$HERE/late-packages.txt" | awk '{print $1}'
    (cd "$HERE/rootfs" && find . -type f | LC_ALL=C sort | while read -r f; do
       echo "$f $(stat -c %a "$f") $(sha256sum < "$f" | awk '{print $1}')"; done)
  } | sha256sum | cut -c1-16
}

KEY=$(image_key)
if [ "${1:-}" = "--key" ]; then echo "$KEY"; exit 0; fi
IMAGE="$CACHE/images/$KEY"
if [ -f "$IMAGE/ready" ]; then echo "$IMAGE"; exit 0; fi

mkdir -p "$CACHE/images" "$CACHE/debs"
exec 9>"$CACHE/images/.$KEY.lock"
flock 9
if [ -f "$IMAGE/ready" ]; then echo "$IMAGE"; exit 0; fi

for tool in debootstrap mkfs.ext4 qemu-system-x86_64 ssh-keygen; do
  command -v "$tool" >/dev/null || { log "missing $tool (./build.sh installs qemu-system-x86, debootstrap, openssh-client)"; exit 1; }
done

STAGE="$CACHE/images/.$KEY.build"
ROOT="$STAGE/rootfs"
rm -rf "$STAGE"; mkdir -p "$STAGE"
LOG="$STAGE/build.log"
cleanup() {
  for m in var/cache/apt/archives dev/pts dev proc sys; do mountpoint -q "$ROOT/$m" 2>/dev/null && umount -l "$ROOT/$m"; done
  return 0
}
trap cleanup EXIT
started=$(date +%s)

# The mirror apt already uses here.
MIRROR=$(grep -h -m1 '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -1 || true)
[ -n "$MIRROR" ] || MIRROR=$(grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | grep -v security | awk '{print $2}' | head -1)

log "building image $KEY (debootstrap $SUITE from $MIRROR; log $LOG)"
include=$(packages "$HERE/packages.txt" | tr ' ' ',' | sed 's/,$//')
if ! debootstrap --variant=minbase --cache-dir="$CACHE/debs" --include="$include" "$SUITE" "$ROOT" "$MIRROR" >>"$LOG" 2>&1; then
  tail -30 "$LOG" >&2; exit 1
fi

log "configuring the guest"
cp -a "$HERE/rootfs/." "$ROOT/"
chown -R root:root "$ROOT/etc" "$ROOT/usr/local"
mount -t proc proc "$ROOT/proc"; mount -t sysfs sys "$ROOT/sys"
mount --bind /dev "$ROOT/dev"; mount --bind /dev/pts "$ROOT/dev/pts"
# Nothing starts inside the build; the guest starts what it needs when it boots.
printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d"; chmod +x "$ROOT/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
# The same download cache as debootstrap's, so a rebuild downloads nothing it already has.
mkdir -p "$CACHE/debs/partial"; mount --bind "$CACHE/debs" "$ROOT/var/cache/apt/archives"
late=$(packages "$HERE/late-packages.txt")
if ! chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $late >>"$LOG" 2>&1; then
  tail -30 "$LOG" >&2; exit 1
fi
umount "$ROOT/var/cache/apt/archives"
rm -f "$ROOT/usr/sbin/policy-rc.d"
cleanup

# The .NET runtime of this machine (the product is framework-dependent); /etc/dotnet/install_location tells
# the product's launcher where it is.
mkdir -p "$ROOT/usr/share/dotnet/host/fxr" "$ROOT/usr/share/dotnet/shared/Microsoft.NETCore.App"
cp -a "$DOTNET_DIR/dotnet" "$ROOT/usr/share/dotnet/"
cp -a "$DOTNET_DIR/host/fxr/$HOSTFXR_VERSION" "$ROOT/usr/share/dotnet/host/fxr/"
cp -a "$DOTNET_DIR/shared/Microsoft.NETCore.App/$RUNTIME_VERSION" "$ROOT/usr/share/dotnet/shared/Microsoft.NETCore.App/"
ln -sf /usr/share/dotnet/dotnet "$ROOT/usr/bin/dotnet"
ln -sf /opt/clusterbackup/clusterbackup "$ROOT/usr/local/bin/clusterbackup"
mkdir -p "$ROOT/opt/clusterbackup" "$ROOT/opt/lab-harness" "$ROOT/var/lab"

# Boot fast and quietly: networking by systemd-networkd (qemu's user network answers DHCP), ssh with a key made
# for this image, no timers of the distribution's own, and the services the lab starts itself left disabled.
chroot "$ROOT" systemctl enable systemd-networkd >>"$LOG" 2>&1
chroot "$ROOT" systemctl disable tgt iscsid.socket open-iscsi postgresql >>"$LOG" 2>&1 || true
chroot "$ROOT" systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service \
  fstrim.timer man-db.timer dpkg-db-backup.timer getty@tty1.service mdmonitor-oneshot.timer mdcheck_start.timer \
  mdcheck_continue.timer >>"$LOG" 2>&1 || true
chroot "$ROOT" passwd -l root >/dev/null
mkdir -p "$ROOT/root/.ssh"
ssh-keygen -q -t ed25519 -N '' -C "lab-$KEY" -f "$STAGE/lab_key"
cp "$STAGE/lab_key.pub" "$ROOT/root/.ssh/authorized_keys"
chmod 700 "$ROOT/root/.ssh"; chmod 600 "$ROOT/root/.ssh/authorized_keys"
: > "$ROOT/etc/machine-id"
rm -f "$ROOT/etc/resolv.conf"

cp "$ROOT"/boot/vmlinuz-* "$STAGE/vmlinuz"
cp "$ROOT"/boot/initrd.img-* "$STAGE/initrd.img"
log "making the root file system image"
truncate -s 6G "$STAGE/root.img"
mkfs.ext4 -q -F -L labroot -d "$ROOT" "$STAGE/root.img"
{
  echo "key $KEY"
  echo "built $(date -u +%FT%TZ) in $(( $(date +%s) - started )) s"
  echo "runtime Microsoft.NETCore.App $RUNTIME_VERSION"
  echo "kernel $(basename "$(ls "$ROOT"/boot/vmlinuz-*)")"
  echo "postgresql $(ls "$ROOT/usr/lib/postgresql")"
  echo "used $(du -sh --apparent-size "$ROOT" | cut -f1)"
} > "$STAGE/manifest.txt"
rm -rf "$ROOT"
touch "$STAGE/ready"
mv "$STAGE" "$IMAGE"
log "image $KEY ready in $(( $(date +%s) - started )) s"
echo "$IMAGE"

#!/bin/bash
# Enters a stage's root filesystem: chroot-enter.sh ROOTFS COMMAND [ARG...]
# Strata runs it inside `unshare --mount`: the mounts made here belong to that private mount
# namespace and vanish with it, so no step, however it ends, can leave a chroot mount behind.
# chroot-enter.sh --tidy ROOTFS removes the build-time files again before a stage image is sealed.
set -euo pipefail

readonly POLICY=usr/sbin/policy-rc.d
readonly PROXY_CONF=etc/apt/apt.conf.d/99strata-build-proxy
readonly MARKER='# strata: build-time only'

if [ "${1:-}" = "--tidy" ]; then
	root=$2
	if [ -f "$root/$POLICY" ] && grep -qF "$MARKER" "$root/$POLICY"; then rm -f "$root/$POLICY"; fi
	rm -f "$root/$PROXY_CONF"
	exit 0
fi

root=$1
shift
if [ ! -e "$root/bin/sh" ]; then
	echo "chroot: $root holds no system yet: bootstrap it first (see stages/stage0)" >&2
	exit 1
fi

mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=0755 tmpfs "$root/run"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"

# Name resolution for apt, without writing the host's resolver into the image.
if [ -L "$root/etc/resolv.conf" ]; then
	target=$(readlink "$root/etc/resolv.conf")
	case "$target" in
	/run/*) mkdir -p "$root$(dirname "$target")" && cat /etc/resolv.conf > "$root$target" ;;
	esac
elif [ -f "$root/etc/resolv.conf" ]; then
	mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
fi

# Keep daemons from starting while packages install.
if [ -d "$root/usr/sbin" ] && [ ! -e "$root/$POLICY" ]; then
	printf '#!/bin/sh\n%s\nexit 101\n' "$MARKER" > "$root/$POLICY"
	chmod 0755 "$root/$POLICY"
fi
if [ -n "${APT_PROXY:-}" ] && [ -d "$root/etc/apt/apt.conf.d" ]; then
	printf '%s\nAcquire::http::Proxy "%s";\n' "$MARKER" "$APT_PROXY" > "$root/$PROXY_CONF"
fi

personality=()
case "${TARGET_ARCH:-}" in
i386 | armhf) personality=(setarch linux32) ;;
esac

exec "${personality[@]}" chroot "$root" /usr/bin/env \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true \
	"$@"

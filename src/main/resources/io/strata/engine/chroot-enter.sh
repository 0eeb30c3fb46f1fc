#!/bin/bash
# Enters a stage's root filesystem: chroot-enter.sh ROOTFS COMMAND [ARG...]
# Strata runs it inside `unshare --mount`: the mounts made here belong to that private mount
# namespace and vanish with it, so no step, however it ends, can leave a chroot mount behind.
#
# chroot-enter.sh --tidy ROOTFS, also inside `unshare --mount`, ends a stage before its image is
# sealed: it builds the initramfs once if any step asked for it, then removes the build-time files.
set -euo pipefail

readonly POLICY=usr/sbin/policy-rc.d
readonly PROXY_CONF=etc/apt/apt.conf.d/99strata-build-proxy
# dpkg without fsync while a stage runs: a crash loses the stage anyway (it has no done marker).
readonly UNSAFE_IO_CONF=etc/dpkg/dpkg.cfg.d/99strata-unsafe-io
# While a stage runs, update-initramfs is diverted (dpkg-divert) and replaced by a stub that only
# notes the request: a kernel, firmware or hook package asks for a new initramfs each time it
# installs, and under qemu-user each run costs minutes. Kernel hooks call it with PATH=/usr/bin:/sbin:/bin.
readonly INITRAMFS_STUB=usr/sbin/update-initramfs
readonly INITRAMFS_REAL=/usr/sbin/update-initramfs.strata-deferred
readonly INITRAMFS_PENDING=var/lib/strata/initramfs-pending
readonly MARKER='# strata: build-time only'

tidy=0
if [ "${1:-}" = "--tidy" ]; then
	tidy=1
	shift
fi
root=$1
shift
if [ ! -e "$root/bin/sh" ]; then
	[ "$tidy" = 1 ] && exit 0
	echo "chroot: $root holds no system yet: bootstrap it first (see stages/stage0)" >&2
	exit 1
fi

# This namespace starts as a copy of every host mount, other builds' stage images (loop devices)
# and FUSE files among them. Holding those copies would keep them busy after their own build lets
# them go, so they are detached here, in this namespace only; this stage's root stays.
for_other_images() {
	findmnt -rn -o TARGET,SOURCE,FSTYPE | while read -r target source fstype; do
		case "$source:$fstype" in
		/dev/loop*:* | *:fuse | *:fuse.*) ;;
		*) continue ;;
		esac
		case "$target" in
		"$root" | "$root"/*) continue ;;
		esac
		printf '%s\n' "$target"
	done
}
for_other_images | sort -r | while read -r target; do
	umount -l "$target" 2> /dev/null || true
done

ours() {
	[ -f "$root/$1" ] && grep -qF "$MARKER" "$root/$1"
}

mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=0755 tmpfs "$root/run"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
# Raspberry Pi firmware hooks refuse to write /boot/firmware unless it is a mount point.
if [ -d "$root/boot/firmware" ]; then
	mount --bind "$root/boot/firmware" "$root/boot/firmware"
fi

# Name resolution for apt, without writing the host's resolver into the image.
if [ -L "$root/etc/resolv.conf" ]; then
	target=$(readlink "$root/etc/resolv.conf")
	case "$target" in
	/run/* | ../run/*) target=/run/${target#*/run/}; mkdir -p "$root$(dirname "$target")" && cat /etc/resolv.conf > "$root$target" ;;
	esac
elif [ -f "$root/etc/resolv.conf" ]; then
	mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
fi

personality=()
case "${TARGET_ARCH:-}" in
i386 | armhf) personality=(setarch linux32) ;;
esac

in_root() {
	"${personality[@]}" chroot "$root" /usr/bin/env -i \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true "$@"
}

if [ "$tidy" = 1 ]; then
	if ours "$INITRAMFS_STUB"; then
		rm -f "$root/$INITRAMFS_STUB"
		in_root dpkg-divert --quiet --local --rename --remove "/$INITRAMFS_STUB"
	fi
	if [ -e "$root/$INITRAMFS_PENDING" ]; then
		for modules in "$root"/lib/modules/*; do
			[ -d "$modules" ] || continue
			version=$(basename "$modules")
			if [ -e "$root/boot/initrd.img-$version" ]; then
				in_root update-initramfs -u -k "$version"
			else
				in_root update-initramfs -c -k "$version"
			fi
		done
		rm -f "$root/$INITRAMFS_PENDING"
		rmdir "$root/$(dirname "$INITRAMFS_PENDING")" 2>/dev/null || true
	fi
	ours "$POLICY" && rm -f "$root/$POLICY"
	rm -f "$root/$PROXY_CONF" "$root/$UNSAFE_IO_CONF"
	exit 0
fi

# Keep daemons from starting while packages install.
if [ -d "$root/usr/sbin" ] && [ ! -e "$root/$POLICY" ]; then
	printf '#!/bin/sh\n%s\nexit 101\n' "$MARKER" > "$root/$POLICY"
	chmod 0755 "$root/$POLICY"
fi
# STRATA_DEFER_INITRAMFS=0 (the live export) leaves update-initramfs alone: live-tools diverts it itself.
if [ "${STRATA_DEFER_INITRAMFS:-1}" = 1 ] && [ -x "$root/usr/bin/dpkg-divert" ] && ! ours "$INITRAMFS_STUB"; then
	in_root dpkg-divert --quiet --local --rename --divert "$INITRAMFS_REAL" --add "/$INITRAMFS_STUB"
	printf '#!/bin/sh\n%s\nmkdir -p /%s && touch /%s\necho "update-initramfs: deferred; Strata builds the initramfs once when the stage ends" >&2\n' \
		"$MARKER" "$(dirname "$INITRAMFS_PENDING")" "$INITRAMFS_PENDING" > "$root/$INITRAMFS_STUB"
	chmod 0755 "$root/$INITRAMFS_STUB"
fi
if [ -d "$root/etc/dpkg/dpkg.cfg.d" ] && [ ! -e "$root/$UNSAFE_IO_CONF" ]; then
	printf '%s\nforce-unsafe-io\n' "$MARKER" > "$root/$UNSAFE_IO_CONF"
fi
# The shared package cache (PACKAGE_CACHE_DIR) stands in for apt's archive directory, so downloaded
# packages are kept for every build and never land in the image. Exports do not get it.
if [ -n "${STRATA_PACKAGE_CACHE:-}" ] && [ -d "$root/var/cache/apt/archives" ]; then
	mkdir -p "$STRATA_PACKAGE_CACHE/partial"
	mount --bind "$STRATA_PACKAGE_CACHE" "$root/var/cache/apt/archives"
fi
if [ -n "${APT_PROXY:-}" ] && [ -d "$root/etc/apt/apt.conf.d" ]; then
	printf '%s\nAcquire::http::Proxy "%s";\n' "$MARKER" "$APT_PROXY" > "$root/$PROXY_CONF"
fi

exec "${personality[@]}" chroot "$root" /usr/bin/env \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true \
	"$@"

#!/bin/bash
# Enters a stage's root filesystem: chroot-enter.sh ROOTFS COMMAND [ARG...]
# Strata runs it inside `unshare --mount`: the mounts made here belong to that private mount
# namespace and vanish with it, so no step, however it ends, can leave a chroot mount behind.
#
# chroot-enter.sh --host ROOTFS COMMAND [ARG...] runs COMMAND outside the chroot, in a namespace
# cleared of other builds' images as below.
#
# chroot-enter.sh --tidy ROOTFS, also inside `unshare --mount`, ends a stage before its image is
# sealed: it builds the initramfs once if any step asked for it, then removes the build-time files
# and empties /tmp.
set -euo pipefail

readonly POLICY=usr/sbin/policy-rc.d
readonly PROXY_CONF=etc/apt/apt.conf.d/99strata-build-proxy
# TEMP_REPO: an extra apt source while building only, one-line (.list) up to bookworm, deb822
# (.sources) from trixie on, as Strata renders it (STRATA_TEMP_REPO, STRATA_TEMP_REPO_FORMAT).
readonly TEMP_REPO_LIST=etc/apt/sources.list.d/00-strata-temp-repo.list
readonly TEMP_REPO_SOURCES=etc/apt/sources.list.d/00-strata-temp-repo.sources
# dpkg without fsync while a stage runs: a crash loses the stage anyway (it has no done marker).
readonly UNSAFE_IO_CONF=etc/dpkg/dpkg.cfg.d/99strata-unsafe-io
# While a stage runs, update-initramfs is diverted (dpkg-divert) and replaced by a stub that only
# notes the request: a kernel, firmware or hook package asks for a new initramfs each time it
# installs, and under qemu-user each run costs minutes. Kernel hooks call it with PATH=/usr/bin:/sbin:/bin.
readonly INITRAMFS_STUB=usr/sbin/update-initramfs
readonly INITRAMFS_REAL=/usr/sbin/update-initramfs.strata-deferred
readonly INITRAMFS_PENDING=var/lib/strata/initramfs-pending
# STRATA_HOST_CA_CERTIFICATES=1 (Strata's own apt-get of a package step, on an emulated target): the
# same for update-ca-certificates, which forks a few programs per certificate and, under qemu-user,
# costs minutes each of the two times a ca-certificates install runs it. It runs once when the
# command ends, on the host (below).
readonly CA_STUB=usr/sbin/update-ca-certificates
readonly CA_REAL=/usr/sbin/update-ca-certificates.strata-deferred
readonly CA_PENDING=var/lib/strata/ca-certificates-pending
readonly MARKER='# strata: build-time only'
# PACKAGE_LOCK: apt's one source while building is the locked repository (STRATA_LOCK_REPO, in the
# package cache), bound read-only below the chroot's /run; the configuration naming it is removed by the tidy.
readonly LOCK_CONF=etc/apt/apt.conf.d/99strata-package-lock

# OFFLINE=1: everything below runs in a network namespace of its own, with nothing but a loopback
# that is down, so no step can reach the network, whatever it tries.
if [ "${STRATA_OFFLINE:-0}" = 1 ] && [ "${STRATA_NETWORK_CUT:-0}" != 1 ]; then
	STRATA_NETWORK_CUT=1 exec unshare --net -- "$0" "$@"
fi

tidy=0
host=0
case "${1:-}" in
--tidy) tidy=1 && shift ;;
--host) host=1 && shift ;;
esac
root=$1
shift
if [ "$host" = 0 ] && [ ! -e "$root/bin/sh" ]; then
	# A stage that ends without a system (its image was released under it, or it never bootstrapped)
	# must not be sealed as if it were whole.
	if [ "$tidy" = 1 ]; then
		echo "chroot: $root holds no system to seal: the stage's image is missing or was never bootstrapped" >&2
	else
		echo "chroot: $root holds no system yet: bootstrap it first (see stages/stage0)" >&2
	fi
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
# --host ROOT COMMAND...: COMMAND runs on the host, in this namespace without the other images
# (the bootstrap runs mmdebstrap so, with the package cache bound into ROOT).
if [ "$host" = 1 ]; then
	exec "$@"
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

# inside PATH: where PATH of the image lies on the host, its symlinks resolved as the image sees
# them (by the image's own realpath, in the chroot, once for every path this script touches).
# Whatever links a stage leaves in the image (/etc/resolv.conf -> ../../.., /usr/sbin -> /),
# nothing written, removed or mounted here lands outside the root.
declare -A resolved_in_root
resolve_paths() {
	local paths=("$@") found=() i
	mapfile -d '' -t found < <(in_root /usr/bin/realpath -z -m -- "${paths[@]}")
	if [ "${#found[@]}" != "${#paths[@]}" ]; then
		echo "chroot: cannot resolve paths inside $root with its realpath" >&2
		exit 1
	fi
	for i in "${!paths[@]}"; do
		case "${found[$i]}" in
		/*) resolved_in_root[${paths[$i]}]=$root${found[$i]%/} ;;
		*) echo "chroot: ${paths[$i]} resolves to ${found[$i]} inside $root" >&2; exit 1 ;;
		esac
	done
}
inside() {
	printf '%s' "${resolved_in_root[$1]:?"chroot-enter.sh: $1 was not resolved"}"
}
resolve_paths /proc /sys /dev /run /tmp /boot/firmware /etc/resolv.conf /var/cache/apt/archives \
	"/$POLICY" "/$PROXY_CONF" "/$LOCK_CONF" "/$UNSAFE_IO_CONF" "/$INITRAMFS_STUB" "/$INITRAMFS_PENDING" "/$TEMP_REPO_LIST" \
	"/$TEMP_REPO_SOURCES" "/$CA_STUB" "/$CA_PENDING" /etc/ssl/certs /etc/ca-certificates.conf \
	/etc/ca-certificates/update.d /usr/share/ca-certificates /usr/local/share/ca-certificates
# The initramfs cache (PACKAGE_CACHE_DIR/initramfs): an initramfs is what mkinitramfs makes of the
# kernel's modules, the firmware, the installed packages and the configuration that steers it, so it
# is kept under a digest of exactly those (by content) and reused by every build that would make the
# same one. Strata computes the digests on the host before the tidy (cache.InitramfsKey) and passes
# them as STRATA_INITRAMFS_KEYS="VERSION=KEY ..."; a kernel without one is built without the cache.
# Under qemu-user one mkinitramfs run costs a Raspberry Pi build 10 minutes.
initramfs_key() {
	local entry
	for entry in ${STRATA_INITRAMFS_KEYS:-}; do
		if [ "${entry%%=*}" = "$1" ]; then
			printf '%s' "${entry#*=}"
			return 0
		fi
	done
}

if [ "$tidy" = 1 ]; then
	resolve_paths /boot /lib/modules
fi

# build_initramfs VERSION: from the cache when it holds this one, else by update-initramfs (then kept).
build_initramfs() {
	local version=$1 initrd key cache="" cached partial
	initrd=$(inside /boot)/initrd.img-$version
	key=$(initramfs_key "$version")
	if [ -n "${STRATA_PACKAGE_CACHE:-}" ] && [ -n "$key" ]; then
		cache=$STRATA_PACKAGE_CACHE/initramfs
		cached=$cache/$key.img
		if [ -f "$cached" ] && [ -f "$cached.sha256" ] &&
			[ "$(sha256sum < "$cached" | cut -d' ' -f1)" = "$(cat "$cached.sha256")" ]; then
			echo "initramfs for $version: reused from the cache ($cached)"
			cp "$cached" "$initrd.new" && mv "$initrd.new" "$initrd"
			# what update-initramfs does after mkinitramfs: the post-update hooks (the Raspberry Pi
			# firmware's copies the initramfs to /boot/firmware)
			sync -f "$initrd"
			# shellcheck disable=SC2016 # the chroot's sh expands $1
			in_root sh -c 'if [ -d /etc/initramfs/post-update.d ]; then
				run-parts --arg="$1" --arg="/boot/initrd.img-$1" /etc/initramfs/post-update.d; fi' sh "$version"
			return 0
		fi
	fi
	# Dated by its kernel (the package's time, the same in every build): mkinitramfs then gives every
	# file in the archive that time and writes them in name order, so one input makes one initramfs.
	local dated
	dated=$(stat -c %Y "$(inside /boot)/vmlinuz-$version" 2>/dev/null ||
		stat -c %Y "$(inside /lib/modules)/$version/modules.order" 2>/dev/null || echo 0)
	if [ -e "$initrd" ]; then
		in_root env SOURCE_DATE_EPOCH="$dated" update-initramfs -u -k "$version"
	else
		in_root env SOURCE_DATE_EPOCH="$dated" update-initramfs -c -k "$version"
	fi
	# Kept under its final name in one rename, from the build's own scratch directory on the cache's
	# file system (STRATA_CACHE_TMP, swept when its build is gone): readers see all of it or none.
	if [ -n "$cache" ] && [ -f "$initrd" ] && [ -n "${STRATA_CACHE_TMP:-}" ]; then
		mkdir -p "$cache"
		partial=$STRATA_CACHE_TMP/$key
		if cp "$initrd" "$partial.img" && sha256sum < "$partial.img" | cut -d' ' -f1 > "$partial.sha256" &&
			mv "$partial.sha256" "$cached.sha256" && mv "$partial.img" "$cached"; then
			echo "initramfs for $version: kept in the cache ($cached)"
		else
			echo "initramfs for $version: not kept in the cache (see above); the stage has it all the same" >&2
		fi
	fi
}

# update_ca_certificates [--fresh]: the image's own update-ca-certificates (a shell script: it reads
# its configuration and certificates, links them into /etc/ssl/certs, hashes them with openssl rehash
# and writes the bundle) run by the host's shell and tools, in a mount namespace of its own where
# /usr/share/ca-certificates and /usr/local/share/ca-certificates are the image's, so every link it
# writes names the path the image sees. The hooks of /etc/ca-certificates/update.d are the image's
# programs: when it has any, or the host lacks what the native run needs, it runs in the chroot.
update_ca_certificates() {
	if [ -n "$(ls -A "$(inside /etc/ca-certificates/update.d)" 2> /dev/null)" ] || ! command -v openssl > /dev/null ||
		[ ! -d /etc/ssl ] || [ ! -d /usr/share/ca-certificates ] || [ ! -d /usr/local/share/ca-certificates ] ||
		[ ! -d "$(inside /usr/share/ca-certificates)" ] || [ ! -d "$(inside /etc/ssl/certs)" ]; then
		in_root update-ca-certificates "$@"
		return
	fi
	echo "update-ca-certificates: run by the host's tools for the emulated image"
	# shellcheck disable=SC2016 # the inner sh expands its own arguments
	unshare --mount --propagation private -- sh -c '
		set -e
		mount --bind "$1" /etc/ssl
		mount --bind "$2" /usr/share/ca-certificates
		if [ -d "$3" ]; then mount --bind "$3" /usr/local/share/ca-certificates
		else mount -t tmpfs -o mode=0755,size=64k tmpfs /usr/local/share/ca-certificates; fi
		script=$4
		shift 4
		exec sh "$script" "$@"' sh "$(dirname "$(inside /etc/ssl/certs)")" "$(inside /usr/share/ca-certificates)" \
		"$(inside /usr/local/share/ca-certificates)" "$(inside "/$CA_STUB")" --certsconf "$(inside /etc/ca-certificates.conf)" --hooksdir /nonexistent "$@"
}

# When the command ends: the real update-ca-certificates back in its place, run once if asked.
finish_ca_certificates() {
	local pending fresh=()
	ours "$CA_STUB" || return 0
	rm -f "$(inside "/$CA_STUB")"
	in_root dpkg-divert --quiet --local --rename --remove "/$CA_STUB"
	pending=$(inside "/$CA_PENDING")
	if [ -e "$pending" ]; then
		if grep -q -e '--fresh' -e '-f' "$pending"; then
			fresh=(--fresh)
		fi
		rm -f "$pending"
		rmdir "$(dirname "$pending")" 2> /dev/null || true
		if [ -e "$(inside "/$CA_STUB")" ]; then
			update_ca_certificates "${fresh[@]}"
		fi
	fi
}

ours() {
	local file
	file=$(inside "/$1")
	[ -f "$file" ] && grep -qF "$MARKER" "$file"
}

mount -t proc proc "$(inside /proc)"
mount -t sysfs sysfs "$(inside /sys)"
mount --rbind /dev "$(inside /dev)"
mount -t tmpfs -o mode=0755 tmpfs "$(inside /run)"
# /tmp is the image's own, as in pi-gen: a host script's file in ${ROOTFS_DIR}/tmp is there for
# the chroot steps after it. The stage's tidy empties it before the image is sealed.
# Raspberry Pi firmware hooks refuse to write /boot/firmware unless it is a mount point.
firmware=$(inside /boot/firmware)
if [ -d "$firmware" ]; then
	mount --bind "$firmware" "$firmware"
fi

# Name resolution for apt, without writing the host's resolver into the image: on the tmpfs when
# the image's resolv.conf leads into /run, bound over it when it is a file of its own.
resolv=$(inside /etc/resolv.conf)
case "${resolv#"$root"}" in
/run/*) mkdir -p "$(dirname "$resolv")" && cat /etc/resolv.conf > "$resolv" ;;
*) if [ -f "$resolv" ]; then mount --bind /etc/resolv.conf "$resolv"; fi ;;
esac

# A deferred update-ca-certificates that a killed command left behind is done first, whatever comes next.
finish_ca_certificates

if [ "$tidy" = 1 ]; then
	if ours "$INITRAMFS_STUB"; then
		rm -f "$(inside "/$INITRAMFS_STUB")"
		in_root dpkg-divert --quiet --local --rename --remove "/$INITRAMFS_STUB"
	fi
	pending=$(inside "/$INITRAMFS_PENDING")
	if [ -e "$pending" ]; then
		for modules in "$(inside /lib/modules)"/*; do
			[ -d "$modules" ] || continue
			build_initramfs "$(basename "$modules")"
		done
		rm -f "$pending"
		rmdir "$(dirname "$pending")" 2>/dev/null || true
	fi
	if ours "$POLICY"; then
		rm -f "$(inside "/$POLICY")"
	fi
	rm -f "$(inside "/$PROXY_CONF")" "$(inside "/$LOCK_CONF")" "$(inside "/$UNSAFE_IO_CONF")" "$(inside "/$TEMP_REPO_LIST")" \
		"$(inside "/$TEMP_REPO_SOURCES")"
	tmp=$(inside /tmp)
	if [ -d "$tmp" ]; then
		find "$tmp" -xdev -mindepth 1 -delete
	fi
	exit 0
fi

# Keep daemons from starting while packages install.
policy=$(inside "/$POLICY")
if [ -d "$(dirname "$policy")" ] && [ ! -e "$policy" ]; then
	printf '#!/bin/sh\n%s\nexit 101\n' "$MARKER" > "$policy"
	chmod 0755 "$policy"
fi
# STRATA_DEFER_INITRAMFS=0 (the live export) leaves update-initramfs alone: live-tools diverts it itself.
if [ "${STRATA_DEFER_INITRAMFS:-1}" = 1 ] && [ -x "$root/usr/bin/dpkg-divert" ] && ! ours "$INITRAMFS_STUB"; then
	in_root dpkg-divert --quiet --local --rename --divert "$INITRAMFS_REAL" --add "/$INITRAMFS_STUB"
	stub=$(inside "/$INITRAMFS_STUB")
	printf '#!/bin/sh\n%s\nmkdir -p /%s && touch /%s\necho "update-initramfs: deferred; Strata builds the initramfs once when the stage ends" >&2\n' \
		"$MARKER" "$(dirname "$INITRAMFS_PENDING")" "$INITRAMFS_PENDING" > "$stub"
	chmod 0755 "$stub"
fi
unsafe_io=$(inside "/$UNSAFE_IO_CONF")
if [ -d "$(dirname "$unsafe_io")" ] && [ ! -e "$unsafe_io" ]; then
	printf '%s\nforce-unsafe-io\n' "$MARKER" > "$unsafe_io"
fi
# The stage's own apt archive directory (STRATA_APT_ARCHIVES: a lease of the shared package cache,
# holding links to every cached package) stands in for the image's, so downloads are kept for every
# build and never land in the image, and no other build's apt shares its lock. Exports do not get it.
archives=$(inside /var/cache/apt/archives)
if [ -n "${STRATA_APT_ARCHIVES:-}" ] && [ -d "$archives" ]; then
	mount --bind "$STRATA_APT_ARCHIVES" "$archives"
fi
# APT_PROXY is checked to be a URL without quotes, spaces or semicolons, so it stands in apt.conf as it is.
proxy=$(inside "/$PROXY_CONF")
if [ -n "${APT_PROXY:-}" ] && [ -d "$(dirname "$proxy")" ]; then
	printf '%s\nAcquire::http::Proxy "%s";\n' "$MARKER" "$APT_PROXY" > "$proxy"
fi
# The locked repository: a flat repository without a Release file (trusted=yes: its .debs were checked
# against the lock's SHA-256 when it was made), the only source apt reads, so the only versions it has.
lock_conf=$(inside "/$LOCK_CONF")
if [ -n "${STRATA_LOCK_REPO:-}" ] && [ -d "$(dirname "$lock_conf")" ]; then
	run=$(inside /run)
	mkdir -p "$run/strata/package-lock" "$run/strata/no-sources.d"
	mount --bind "$STRATA_LOCK_REPO" "$run/strata/package-lock"
	mount -o remount,bind,ro "$run/strata/package-lock"
	echo 'deb [trusted=yes] file:/run/strata/package-lock ./' > "$run/strata/package-lock.list"
	printf '%s\nDir::Etc::SourceList "/run/strata/package-lock.list";\nDir::Etc::SourceParts "/run/strata/no-sources.d";\n' \
		"$MARKER" > "$lock_conf"
fi
# TEMP_REPO is checked to be one apt source line, and rendered by Strata for the release (RELEASE in
# it stands for the release, as in pi-gen). It is written as data (never run), and the stage's tidy
# removes it before the stage is sealed.
if [ -n "${STRATA_TEMP_REPO:-}" ]; then
	case "${STRATA_TEMP_REPO_FORMAT:-list}" in
	sources) temp_repo=$(inside "/$TEMP_REPO_SOURCES") ;;
	*) temp_repo=$(inside "/$TEMP_REPO_LIST") ;;
	esac
	if [ -d "$(dirname "$temp_repo")" ]; then
		printf '%s\n%s\n' "$MARKER" "$STRATA_TEMP_REPO" > "$temp_repo"
	fi
fi

# strata_set_password USER, for the bash of every step in the chroot (exported as a function, so it
# runs there): USER's password is what stdin holds (never an argument, so it shows in no process list),
# hashed by the image's crypt() with STRATA_PASSWORD_SALT, the yescrypt salt Strata derives from the
# image's identity, so a rebuild writes the same /etc/shadow; without a salt, or where that crypt()
# cannot make the hash, chpasswd hashes it with a random salt.
strata_set_password() {
	local user=$1 password hash=""
	password=$(cat)
	if [ -n "${STRATA_PASSWORD_SALT:-}" ] && [ -n "$password" ]; then
		# shellcheck disable=SC2016 # perl expands its own variables
		hash=$(printf '%s' "$password" | perl -e 'my $password = do { local $/; <STDIN> };
			my $setting = $ENV{STRATA_PASSWORD_SALT}; my $hash = crypt($password, $setting);
			print $hash if defined $hash && index($hash, $setting . "\$") == 0;')
	fi
	if [ -n "$hash" ]; then
		printf '%s:%s\n' "$user" "$hash" | chpasswd --encrypted
	else
		printf '%s:%s\n' "$user" "$password" | chpasswd
	fi
}
export -f strata_set_password

# The command, in the chroot with the build's environment (the caller's, unlike in_root's).
enter=("${personality[@]}" chroot "$root" /usr/bin/env
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true)
if [ "${STRATA_HOST_CA_CERTIFICATES:-0}" = 1 ] && [ -x "$root/usr/bin/dpkg-divert" ]; then
	in_root dpkg-divert --quiet --local --rename --divert "$CA_REAL" --add "/$CA_STUB"
	stub=$(inside "/$CA_STUB")
	printf '#!/bin/sh\n%s\nmkdir -p /%s && echo "$*" >> /%s\necho "update-ca-certificates: deferred; Strata runs it when the step ends" >&2\n' \
		"$MARKER" "$(dirname "$CA_PENDING")" "$CA_PENDING" > "$stub"
	chmod 0755 "$stub"
	status=0
	"${enter[@]}" "$@" || status=$?
	finish_ca_certificates
	exit "$status"
fi
exec "${enter[@]}" "$@"

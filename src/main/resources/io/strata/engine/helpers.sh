# shellcheck shell=bash
# Strata's helpers for stage scripts: every function pi-gen's scripts/common gives a stage's
# prerun.sh and nn-run.sh, so a pi-gen stage runs unchanged. Sourced before each host script, and
# found as ${SCRIPT_DIR}/common by a stage that sources it itself.
# No `set -euo pipefail` here, on purpose: a pi-gen stage sources this file into its own script, whose
# shell options are its author's (pi-gen runs them with bash -e); each function fails on its own terms.

# log: a timestamped line. A host script's output already goes to the build log (LOG_FILE), with
# the config's secrets masked, so it is printed, not appended to the log a second time.
log() {
	printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"
}

# unmount [DIR]: unmounts everything mounted at or below DIR (default: the current directory),
# deepest first, retrying a few times while something is still busy.
unmount() {
	local dir try targets
	dir=$(realpath -m "${1:-$PWD}")
	for try in 1 2 3 4 5 6; do
		targets=$(findmnt -rn -o TARGET | awk -v d="$dir" '$0 == d || index($0, d "/") == 1' | sort -r)
		[ -z "$targets" ] && return 0
		# shellcheck disable=SC2086
		if printf '%s\n' "$targets" | xargs -r -d '\n' umount; then
			return 0
		fi
		[ "$try" = 6 ] && break
		log "unmount: ${dir} is busy, retrying (${try}/5)"
		sleep 1
	done
	log "unmount: failed to unmount ${dir}: do not delete it while it holds mount points"
	return 1
}

# unmount_image FILE: unmounts the partitions of the loop device FILE is attached to, and detaches it.
unmount_image() {
	local loop part target
	loop=$(losetup -n -O NAME -j "$1")
	[ -n "$loop" ] || return 0
	for part in "$loop" "$loop"p*; do
		[ -b "$part" ] || continue
		findmnt -rn -o TARGET -S "$part" | while read -r target; do unmount "$target"; done
	done
	losetup -d "$loop"
}

# update_issue NAME: writes /etc/rpi-issue, which says how the image was made.
update_issue() {
	printf '%s %s\nGenerated using %s, %s, %s, %s\n' "${PI_GEN_RELEASE:-Strata image}" "${IMG_DATE:-}" \
		"${PI_GEN:-Strata}" "${PI_GEN_REPO:-}" "${GIT_HASH:-}" "$1" > "${ROOTFS_DIR}/etc/rpi-issue"
}

# ensure_next_loopdev: makes the device node of the next free loop device, where /dev lacks it
# (a container's /dev). Strata itself attaches images without loop devices where it can.
ensure_next_loopdev() {
	local loopdev
	loopdev=$(losetup -f)
	[ -b "$loopdev" ] || mknod "$loopdev" b 7 "${loopdev##*loop}"
}

# ensure_loopdev_partitions LOOPDEV: makes the device nodes of LOOPDEV's partitions where they are missing.
ensure_loopdev_partitions() {
	local name majmin
	lsblk -rn -o NAME,MAJ:MIN "$1" | while read -r name majmin; do
		[ "/dev/$name" = "$1" ] && continue
		[ -b "/dev/$name" ] || mknod "/dev/$name" b "${majmin%%:*}" "${majmin##*:}"
	done
}

# on_chroot: runs bash -e inside the stage's root filesystem, reading the script from
# standard input (on_chroot << EOF ... EOF) or taking bash's arguments (on_chroot -c "...").
on_chroot() {
	unshare --mount --propagation private -- "$STRATA_CHROOT_ENTER" "$ROOTFS_DIR" /bin/bash -e "$@"
}

# install_file MODE SRC [DEST]: installs SRC into the image with MODE. DEST is a path in the
# image (a directory when it ends in /); without it, SRC's path below files/ is used
# (files/etc/motd goes to /etc/motd). Parent directories are created.
install_file() {
	if [ $# -lt 2 ] || [ $# -gt 3 ]; then
		echo "install_file: usage: install_file MODE SRC [DEST]" >&2
		return 2
	fi
	local mode=$1 src=$2 dest=${3:-}
	if [ ! -f "$src" ]; then
		echo "install_file: $src does not exist (relative paths start at $(pwd))" >&2
		return 1
	fi
	if [ -z "$dest" ]; then
		case "$src" in
		files/* | ./files/*) dest=/${src#*files/} ;;
		*) echo "install_file: give a destination for $src (it is not below files/)" >&2; return 2 ;;
		esac
	fi
	case "$dest" in */) dest=$dest$(basename "$src") ;; esac
	install -D -m "$mode" "$src" "${ROOTFS_DIR}/${dest#/}"
}

# copy_previous: pi-gen copies the previous stage's root filesystem here. A Strata stage image is
# a qcow2 backed by the previous stage's image, so it already holds everything: nothing to copy.
copy_previous() {
	log "copy_previous: nothing to copy, ${ROOTFS_DIR} is backed by the previous stage's image"
}

# bootstrap RELEASE DIR [MIRROR] [mmdebstrap options...]: a minimal Debian system of TARGET_ARCH.
# BOOTSTRAP_VARIANT (minbase) and BOOTSTRAP_COMPONENTS (main) adjust it.
bootstrap() {
	local release=$1 dir=$2 mirror=${3:-http://deb.debian.org/debian}
	shift $(($# < 3 ? $# : 3))
	local opts=(--mode=root --architectures="${TARGET_ARCH}" --variant="${BOOTSTRAP_VARIANT:-minbase}"
		--components="${BOOTSTRAP_COMPONENTS:-main}")
	# While bootstrapping only: the build's proxy (APT_PROXY is checked to be a URL without quotes)
	# and dpkg without fsync. mmdebstrap keeps both in 99mmdebstrap files, which the last hook removes.
	if [ -n "${APT_PROXY:-}" ]; then
		opts+=(--aptopt="Acquire::http::Proxy \"${APT_PROXY}\"")
	fi
	opts+=(--dpkgopt=force-unsafe-io)
	# PACKAGE_LOCK: the locked repository is apt's only source (its bootstrap.list, a copy:// source,
	# so the essential packages land in the image's archive directory as mmdebstrap expects).
	if [ -n "${STRATA_LOCK_REPO:-}" ]; then
		opts+=(--aptopt="Dir::Etc::SourceList \"${STRATA_LOCK_REPO}/bootstrap.list\""
			--aptopt='Dir::Etc::SourceParts "/dev/null"')
	fi
	# The stage's lease of the shared package cache (STRATA_APT_ARCHIVES): bound over apt's archive
	# directory in a private mount namespace (so the bind cannot outlive mmdebstrap), kept past the
	# essential install, let go before the cleanup. Hooks are shell code: values reach them through
	# the environment, never pasted in.
	local ns=()
	if [ -n "${STRATA_APT_ARCHIVES:-}" ]; then
		export STRATA_APT_ARCHIVES
		# chroot-enter.sh --host drops the namespace's copies of other builds' stage images, which
		# would otherwise keep those busy until mmdebstrap ends (and fail their release).
		ns=(unshare --mount --propagation private -- "$STRATA_CHROOT_ENTER" --host "$dir")
		# shellcheck disable=SC2016 # the hooks expand $1 and the variable themselves
		opts+=(--skip=essential/unlink
			--setup-hook='mkdir -p "$1/var/cache/apt/archives" && mount --bind "$STRATA_APT_ARCHIVES" "$1/var/cache/apt/archives"'
			--customize-hook='umount "$1/var/cache/apt/archives"')
	fi
	# shellcheck disable=SC2016 # mmdebstrap's hook expands $1
	opts+=(--customize-hook='rm -f "$1/etc/apt/apt.conf.d/99mmdebstrap" "$1/etc/dpkg/dpkg.cfg.d/99mmdebstrap"')
	# mkfs leaves lost+found in a new image; mmdebstrap wants an empty directory.
	if [ -d "$dir/lost+found" ] && [ -z "$(ls -A "$dir/lost+found")" ]; then
		rmdir "$dir/lost+found"
	fi
	"${ns[@]}" mmdebstrap "${opts[@]}" "$@" "$release" "$dir" "$mirror"
}

export -f log unmount unmount_image update_issue ensure_next_loopdev ensure_loopdev_partitions on_chroot \
	install_file copy_previous bootstrap

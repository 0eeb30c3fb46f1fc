#!/bin/bash
# Builds in a container, as pi-gen's build-docker.sh does: the same config, environment overrides and
# deploy/ as ./build, with Docker where it runs and Podman otherwise.
#   ./build-docker.sh -c myconfig.cfg [build options]     CONTINUE=1 ./build-docker.sh -c myconfig.cfg
#   ./build-docker.sh --cleanup [-c myconfig.cfg]          (after a killed container)
# README.md, "Building in a container", says what the container needs from the host and why.
# shellcheck disable=SC2154 # read_settings makes the cfg_ variables by name
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)

# Strata's variables (io.strata.config.Variables; ContainerBuildTest keeps the two lists equal): those
# set in this environment reach the build in the container, where they override the config as in ./build.
VARIABLES=(IMG_NAME IMG_DATE SOURCE_DATE_EPOCH TARGET_RASPI TARGET_ARCH RELEASE PREFER_RASPI_SOURCE INSTALL_RECOMMENDS
	ROOTFS_RO ROOTFS_RO_OVERLAY_TMPFS_SIZE BOOT_FSTYPE BOOT_FSOPTIONS REDUCED_FOOTPRINT BASE_QCOW2_SIZE
	APT_PROXY TEMP_REPO BASE_DIR WORK_DIR DEPLOY_DIR DEPLOY_ZIP DEPLOY_COMPRESSION COMPRESSION_LEVEL BUILD_MIRROR
	APT_MIRROR USE_QEMU LOCALE_DEFAULT TARGET_HOSTNAME KEYBOARD_KEYMAP KEYBOARD_LAYOUT TIMEZONE_DEFAULT
	FIRST_USER_NAME FIRST_USER_PASS WPA_ESSID WPA_PASSWORD WPA_COUNTRY ENABLE_SSH PUBKEY_SSH_FIRST_USER
	PUBKEY2_SSH_FIRST_USER PUBKEY_ONLY_SSH ENABLE_CLOUD_INIT STAGE_LIST SKIP_STAGE_LIST SKIP_IMAGES_LIST CONTINUE CLEAN
	PACKAGE_CACHE_DIR STAGE_STORE_DIR PACKAGE_LOCK OFFLINE STAGE_STORE_URL ALLOW_DEFAULT_PASSWORD BOOT_TEST LIVE_USER
	LIVE_SQUASHFS_COMPRESSION)
# What only this script reads, from the environment or the config.
SETTINGS=(CONTAINER_NAME PRESERVE_CONTAINER PIGEN_DOCKER_OPTS CONTINUE WORK_DIR DEPLOY_DIR PACKAGE_CACHE_DIR
	STAGE_STORE_DIR BASE_DIR STAGE_LIST TARGET_ARCH PACKAGE_LOCK)

IMAGE=${STRATA_IMAGE:-strata}
CACHE_VOLUME=${STRATA_CACHE_VOLUME:-strata_packages}
ENV_FILE=/run/strata-env
STORE_VOLUME=${STRATA_STORE_VOLUME:-strata_stages}

fail() { # exit code, message
	echo "build-docker.sh: $2" >&2
	exit "$1"
}

usage() {
	sed -n '2,6s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
	exit 0
}

choose_engine() {
	case ${STRATA_CONTAINER_ENGINE:-} in
	'')
		if command -v docker > /dev/null && docker info > /dev/null 2>&1; then
			engine=docker
		elif command -v podman > /dev/null; then
			engine=podman
		else
			fail 2 "neither a running Docker nor Podman was found: install one, or name yours in STRATA_CONTAINER_ENGINE"
		fi
		;;
	*)
		engine=$STRATA_CONTAINER_ENGINE
		command -v "$engine" > /dev/null ||
			fail 2 "STRATA_CONTAINER_ENGINE=$engine is not a command on PATH: write docker, podman or the path of one"
		;;
	esac
}

# Reads SETTINGS as ./build would see them: ./config, then the -c file (sourced by bash, as pi-gen's
# build-docker.sh does), the environment on top. Each lands in cfg_NAME as data.
# cfg_NAME (its value) and has_NAME (1) for each setting the config or the environment gives.
read_settings() {
	local names=("${SETTINGS[@]}") kv
	while IFS= read -r -d '' kv; do
		printf -v "cfg_${kv%%=*}" '%s' "${kv#*=}"
		printf -v "has_${kv%%=*}" '%s' 1
	done < <(bash -c '
		config=$1; shift
		declare -A from_env
		for name in "$@"; do if [ -n "${!name+set}" ]; then from_env[$name]=${!name}; fi; done
		set -ae
		if [ -f ./config ]; then . ./config > /dev/null; fi
		if [ -n "$config" ]; then . "$config" > /dev/null; fi
		for name in "$@"; do
			if [ -n "${from_env[$name]+set}" ]; then printf "%s=%s\0" "$name" "${from_env[$name]}"
			elif [ -n "${!name+set}" ]; then printf "%s=%s\0" "$name" "${!name}"; fi
		done' read-settings "$config" "${names[@]}" || echo "failed=1" | tr '\n' '\0')
	[ -z "${cfg_failed:-}" ] || fail 2 "bash could not source ${config:-./config}: run ./build -c ${config:-config} --dry-run to see why"
}

# Container state: running, stopped or absent.
container_state() {
	local running
	if running=$("$engine" container inspect --format '{{.State.Running}}' "$name" 2> /dev/null); then
		[ "$running" = true ] && echo running || echo stopped
	else
		echo absent
	fi
}

# Loop devices, /dev/fuse and mount(2), granted one by one: CAP_SYS_ADMIN for mount and unshare, MKNOD for
# the bootstrap's device nodes, /sys/dev/block visible (losetup lists loops there), the device cgroup for loop devices (block major 7, made while the build
# runs, so no --device can name them) and loop-control and fuse; seccomp and AppArmor allow mount only
# unconfined. A foreign TARGET_ARCH needs binfmt_misc written, which /proc/sys read-only forbids:
# --privileged, unless the host has registered qemu-user with the F flag already.
access_options() {
	local arch=$1
	run_opts+=(-v /dev:/dev)
	if [ "$arch" != native ] && ! host_has_binfmt "$arch"; then
		run_opts+=(--privileged)
	else
		run_opts+=(--cap-add SYS_ADMIN --cap-add MKNOD --device /dev/fuse --device /dev/loop-control
			--device-cgroup-rule 'b 7:* rmw' --device-cgroup-rule 'c 10:237 rmw' --device-cgroup-rule 'c *:* m'
			--security-opt seccomp=unconfined --security-opt apparmor=unconfined)
		# Podman hides /sys/dev/block, where losetup looks up the loop devices it lists.
		[ "$(basename "$engine")" != podman ] || run_opts+=(--security-opt unmask=/sys/dev/block)
	fi
}

host_has_binfmt() {
	local entry=/proc/sys/fs/binfmt_misc/qemu-$1
	[ -r "$entry" ] && grep -q '^enabled' "$entry" && grep -q '^flags:.*F' "$entry"
}

# The binfmt_misc entry a TARGET_ARCH needs on this host, or native.
foreign_arch() {
	case ${cfg_TARGET_ARCH:-arm64}:$(uname -m) in
	amd64:x86_64 | i386:x86_64 | arm64:aarch64 | armhf:aarch64 | armhf:armv7l) echo native ;;
	arm64:*) echo aarch64 ;;
	armhf:*) echo arm ;;
	*) echo native ;;
	esac
}

# The volumes and bind mounts: the work dir in the named volume (or WORK_DIR, when set), deploy/ (or
# DEPLOY_DIR), the package cache and the stage store in their volumes (or PACKAGE_CACHE_DIR,
# STAGE_STORE_DIR: a work dir's stages taken from the store are overlays of its layers), the configs and absolute
# STAGE_LIST entries read-only at their own paths.
# cache_mount VARIABLE VOLUME PATH: the named volume at PATH (Strata's default for VARIABLE), or the
# directory the config sets, at its own path; nothing when the config sets it empty (no cache).
cache_mount() {
	local has="has_$1" cfg="cfg_$1" dir
	if [ -z "${!has:-}" ]; then
		run_opts+=(-v "$2:$3")
	elif [ -n "${!cfg}" ]; then
		mkdir -p "${!cfg}"
		dir=$(readlink -f "${!cfg}")
		run_opts+=(-v "$dir:$dir" -e "$1=$dir")
	fi
}

mount_options() {
	if [ -n "${has_WORK_DIR:-}" ]; then
		mkdir -p "$cfg_WORK_DIR"
		run_opts+=(-v "$(readlink -f "$cfg_WORK_DIR"):$(readlink -f "$cfg_WORK_DIR")" -e "WORK_DIR=$(readlink -f "$cfg_WORK_DIR")")
		work_dir=$(readlink -f "$cfg_WORK_DIR")
	else
		work_dir=/strata/work/$name
		run_opts+=(-v "$name:$work_dir" -e "WORK_DIR=$work_dir")
	fi
	local deploy=${cfg_DEPLOY_DIR:-$here/deploy}
	mkdir -p "$deploy"
	deploy=$(readlink -f "$deploy")
	if [ -n "${has_DEPLOY_DIR:-}" ]; then
		run_opts+=(-v "$deploy:$deploy" -e "DEPLOY_DIR=$deploy")
	else
		run_opts+=(-v "$deploy:/strata/deploy" -e "DEPLOY_DIR=/strata/deploy")
	fi
	cache_mount PACKAGE_CACHE_DIR "$CACHE_VOLUME" /var/cache/strata/packages
	cache_mount STAGE_STORE_DIR "$STORE_VOLUME" /var/cache/strata/stages
	# PACKAGE_LOCK: the lock file read-only at its own (absolute) path
	if [ -n "${cfg_PACKAGE_LOCK:-}" ]; then
		[ -f "$cfg_PACKAGE_LOCK" ] || fail 2 "PACKAGE_LOCK=$cfg_PACKAGE_LOCK is not a file: name the .lock file an earlier build wrote beside its image"
		local lock
		lock=$(readlink -f "$cfg_PACKAGE_LOCK")
		run_opts+=(-v "$lock:$lock:ro" -e "PACKAGE_LOCK=$lock")
	fi
	[ ! -f ./config ] || run_opts+=(-v "$(readlink -f ./config):/strata/config:ro")
	if [ -n "$config" ]; then
		run_opts+=(-v "$(readlink -f "$config"):/run/strata-config/$(basename "$config"):ro")
		build_args+=(-c "/run/strata-config/$(basename "$config")")
	fi
	local entry
	for entry in ${cfg_STAGE_LIST:-}; do
		case $entry in
		/*) [ -d "$entry" ] && run_opts+=(-v "$entry:$entry:ro") ;;
		esac
	done
}

# Strata's variables set in this environment reach the build through a file only root can read,
# mounted read-only and sourced before ./build starts: a value passed with -e (a password, a Wi-Fi key)
# would stay readable in "$engine inspect" of a kept container. The file goes when this script ends.
environment_options() {
	local variable
	env_file=$(mktemp "${TMPDIR:-/tmp}/strata-container-env.XXXXXX")
	trap 'rm -f "$env_file"' EXIT
	for variable in "${VARIABLES[@]}"; do
		case $variable in WORK_DIR | DEPLOY_DIR | PACKAGE_CACHE_DIR | BASE_DIR | PACKAGE_LOCK) continue ;; esac
		[ -z "${!variable+set}" ] || printf 'export %s=%q\n' "$variable" "${!variable}" >> "$env_file"
	done
	run_opts+=(-v "$env_file:$ENV_FILE:ro")
	if [ -n "${cfg_PIGEN_DOCKER_OPTS:-}" ]; then
		local extra
		read -r -a extra <<< "$cfg_PIGEN_DOCKER_OPTS"
		run_opts+=("${extra[@]}")
	fi
}

build_image() {
	local image_log=$here/work/build-image.log
	mkdir -p "$here/work"
	echo "build-docker.sh: the build image $IMAGE ($engine build; cached layers are reused) ..." >&2
	"$engine" build ${STRATA_BASE_IMAGE:+--build-arg "BASE_IMAGE=$STRATA_BASE_IMAGE"} -t "$IMAGE" "$here" > "$image_log" 2>&1 ||
		{ tail -n 30 "$image_log" >&2; fail 1 "$engine build failed (whole log: $image_log)"; }
}

cleanup() {
	local run_opts=() build_args=() work_dir
	access_options native
	mount_options
	echo "build-docker.sh: releasing what the build in $name left on the host ..." >&2
	"$engine" run --rm "${run_opts[@]}" "$IMAGE" ./imagetool --cleanup "${build_args[@]}"
	if [ "$(container_state)" = stopped ]; then
		"$engine" rm "$name" > /dev/null
		echo "build-docker.sh: removed the stopped container $name (its work stays in volume $name; CONTINUE=1 resumes)" >&2
	fi
}

main() {
	config=
	local mode=build passthrough=()
	while [ $# -gt 0 ]; do
		case $1 in
		-c | --config)
			[ $# -ge 2 ] || fail 2 "-c needs a config file: ./build-docker.sh -c myconfig.cfg"
			config=$2
			shift 2
			;;
		-c* | --config=*) config=${1#-c}; config=${config#--config=}; shift ;;
		--cleanup) mode=cleanup; shift ;;
		-h | --help) usage ;;
		*) passthrough+=("$1"); shift ;;
		esac
	done
	[ -z "$config" ] || [ -f "$config" ] || fail 2 "config file $config does not exist: pass an existing file to -c"
	[ -n "$config" ] || [ -f ./config ] || fail 2 "no config: pass one with -c myconfig.cfg (or put it in ./config)"
	choose_engine
	if [ "$(basename "$engine")" = podman ] && [ "$(id -u)" != 0 ]; then
		fail 2 "Podman needs root here (loop devices and mounts are the host kernel's): run sudo ./build-docker.sh"
	fi
	read_settings
	name=${cfg_CONTAINER_NAME:-pigen_work}
	[[ $name =~ ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$ ]] ||
		fail 2 "CONTAINER_NAME=$name is not a container name: use letters, digits, _ . and -"
	[ -z "${has_BASE_DIR:-}" ] ||
		fail 2 "BASE_DIR=$cfg_BASE_DIR: in a container Strata's tree is the image's /strata; put your stages in $here or name them in STAGE_LIST by absolute path"
	local state again="./build-docker.sh${config:+ -c $config}"
	state=$(container_state)
	if [ "$mode" = cleanup ]; then
		[ "$state" != running ] ||
			fail 2 "container $name is still running a build: stop it ($engine stop $name), then run --cleanup again"
		build_image
		cleanup
		return
	fi
	case $state in
	running) fail 2 "container $name is already running a build of this config: wait for it, or stop it ($engine stop $name) and run CONTINUE=1 $again" ;;
	stopped)
		[ "${cfg_CONTINUE:-0}" = 1 ] ||
			fail 2 "container $name already exists and you did not set CONTINUE=1: resume with CONTINUE=1 $again, or remove it with $engine rm -v $name"
		;;
	esac
	build_image
	[ "$state" = absent ] || "$engine" rm "$name" > /dev/null
	local run_opts=(--name "$name") build_args=() work_dir
	access_options "$(foreign_arch)"
	mount_options
	environment_options
	[ ! -t 0 ] || run_opts+=(-it)
	local status=0
	# shellcheck disable=SC2016 # the container's bash expands "$1" and "$@", not this one
	"$engine" run "${run_opts[@]}" "$IMAGE" bash -c '. "$1" && shift && exec ./build "$@"' strata-env "$ENV_FILE" \
		"${build_args[@]}" "${passthrough[@]}" || status=$?
	case $status in
	0)
		[ "${cfg_PRESERVE_CONTAINER:-0}" = 1 ] || "$engine" rm "$name" > /dev/null
		;;
	2) # bad input: Strata touched nothing, so there is nothing to resume
		"$engine" rm "$name" > /dev/null 2>&1 || true
		;;
	125 | 126 | 127)
		"$engine" rm "$name" > /dev/null 2>&1 || true
		fail 2 "$engine could not start the container (exit $status, its message above): check PIGEN_DOCKER_OPTS and the engine's setup"
		;;
	*)
		echo "build-docker.sh: the build failed (exit $status); container $name is kept: fix the cause, then CONTINUE=1 $again" >&2
		status=1
		;;
	esac
	return "$status"
}

main "$@"

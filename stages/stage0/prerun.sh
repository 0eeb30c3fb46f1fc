#!/bin/bash
# stage0: a minimal Debian system of RELEASE for TARGET_ARCH, from the Debian archive.
# (pi-gen tests `[ ! -d "${ROOTFS_DIR}" ]`; a Strata stage's ROOTFS_DIR is always its mounted image.)
set -euo pipefail
if [ ! -e "${ROOTFS_DIR}/bin" ]; then
	components="main contrib non-free"
	if [ "${RELEASE}" != "bullseye" ]; then
		components="${components} non-free-firmware"
	fi
	BOOTSTRAP_COMPONENTS="${components}" bootstrap "${RELEASE}" "${ROOTFS_DIR}" "${BUILD_MIRROR:-http://deb.debian.org/debian}"
fi

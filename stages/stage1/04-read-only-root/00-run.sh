#!/bin/bash
# The initramfs carries Strata's read-only root (strata-overlay, inert unless the kernel command line
# asks for it: the export does so for ROOTFS_RO=1), so ROOTFS_RO needs no initramfs of its own.
set -euo pipefail
install -D -m 0755 files/strata-overlay "${ROOTFS_DIR}/etc/initramfs-tools/scripts/init-bottom/strata-overlay"
modules="${ROOTFS_DIR}/etc/initramfs-tools/modules"
if ! grep -qx overlay "${modules}"; then
	echo overlay >> "${modules}"
fi

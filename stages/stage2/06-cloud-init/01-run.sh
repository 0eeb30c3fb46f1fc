#!/bin/bash
# The NoCloud seed on the boot partition: user-data and network-config do nothing until edited;
# meta-data names the instance and keeps TARGET_HOSTNAME.
set -euo pipefail
if [ "${ENABLE_CLOUD_INIT}" != "1" ]; then
	exit 0
fi
if [ "${TARGET_RASPI}" = "1" ]; then
	boot="${ROOTFS_DIR}/boot/firmware"
else
	boot="${ROOTFS_DIR}/boot/efi"
fi
# The seed can hold password hashes and keys: root's alone on the running system. A FAT boot
# partition has no modes of its own, so its mount options say it (fmask/dmask, replacing the ones
# BOOT_FSOPTIONS gives); cloud-init runs as root and still reads it.
install -m 600 files/user-data "${boot}/user-data"
install -m 600 files/network-config "${boot}/network-config"
# Changing instance-id makes cloud-init treat the machine as new and run its first-boot modules again.
printf 'instance-id: strata-image\nlocal-hostname: %s\n' "${TARGET_HOSTNAME}" > "${boot}/meta-data"
chmod 600 "${boot}/meta-data"
if [ "${BOOT_FSTYPE}" = "vfat" ]; then
	awk -v dir="${boot#"${ROOTFS_DIR}"}" '$2 == dir && $1 !~ /^#/ {
		n = split($4, opts, ","); out = ""
		for (i = 1; i <= n; i++) if (opts[i] !~ /^[fd]mask=/) out = out (out == "" ? "" : ",") opts[i]
		$4 = out ",fmask=0177,dmask=0077"
	} { print }' "${ROOTFS_DIR}/etc/fstab" > "${ROOTFS_DIR}/etc/fstab.strata"
	mv "${ROOTFS_DIR}/etc/fstab.strata" "${ROOTFS_DIR}/etc/fstab"
else
	chmod 700 "${boot}"
fi

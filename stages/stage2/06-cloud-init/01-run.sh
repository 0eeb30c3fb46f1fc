#!/bin/bash -e
# The NoCloud seed on the boot partition: user-data and network-config do nothing until edited;
# meta-data names the instance and keeps TARGET_HOSTNAME.
if [ "${ENABLE_CLOUD_INIT}" != "1" ]; then
	exit 0
fi
if [ "${TARGET_RASPI}" = "1" ]; then
	boot="${ROOTFS_DIR}/boot/firmware"
else
	boot="${ROOTFS_DIR}/boot/efi"
fi
install -m 644 files/user-data "${boot}/user-data"
install -m 644 files/network-config "${boot}/network-config"
# Changing instance-id makes cloud-init treat the machine as new and run its first-boot modules again.
printf 'instance-id: strata-image\nlocal-hostname: %s\n' "${TARGET_HOSTNAME}" > "${boot}/meta-data"

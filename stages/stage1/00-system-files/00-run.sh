#!/bin/bash
# Host name, the hosts file, and fstab. fstab names its disks BOOTDEV and ROOTDEV: the export
# writes the partitions' PARTUUIDs there, as pi-gen's export-image does.
set -euo pipefail
echo "${TARGET_HOSTNAME}" > "${ROOTFS_DIR}/etc/hostname"
cat > "${ROOTFS_DIR}/etc/hosts" << HOSTS
127.0.0.1	localhost
::1		localhost ip6-localhost ip6-loopback
ff02::1		ip6-allnodes
ff02::2		ip6-allrouters

127.0.1.1	${TARGET_HOSTNAME}
HOSTS

if [ "${TARGET_RASPI}" = "1" ]; then
	boot_dir=/boot/firmware
else
	boot_dir=/boot/efi
fi
mkdir -p "${ROOTFS_DIR}${boot_dir}"
cat > "${ROOTFS_DIR}/etc/fstab" << FSTAB
proc            /proc           proc    defaults          0       0
BOOTDEV  ${boot_dir}  ${BOOT_FSTYPE}    ${BOOT_FSOPTIONS}  0       2
ROOTDEV  /               ext4    defaults,noatime  0       1
FSTAB

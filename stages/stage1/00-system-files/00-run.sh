#!/bin/bash -e
# Host name and the hosts file.
echo "${TARGET_HOSTNAME}" > "${ROOTFS_DIR}/etc/hostname"
cat > "${ROOTFS_DIR}/etc/hosts" << HOSTS
127.0.0.1	localhost
::1		localhost ip6-localhost ip6-loopback
ff02::1		ip6-allnodes
ff02::2		ip6-allrouters

127.0.1.1	${TARGET_HOSTNAME}
HOSTS

#!/bin/bash
# Strata's live-media preparation, run with bash -e inside a throw-away copy of the stage's root
# filesystem (a qcow2 overlay); export-clean.sh runs after it. The initramfs is built by the install's own
# trigger, once: live-tools (a Recommends) diverts update-initramfs itself, so Strata does not defer it here.
# Environment: LIVE_USER (NAME/PASSWORD), TARGET_HOSTNAME, STRATA_PASSWORD_SALT, plus the build's config;
# strata_set_password from chroot-enter.sh.
set -euo pipefail

# live-boot finds the squashfs on the medium and puts a writable overlay on it. A live image is
# expected to hold what the live tools recommend too (the vmdebootstrap seed), so Recommends come along.
apt-get -q update
apt-get -q -y -o APT::Install-Recommends=true install live-boot live-boot-initramfs-tools sudo

# The live user, as vmdebootstrap's --user NAME/PASSWORD --sudo --lock-root-password make it.
user=${LIVE_USER%%/*}
if ! id "${user}" > /dev/null 2>&1; then
	useradd --create-home --shell /bin/bash --comment "Live user" "${user}"
fi
for group in sudo adm audio video plugdev netdev; do
	if getent group "${group}" > /dev/null; then
		usermod -a -G "${group}" "${user}"
	fi
done
# The password through stdin (never in a process list), hashed with the image's salt: see
# strata_set_password in chroot-enter.sh.
printf '%s' "${LIVE_USER#*/}" | strata_set_password "${user}"
passwd --lock root > /dev/null

# A live system has no partitions of its own: live-boot mounts the root and writes fstab at boot.
printf '# Strata live system: live-boot mounts the root file system (a squashfs with an overlay).\n' > /etc/fstab
# Nor a disk for stage2's swap file: on the overlay root dphys-swapfile fails, and would fill the RAM.
systemctl mask dphys-swapfile.service

#!/bin/bash
# Strata's export preparation, run with bash -e inside a throw-away copy of the stage's root
# filesystem (a qcow2 overlay): the stage image itself is never changed by an export.
# export-clean.sh runs after it.
# Environment: BOOT_PARTUUID ROOT_PARTUUID ROOT_FS_UUID BOOT_DIR APT_MIRROR RELEASE TARGET_RASPI
# TARGET_ARCH BOOT_FSTYPE, plus the build's config.
set -euo pipefail

# fstab: the partitions by PARTUUID.
sed -i -e "s|^BOOTDEV|PARTUUID=${BOOT_PARTUUID}|" -e "s|^ROOTDEV|PARTUUID=${ROOT_PARTUUID}|" /etc/fstab
if ! grep -q "^PARTUUID=${ROOT_PARTUUID}[[:space:]]" /etc/fstab; then
	echo "export: /etc/fstab has no ROOTDEV line for the root file system (stage1 writes one)" >&2
	exit 1
fi

newest_kernel() {
	[ -d /lib/modules ] || return 0 # a stage set without a kernel (a container rootfs, a test)
	find /lib/modules -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort -V | tail -n 1
}

# ROOTFS_RO=1: the kernel command line asks stage1's initramfs script (strata-overlay) for the
# read-only root with its tmpfs of STRATA_RO_OVERLAY_SIZE (ROOTFS_RO_OVERLAY_TMPFS_SIZE in KiB).
ro_args=""
if [ "${ROOTFS_RO:-}" = "1" ]; then
	if [ ! -x /etc/initramfs-tools/scripts/init-bottom/strata-overlay ]; then
		echo "export: ROOTFS_RO=1 needs stage1's read-only root in the initramfs (04-read-only-root)" >&2
		exit 1
	fi
	ro_args="strata.overlay=${STRATA_RO_OVERLAY_SIZE}"
fi

if [ "${TARGET_RASPI}" = "1" ]; then
	# Debian's raspi-firmware writes cmdline.txt from ROOTPART and CONSOLES, now and after every
	# kernel update. In a chroot it cannot detect either, so the export sets them: the root partition
	# by PARTUUID, and (unless a stage set CONSOLES) the screen plus the board's serial port.
	defaults=/etc/default/raspi-firmware
	sed -i '/^ROOTPART=/d' "${defaults}"
	echo "ROOTPART=PARTUUID=${ROOT_PARTUUID}" >> "${defaults}"
	if ! grep -q '^CONSOLES=' "${defaults}"; then
		case "${TARGET_ARCH}" in
		arm64) echo 'CONSOLES="tty0 ttyS1,115200"' >> "${defaults}" ;;
		*) echo 'CONSOLES="tty0 ttyAMA0,115200"' >> "${defaults}" ;;
		esac
	fi
	if [ "${ROOTFS_RO:-}" = "1" ]; then
		# raspi-firmware appends these to cmdline.txt and config.txt, now and after kernel updates.
		echo "${ro_args}" >> /etc/default/raspi-extra-cmdline
		echo "disable_splash=1" >> /etc/default/raspi-firmware-custom
	fi
	kernel=$(newest_kernel)
	DEB_MAINT_PARAMS=configure /etc/kernel/postinst.d/z50-raspi-firmware "${kernel}"
	if ! grep -q "root=PARTUUID=${ROOT_PARTUUID}" "${BOOT_DIR}/cmdline.txt"; then
		echo "export: ${BOOT_DIR}/cmdline.txt does not name the root partition: $(cat "${BOOT_DIR}/cmdline.txt")" >&2
		exit 1
	fi
	if [ "${USE_QEMU}" = "1" ]; then
		# USE_QEMU=1: the image also boots in plain QEMU (the virt machine, QEMU's EFI firmware) from
		# the disk alone: UEFI GRUB on the boot partition starts the Debian kernel the image carries.
		case "${TARGET_ARCH}" in
		arm64) grub_package=grub-efi-arm64-bin grub_target=arm64-efi efi_file=BOOTAA64.EFI ;;
		*) grub_package=grub-efi-arm-bin grub_target=arm-efi efi_file=BOOTARM.EFI ;;
		esac
		apt-get -q -y -o Dpkg::Use-Pty=0 install --no-install-recommends "${grub_package}" grub2-common
		mkdir -p /boot/grub "${BOOT_DIR}/EFI/BOOT"
		cat > /boot/grub/grub.cfg << GRUB
# Written by Strata at export (USE_QEMU=1): QEMU's virt machine, console on its PL011 serial port.
set default=0
set timeout=0
menuentry "Debian GNU/Linux (QEMU virt)" {
	linux /boot/vmlinuz-${kernel} root=PARTUUID=${ROOT_PARTUUID} ro console=ttyAMA0 ${ro_args}
	initrd /boot/initrd.img-${kernel}
}
GRUB
		# shellcheck disable=SC2016 # $root is GRUB's variable, for GRUB to expand
		printf 'search.fs_uuid %s root\nset prefix=($root)/boot/grub\n' "${ROOT_FS_UUID}" > /tmp/grub-early.cfg
		grub-mkimage -O "${grub_target}" -c /tmp/grub-early.cfg -p /boot/grub -o "${BOOT_DIR}/EFI/BOOT/${efi_file}" \
			part_msdos ext2 search search_fs_uuid normal configfile linux echo test gzio
	fi
else
	# GRUB: grub.cfg by hand (update-grub would probe the build host's disks), the /vmlinuz and
	# /initrd.img links Debian keeps current, and core images that find the root file system by UUID.
	kernel=$(newest_kernel)
	linux=/vmlinuz initrd=/initrd.img
	[ -e /vmlinuz ] || linux=/boot/vmlinuz-${kernel}
	[ -e /initrd.img ] || initrd=/boot/initrd.img-${kernel}
	mkdir -p /boot/grub
	# GRUB_TIMEOUT, GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT from /etc/default/grub and
	# grub.d, as grub-mkconfig reads them. Defaults: no menu, and Debian's "quiet" (the kernel's
	# messages would otherwise hold up every boot on the 115200-baud serial console).
	grub_default() {
		(
			for defaults in /etc/default/grub /etc/default/grub.d/*.cfg; do
				# shellcheck source=/dev/null # the image's own GRUB defaults
				[ -f "${defaults}" ] && . "${defaults}"
			done
			case "$1" in
			timeout) echo "${GRUB_TIMEOUT:-0}" ;;
			cmdline) echo "${GRUB_CMDLINE_LINUX:-}" ;;
			cmdline_default) echo "${GRUB_CMDLINE_LINUX_DEFAULT-quiet}" ;;
			esac
		)
	}
	timeout=$(grub_default timeout)
	cmdline=$(grub_default cmdline)
	cmdline_default=$(grub_default cmdline_default)
	case "${timeout}" in
	'' | *[!0-9]*)
		echo "export: GRUB_TIMEOUT='${timeout}' in /etc/default/grub is not a number of seconds" >&2
		exit 1
		;;
	esac
	maintenance=""
	if [ "${ROOTFS_RO:-}" = "1" ]; then
		# The read-only root's way out: a second entry boots read-write; the menu waits 3 s to offer it.
		[ "${timeout}" -ge 3 ] || timeout=3
		maintenance="menuentry \"Debian GNU/Linux (maintenance: read-write root)\" {
	linux ${linux} root=PARTUUID=${ROOT_PARTUUID} ro console=tty0 console=ttyS0,115200 ${cmdline} strata.rw
	initrd ${initrd}
}"
	fi
	cat > /boot/grub/grub.cfg << GRUB
# Written by Strata at export. The kernel line names the root partition by PARTUUID.
set default=0
set timeout=${timeout}
serial --unit=0 --speed=115200
terminal_input console serial
terminal_output console serial
menuentry "Debian GNU/Linux" {
	linux ${linux} root=PARTUUID=${ROOT_PARTUUID} ro console=tty0 console=ttyS0,115200 ${cmdline} ${cmdline_default} ${ro_args}
	initrd ${initrd}
}
${maintenance}
# Entries a stage adds (stage_rescue: memtest86+), as Debian's 41_custom does.
if [ -f \${prefix}/custom.cfg ]; then
	source \${prefix}/custom.cfg
fi
GRUB
	# shellcheck disable=SC2016 # $root is GRUB's variable, for GRUB to expand
	printf 'search.fs_uuid %s root\nset prefix=($root)/boot/grub\n' "${ROOT_FS_UUID}" > /tmp/grub-early.cfg
	modules="part_msdos ext2 search search_fs_uuid normal configfile linux echo test serial terminal boot gzio"
	mkdir -p /boot/grub/i386-pc
	# shellcheck disable=SC2086
	grub-mkimage -O i386-pc -c /tmp/grub-early.cfg -p /boot/grub -o /boot/grub/i386-pc/core.img biosdisk linux16 ${modules}
	cp /usr/lib/grub/i386-pc/boot.img /boot/grub/i386-pc/boot.img
	if [ -d /usr/lib/grub/x86_64-efi ] && [ "${BOOT_FSTYPE}" = "vfat" ]; then
		mkdir -p "${BOOT_DIR}/EFI/BOOT"
		# shellcheck disable=SC2086
		grub-mkimage -O x86_64-efi -c /tmp/grub-early.cfg -p /boot/grub -o "${BOOT_DIR}/EFI/BOOT/BOOTX64.EFI" \
			${modules} part_gpt efi_gop efi_uga all_video
	fi
fi

if [ "${ROOTFS_RO:-}" = "1" ]; then
	# Nothing that only writes to disk runs on a read-only root: timers of apt, man-db, logrotate,
	# e2scrub and fstrim, GRUB's record of a good boot (grub-common.service writes /boot/grub/grubenv,
	# which the overlay does not cover), and the swap file (it would fill the tmpfs). journald keeps its
	# log in memory.
	systemctl mask apt-daily.timer apt-daily-upgrade.timer apt-daily.service apt-daily-upgrade.service \
		man-db.timer logrotate.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer dphys-swapfile.service \
		grub-common.service
	mkdir -p /etc/systemd/journald.conf.d
	printf '[Journal]\nStorage=volatile\n' > /etc/systemd/journald.conf.d/50-strata-read-only-root.conf
	# Each device makes its own SSH host keys on its first boot (an image's keys would be shared by
	# every device flashed from it), kept on the boot partition, which only root can read.
	awk -v dir="${BOOT_DIR}" '$2 == dir && $1 !~ /^#/ { $4 = $4 ",fmask=0177,dmask=0077" } { print }' /etc/fstab > /etc/fstab.strata
	mv /etc/fstab.strata /etc/fstab
	if [ -f /etc/systemd/system/strata-ssh-host-keys.service ]; then
		cat > /usr/local/sbin/strata-ssh-host-keys << 'KEYS'
#!/bin/sh -e
# A read-only root's SSH host keys: made on the first boot, kept in $1 (on the boot partition).
keep=$1
if ls "${keep}"/ssh_host_*_key > /dev/null 2>&1; then
	for file in "${keep}"/ssh_host_*; do
		install -m 0600 "${file}" /etc/ssh/
	done
	chmod 0644 /etc/ssh/ssh_host_*.pub
else
	ssh-keygen -A
	mkdir -p "${keep}"
	cp /etc/ssh/ssh_host_* "${keep}/"
	sync
fi
KEYS
		chmod 0755 /usr/local/sbin/strata-ssh-host-keys
		cat > /etc/systemd/system/strata-ssh-host-keys.service << UNIT
[Unit]
Description=SSH host keys of this device, kept on the boot partition (read-only root)
Before=ssh.service
RequiresMountsFor=${BOOT_DIR}

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/strata-ssh-host-keys ${BOOT_DIR}/strata-ssh-host-keys

[Install]
WantedBy=multi-user.target ssh.service
UNIT
	fi
fi

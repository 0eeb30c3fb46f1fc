# Strata's export preparation, run with bash -e inside a throw-away copy of the stage's root
# filesystem (a qcow2 overlay): the stage image itself is never changed by an export.
# export-clean.sh runs after it.
# Environment: BOOT_PARTUUID ROOT_PARTUUID ROOT_FS_UUID BOOT_DIR APT_MIRROR RELEASE TARGET_RASPI
# TARGET_ARCH BOOT_FSTYPE, plus the build's config.

# fstab: the partitions by PARTUUID.
sed -i -e "s|^BOOTDEV|PARTUUID=${BOOT_PARTUUID}|" -e "s|^ROOTDEV|PARTUUID=${ROOT_PARTUUID}|" /etc/fstab
if ! grep -q "^PARTUUID=${ROOT_PARTUUID}[[:space:]]" /etc/fstab; then
	echo "export: /etc/fstab has no ROOTDEV line for the root file system (stage1 writes one)" >&2
	exit 1
fi

newest_kernel() {
	ls /lib/modules | sort -V | tail -n 1
}

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
	kernel=$(newest_kernel)
	DEB_MAINT_PARAMS=configure /etc/kernel/postinst.d/z50-raspi-firmware "${kernel}"
	if ! grep -q "root=PARTUUID=${ROOT_PARTUUID}" "${BOOT_DIR}/cmdline.txt"; then
		echo "export: ${BOOT_DIR}/cmdline.txt does not name the root partition: $(cat "${BOOT_DIR}/cmdline.txt")" >&2
		exit 1
	fi
else
	# GRUB: grub.cfg by hand (update-grub would probe the build host's disks), the /vmlinuz and
	# /initrd.img links Debian keeps current, and core images that find the root file system by UUID.
	kernel=$(newest_kernel)
	linux=/vmlinuz initrd=/initrd.img
	[ -e /vmlinuz ] || linux=/boot/vmlinuz-${kernel}
	[ -e /initrd.img ] || initrd=/boot/initrd.img-${kernel}
	mkdir -p /boot/grub
	# GRUB_TIMEOUT from /etc/default/grub and grub.d, as grub-mkconfig reads it (default 0: no menu).
	timeout=$(
		for defaults in /etc/default/grub /etc/default/grub.d/*.cfg; do
			[ -f "${defaults}" ] && . "${defaults}"
		done
		echo "${GRUB_TIMEOUT:-0}"
	)
	case "${timeout}" in
	'' | *[!0-9]*)
		echo "export: GRUB_TIMEOUT='${timeout}' in /etc/default/grub is not a number of seconds" >&2
		exit 1
		;;
	esac
	cat > /boot/grub/grub.cfg << GRUB
# Written by Strata at export. The kernel line names the root partition by PARTUUID.
set default=0
set timeout=${timeout}
serial --unit=0 --speed=115200
terminal_input console serial
terminal_output console serial
menuentry "Debian GNU/Linux" {
	linux ${linux} root=PARTUUID=${ROOT_PARTUUID} ro console=tty0 console=ttyS0,115200
	initrd ${initrd}
}
# Entries a stage adds (stage_rescue: memtest86+), as Debian's 41_custom does.
if [ -f \${prefix}/custom.cfg ]; then
	source \${prefix}/custom.cfg
fi
GRUB
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

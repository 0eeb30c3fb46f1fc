#!/bin/bash
# On a PC, the GRUB menu lists memtest86+ and is shown again, for 5 seconds. The export writes
# grub.cfg; it reads GRUB_TIMEOUT from /etc/default/grub(.d) and sources /boot/grub/custom.cfg.
set -euo pipefail
if [ "${TARGET_RASPI}" = "1" ]; then
	exit 0
fi
# memtest86+ ships 32- and 64-bit builds: the one for the target's CPU goes into the menu.
case "${TARGET_ARCH}" in
amd64) flavour=x64 ;;
*) flavour=ia32 ;;
esac
mkdir -p /etc/default/grub.d /boot/grub
echo 'GRUB_TIMEOUT=5' > /etc/default/grub.d/50-strata-rescue.cfg
{
	# shellcheck disable=SC2016 # GRUB's own variable, for GRUB to expand
	echo 'if [ "${grub_platform}" = "efi" ]; then'
	efi=/boot/memtest86+${flavour}.efi
	if [ -e "${efi}" ]; then
		printf '\tmenuentry "Memory test (%s)" {\n\t\tlinux %s\n\t}\n' "${efi##*/}" "${efi}"
	fi
	echo 'else'
	bin=/boot/memtest86+${flavour}.bin
	if [ -e "${bin}" ]; then
		printf '\tmenuentry "Memory test (%s)" {\n\t\tlinux16 %s\n\t}\n' "${bin##*/}" "${bin}"
	fi
	echo 'fi'
} > /boot/grub/custom.cfg
if ! grep -q menuentry /boot/grub/custom.cfg; then
	echo "stage_rescue: memtest86+ installed no /boot/memtest86+${flavour}.bin or .efi" >&2
	exit 1
fi

#!/bin/bash
# GRUB for a PC live ISO, run with bash -e inside the export's copy of the stage's root filesystem
# after its squashfs is written: the image's own GRUB builds the El Torito (BIOS) and EFI boot
# images, which find the ISO by the marker file LIVE_MARKER. Output goes to /var/tmp/strata-live.
# Environment: LIVE_MARKER, TARGET_ARCH.
set -euo pipefail
out=/var/tmp/strata-live
mkdir -p "${out}"
# shellcheck disable=SC2016 # $root is GRUB's variable, for GRUB to expand
printf 'search --no-floppy --file --set=root %s\nset prefix=($root)/boot/grub\n' "${LIVE_MARKER}" > "${out}/early.cfg"
modules="iso9660 part_msdos search search_fs_file normal configfile linux echo test serial terminal boot gzio"
# shellcheck disable=SC2086
grub-mkimage -O i386-pc-eltorito -c "${out}/early.cfg" -p /boot/grub -o "${out}/eltorito.img" biosdisk ${modules}
cp /usr/lib/grub/i386-pc/boot_hybrid.img "${out}/boot_hybrid.img"
if [ -d /usr/lib/grub/x86_64-efi ]; then
	# shellcheck disable=SC2086
	grub-mkimage -O x86_64-efi -c "${out}/early.cfg" -p /boot/grub -o "${out}/bootx64.efi" \
		${modules} part_gpt fat efi_gop efi_uga all_video
fi

#!/bin/bash
# The kernel and the bootloader's files for the target. The initramfs is built once, when the
# stage ends; the export writes the boot partition and the boot sectors.
# zstd: initramfs-tools compresses with it when present (faster to make and to unpack at boot than gzip).
set -euo pipefail
packages=(initramfs-tools zstd)
if [ "${TARGET_RASPI}" = "1" ]; then
	# Debian's Raspberry Pi firmware (non-free-firmware) installs kernel, initrd, DTBs,
	# config.txt and cmdline.txt into /boot/firmware and keeps them current.
	case "${TARGET_ARCH}" in
	arm64) packages+=(linux-image-arm64) ;;
	armhf) packages+=(linux-image-armmp) ;;
	esac
	packages+=(raspi-firmware)
else
	case "${TARGET_ARCH}" in
	amd64) packages+=(linux-image-amd64 grub-pc-bin grub-efi-amd64-bin grub2-common) ;;
	i386) packages+=(linux-image-686 grub-pc-bin grub2-common) ;;
	esac
fi
apt-get -q -y -o Dpkg::Use-Pty=0 install --no-install-recommends "${packages[@]}"

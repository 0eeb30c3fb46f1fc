#!/bin/bash
# Kernel headers for building modules: the headers of the kernel the image carries.
set -euo pipefail
case "${TARGET_ARCH}" in
amd64) flavour=amd64 ;;
i386) flavour=686 ;;
arm64) flavour=arm64 ;;
armhf) flavour=armmp ;;
esac
apt-get -q -y -o Dpkg::Use-Pty=0 install --no-install-recommends "linux-headers-${flavour}"

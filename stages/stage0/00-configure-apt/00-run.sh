#!/bin/bash
# apt in the image: no Recommends unless INSTALL_RECOMMENDS=1.
set -euo pipefail
if [ "${INSTALL_RECOMMENDS:-}" != "1" ]; then
	printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
		> "${ROOTFS_DIR}/etc/apt/apt.conf.d/90strata-no-recommends"
fi

# REDUCED_FOOTPRINT=1: no documentation (copyright files stay), no manual pages and only the
# default locale's translations, for what is installed now and what later stages install.
if [ "${REDUCED_FOOTPRINT:-}" = "1" ]; then
	lang=${LOCALE_DEFAULT%%.*}
	cat > "${ROOTFS_DIR}/etc/dpkg/dpkg.cfg.d/90strata-reduced-footprint" << DPKG
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/groff/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/lintian/*
path-exclude=/usr/share/linda/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
path-include=/usr/share/locale/${lang}/*
path-include=/usr/share/locale/${lang%%_*}/*
DPKG
	find "${ROOTFS_DIR}/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete
	find "${ROOTFS_DIR}/usr/share/doc" -mindepth 1 -type d -empty -delete
	rm -rf "${ROOTFS_DIR}/usr/share/man/"* "${ROOTFS_DIR}/usr/share/info/"* "${ROOTFS_DIR}/usr/share/lintian/"*
	find "${ROOTFS_DIR}/usr/share/locale" -mindepth 1 -maxdepth 1 -type d \
		! -name "${lang}" ! -name "${lang%%_*}" -exec rm -rf {} +
fi

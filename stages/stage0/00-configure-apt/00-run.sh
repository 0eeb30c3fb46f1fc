#!/bin/bash -e
# apt in the image: no Recommends unless INSTALL_RECOMMENDS=1.
if [ "${INSTALL_RECOMMENDS}" != "1" ]; then
	printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
		> "${ROOTFS_DIR}/etc/apt/apt.conf.d/90strata-no-recommends"
fi

#!/bin/bash
# The first user, in the sudo group, with FIRST_USER_PASS stored hashed; root's password locked.
# strata_set_password (Strata's, in every chroot step) takes the password on stdin and hashes it with
# the image's own salt, so a rebuild of this config writes the same /etc/shadow.
set -euo pipefail
if ! id -u "${FIRST_USER_NAME}" > /dev/null 2>&1; then
	useradd --create-home --shell /bin/bash --groups sudo "${FIRST_USER_NAME}"
fi
printf '%s' "${FIRST_USER_PASS}" | strata_set_password "${FIRST_USER_NAME}"
passwd --lock root

#!/bin/bash
# The first user, in the sudo group, with FIRST_USER_PASS stored hashed; root's password locked.
set -euo pipefail
if ! id -u "${FIRST_USER_NAME}" > /dev/null 2>&1; then
	useradd --create-home --shell /bin/bash --groups sudo "${FIRST_USER_NAME}"
fi
printf '%s:%s\n' "${FIRST_USER_NAME}" "${FIRST_USER_PASS}" | chpasswd
passwd --lock root

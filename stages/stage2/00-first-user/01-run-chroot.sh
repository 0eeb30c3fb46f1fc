#!/bin/bash
# The first user, in the sudo group, with FIRST_USER_PASS stored hashed; root's password locked.
set -euo pipefail
if ! id -u "${FIRST_USER_NAME}" > /dev/null 2>&1; then
	useradd --create-home --shell /bin/bash --groups sudo "${FIRST_USER_NAME}"
fi
# Hashed with the salt Strata gives (STRATA_PASSWORD_SALT, yescrypt, the same in every build of this
# config), so a rebuild writes the same /etc/shadow; chpasswd's random salt where there is none, or
# where the image's crypt() cannot make that hash. The password goes through stdin only.
hash=""
if [ -n "${STRATA_PASSWORD_SALT:-}" ] && [ -n "${FIRST_USER_PASS}" ]; then
	# shellcheck disable=SC2016 # perl expands its own variables
	hash=$(printf '%s' "${FIRST_USER_PASS}" | perl -e 'my $password = do { local $/; <STDIN> };
		my $setting = $ENV{STRATA_PASSWORD_SALT}; my $hash = crypt($password, $setting);
		print $hash if defined $hash && index($hash, $setting . "\$") == 0;')
fi
if [ -n "$hash" ]; then
	printf '%s:%s\n' "${FIRST_USER_NAME}" "$hash" | chpasswd --encrypted
else
	printf '%s:%s\n' "${FIRST_USER_NAME}" "${FIRST_USER_PASS}" | chpasswd
fi
passwd --lock root

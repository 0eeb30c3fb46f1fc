# ENABLE_SSH, PUBKEY_SSH_FIRST_USER, PUBKEY2_SSH_FIRST_USER, PUBKEY_ONLY_SSH. Host keys are made
# on first boot, so no two images share them (the export removes any made during the build).
cat > /etc/systemd/system/strata-ssh-host-keys.service << UNIT
[Unit]
Description=Generate SSH host keys on first boot
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A

[Install]
WantedBy=multi-user.target ssh.service
UNIT
systemctl enable strata-ssh-host-keys.service
if [ "${ENABLE_SSH}" = "1" ]; then
	systemctl enable ssh.service
else
	systemctl disable ssh.service
fi

home=$(getent passwd "${FIRST_USER_NAME}" | cut -d: -f6)
if [ -n "${PUBKEY_SSH_FIRST_USER}${PUBKEY2_SSH_FIRST_USER}" ]; then
	install -d -m 0700 -o "${FIRST_USER_NAME}" -g "${FIRST_USER_NAME}" "${home}/.ssh"
	for key in "${PUBKEY_SSH_FIRST_USER}" "${PUBKEY2_SSH_FIRST_USER}"; do
		if [ -n "${key}" ]; then
			printf '%s\n' "${key}"
		fi
	done > "${home}/.ssh/authorized_keys"
	chown "${FIRST_USER_NAME}:${FIRST_USER_NAME}" "${home}/.ssh/authorized_keys"
	chmod 0600 "${home}/.ssh/authorized_keys"
fi
mkdir -p /etc/ssh/sshd_config.d
if [ "${PUBKEY_ONLY_SSH}" = "1" ]; then
	printf 'PasswordAuthentication no\nKbdInteractiveAuthentication no\n' > /etc/ssh/sshd_config.d/10-strata-pubkey-only.conf
else
	rm -f /etc/ssh/sshd_config.d/10-strata-pubkey-only.conf
fi

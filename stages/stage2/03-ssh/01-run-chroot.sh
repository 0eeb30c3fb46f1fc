#!/bin/bash
# ENABLE_SSH, PUBKEY_SSH_FIRST_USER, PUBKEY2_SSH_FIRST_USER, PUBKEY_ONLY_SSH. Host keys are made
# on first boot, so no two images share them (the export removes any made during the build).
# Ed25519 and ECDSA keys take a moment and are there before sshd starts; the RSA key takes most of
# a minute on a slow or emulated machine, so it is made after the boot, and sshd is reloaded to offer it.
set -euo pipefail
cat > /usr/local/sbin/strata-ssh-keygen << 'KEYGEN'
#!/bin/sh -e
# strata-ssh-keygen TYPE...: the host keys of these types that do not exist yet, each written
# under a temporary name and renamed, so a boot cut short never leaves half a key.
for type in "$@"; do
	key=/etc/ssh/ssh_host_${type}_key
	[ -e "${key}" ] && continue
	rm -f "${key}.new" "${key}.new.pub"
	ssh-keygen -q -N '' -t "${type}" -C "root@$(hostname)" -f "${key}.new"
	mv "${key}.new.pub" "${key}.pub"
	mv "${key}.new" "${key}"
done
KEYGEN
chmod 0755 /usr/local/sbin/strata-ssh-keygen
cat > /etc/systemd/system/strata-ssh-host-keys.service << UNIT
[Unit]
Description=Generate SSH host keys on first boot
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/strata-ssh-keygen ed25519 ecdsa

[Install]
WantedBy=multi-user.target ssh.service
UNIT
cat > /etc/systemd/system/strata-ssh-host-rsa-key.service << UNIT
[Unit]
Description=Generate the SSH RSA host key on first boot, after the boot
After=strata-ssh-host-keys.service ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_rsa_key

[Service]
# exec: the boot does not wait for the key; the unit ends when the key is made and sshd offers it.
Type=exec
Nice=19
ExecStart=/bin/sh -c '/usr/local/sbin/strata-ssh-keygen rsa && systemctl try-reload-or-restart ssh.service'

[Install]
WantedBy=multi-user.target
UNIT
systemctl enable strata-ssh-host-keys.service strata-ssh-host-rsa-key.service
if [ "${ENABLE_SSH}" = "1" ]; then
	systemctl enable ssh.service
else
	systemctl disable ssh.service
fi

home=$(getent passwd "${FIRST_USER_NAME}" | cut -d: -f6)
if [ -n "${PUBKEY_SSH_FIRST_USER:-}${PUBKEY2_SSH_FIRST_USER:-}" ]; then
	install -d -m 0700 -o "${FIRST_USER_NAME}" -g "${FIRST_USER_NAME}" "${home}/.ssh"
	for key in "${PUBKEY_SSH_FIRST_USER:-}" "${PUBKEY2_SSH_FIRST_USER:-}"; do
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

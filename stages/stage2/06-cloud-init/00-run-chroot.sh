#!/bin/bash
# ENABLE_CLOUD_INIT=1: cloud-init, with a NoCloud seed on the boot partition (user-data, meta-data,
# network-config), which a user edits on the flashed card from any computer before the first boot.
# Strata's own first-boot work stands unless user-data asks otherwise: no default user, the SSH host
# keys of strata-ssh-keygen, the image's apt sources and locale.
set -euo pipefail
if [ "${ENABLE_CLOUD_INIT}" != "1" ]; then
	exit 0
fi
apt-get -q -y -o Dpkg::Use-Pty=0 install --no-install-recommends cloud-init iproute2

if [ "${TARGET_RASPI}" = "1" ]; then
	boot=/boot/firmware
else
	boot=/boot/efi
fi
mkdir -p "${boot}" /var/lib/cloud/seed /etc/systemd/system/cloud-init-local.service.d
# NoCloud reads its seed directory; here that is the boot partition, mounted before cloud-init looks.
ln -sfn "${boot}" /var/lib/cloud/seed/nocloud
printf '[Unit]\nRequiresMountsFor=%s\n' "${boot}" > /etc/systemd/system/cloud-init-local.service.d/strata-seed.conf
# ds-identify runs before any mount, so it cannot see the seed: cloud-init is always on.
printf 'policy: enabled\n' > /etc/cloud/ds-identify.cfg
cat > /etc/cloud/cloud.cfg.d/99-strata.cfg << 'CFG'
# Strata: the NoCloud seed on the boot partition (/var/lib/cloud/seed/nocloud links to it).
datasource_list: [ NoCloud, None ]
# The image's first user is Strata's FIRST_USER_NAME: no extra default user.
users: []
# SSH host keys are made on first boot by strata-ssh-keygen; cloud-init keeps them.
ssh_deletekeys: false
ssh_genkeytypes: []
no_ssh_fingerprints: true
# The image's apt sources (APT_MIRROR) and locale (LOCALE_DEFAULT) stay unless user-data sets them.
apt:
  preserve_sources_list: true
locale: false
# A host name from user-data also names this machine in /etc/hosts.
manage_etc_hosts: localhost
# network-config is written for systemd-networkd, the image's own network stack.
system_info:
  network:
    renderers: [ networkd, netplan, eni ]
CFG

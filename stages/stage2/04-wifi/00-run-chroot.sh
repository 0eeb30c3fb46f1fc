#!/bin/bash
# WPA_ESSID, WPA_PASSWORD, WPA_COUNTRY: wlan0 joins the network on boot. The passphrase is stored
# only as its derived PSK (wpa_passphrase reads it from standard input, never from argv).
set -euo pipefail
if [ -z "${WPA_ESSID:-}" ]; then
	exit 0
fi
packages=(wpasupplicant)
if [ "${TARGET_RASPI}" = "1" ]; then
	packages+=(firmware-brcm80211)
fi
apt-get -q -y -o Dpkg::Use-Pty=0 install --no-install-recommends "${packages[@]}"

conf=/etc/wpa_supplicant/wpa_supplicant-wlan0.conf
# The network's name is written in hex, so any byte of it (a quote, a space, a newline) is data.
ssid=$(printf '%s' "${WPA_ESSID:-}" | od -An -v -tx1 | tr -d ' \n')
umask 077
{
	echo "ctrl_interface=DIR=/run/wpa_supplicant GROUP=netdev"
	echo "update_config=1"
	if [ -n "${WPA_COUNTRY:-}" ]; then
		echo "country=${WPA_COUNTRY:-}"
	fi
	printf 'network={\n\tssid=%s\n' "${ssid}"
	if [ -n "${WPA_PASSWORD:-}" ]; then
		psk=$(printf '%s\n' "${WPA_PASSWORD:-}" | wpa_passphrase "${WPA_ESSID:-}" | awk -F= '$1 ~ /^[[:space:]]*psk$/ { print $2 }')
		if [ "${#psk}" != 64 ]; then
			echo "wpa_passphrase gave no PSK for WPA_ESSID" >&2
			exit 1
		fi
		printf '\tpsk=%s\n' "${psk}"
	else
		printf '\tkey_mgmt=NONE\n'
	fi
	printf '}\n'
} > "${conf}"
umask 022
cat > /etc/systemd/network/25-wireless.network << NETWORK
[Match]
Name=wlan0

[Network]
DHCP=yes
NETWORK
# Started when wlan0 appears, so a machine without Wi-Fi boots without waiting for it.
wants=/etc/systemd/system/sys-subsystem-net-devices-wlan0.device.wants
mkdir -p "${wants}"
ln -sf /lib/systemd/system/wpa_supplicant@.service "${wants}/wpa_supplicant@wlan0.service"

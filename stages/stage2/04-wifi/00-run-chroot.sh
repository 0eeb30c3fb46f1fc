# WPA_ESSID, WPA_PASSWORD, WPA_COUNTRY: wlan0 joins the network on boot. The passphrase is stored
# only as its derived PSK (wpa_passphrase reads it from standard input, never from argv).
if [ -z "${WPA_ESSID}" ]; then
	exit 0
fi
packages=(wpasupplicant)
if [ "${TARGET_RASPI}" = "1" ]; then
	packages+=(firmware-brcm80211)
fi
apt-get -q -y -o Dpkg::Use-Pty=0 install --no-install-recommends "${packages[@]}"

conf=/etc/wpa_supplicant/wpa_supplicant-wlan0.conf
umask 077
{
	echo "ctrl_interface=DIR=/run/wpa_supplicant GROUP=netdev"
	echo "update_config=1"
	if [ -n "${WPA_COUNTRY}" ]; then
		echo "country=${WPA_COUNTRY}"
	fi
	if [ -n "${WPA_PASSWORD}" ]; then
		printf '%s\n' "${WPA_PASSWORD}" | wpa_passphrase "${WPA_ESSID}" | grep -v '^[[:space:]]*#psk='
	else
		printf 'network={\n\tssid="%s"\n\tkey_mgmt=NONE\n}\n' "${WPA_ESSID}"
	fi
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

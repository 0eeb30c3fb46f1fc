#!/bin/bash
# The login screen shows Debian's desktop artwork, and LightDM is the display manager systemd starts.
set -euo pipefail
conf=/etc/lightdm/lightdm-gtk-greeter.conf
if ! grep -q '^background=' "${conf}"; then
	printf 'background=/usr/share/desktop-base/active-theme/login/background.svg\n' >> "${conf}"
fi
echo /usr/sbin/lightdm > /etc/X11/default-display-manager
ln -sf /lib/systemd/system/lightdm.service /etc/systemd/system/display-manager.service
systemctl set-default graphical.target

#!/bin/bash
# SDDM is the display manager systemd starts, with the Breeze theme.
set -euo pipefail
echo /usr/bin/sddm > /etc/X11/default-display-manager
ln -sf /lib/systemd/system/sddm.service /etc/systemd/system/display-manager.service
mkdir -p /etc/sddm.conf.d
printf '[Theme]\nCurrent=breeze\n' > /etc/sddm.conf.d/10-strata-theme.conf
systemctl set-default graphical.target
# Plasma is the session SDDM offers first: it preselects the last one used, or else the first in
# /usr/share/xsessions, which is stage3a's dwm.
if [ ! -e /var/lib/sddm/state.conf ]; then
	printf '[Last]\nSession=/usr/share/xsessions/plasma.desktop\n' > /var/lib/sddm/state.conf
	chown sddm:sddm /var/lib/sddm/state.conf
fi

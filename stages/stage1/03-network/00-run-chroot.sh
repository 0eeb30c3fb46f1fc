#!/bin/bash
# Wired networking by DHCP on any Ethernet interface, with systemd-networkd and systemd-resolved;
# time from the network with systemd-timesyncd.
set -euo pipefail
mkdir -p /etc/systemd/network
cat > /etc/systemd/network/20-wired.network << NETWORK
[Match]
Name=en* eth*

[Network]
DHCP=yes
NETWORK
systemctl enable systemd-networkd systemd-resolved systemd-timesyncd

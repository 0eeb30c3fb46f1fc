#!/bin/bash
# The system boots into X: dwm for FIRST_USER_NAME on the console (tty7), in a login session of
# its own, so X runs without root. A stage built on this one that enables a display manager
# (stage3b_lxde, stage3b_kde) replaces it: the session starts only while no display manager is set.
# To boot to a console login instead, put a SKIP file into this substage.
set -euo pipefail
cat > /etc/systemd/system/strata-x-session.service << UNIT
[Unit]
Description=X session with dwm for ${FIRST_USER_NAME}
Documentation=man:dwm(1) man:startx(1)
ConditionPathExists=!/etc/systemd/system/display-manager.service
After=systemd-user-sessions.service systemd-logind.service dbus.socket
Wants=dbus.socket systemd-logind.service
Conflicts=getty@tty7.service

[Service]
User=${FIRST_USER_NAME}
PAMName=login
TTYPath=/dev/tty7
TTYReset=yes
TTYVHangup=yes
StandardInput=tty-fail
StandardOutput=journal
StandardError=journal
UtmpIdentifier=tty7
UtmpMode=user
WorkingDirectory=~
ExecStartPre=+/usr/bin/chvt 7
ExecStart=/usr/bin/startx /usr/bin/dwm -- vt7 -keeptty -nolisten tcp
Restart=on-failure
RestartSec=5

[Install]
WantedBy=graphical.target
UNIT
systemctl enable strata-x-session.service
systemctl set-default graphical.target

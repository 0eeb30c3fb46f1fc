#!/bin/bash
# KEYBOARD_KEYMAP (an XKB layout such as us, gb, de) and KEYBOARD_LAYOUT (its description).
set -euo pipefail
debconf-set-selections << DEBCONF
keyboard-configuration	keyboard-configuration/xkb-keymap	select	${KEYBOARD_KEYMAP}
keyboard-configuration	keyboard-configuration/layoutcode	string	${KEYBOARD_KEYMAP}
keyboard-configuration	keyboard-configuration/variant	select	${KEYBOARD_LAYOUT}
keyboard-configuration	keyboard-configuration/model	select	Generic 105-key PC
DEBCONF
apt-get -q -y -o Dpkg::Use-Pty=0 install --no-install-recommends keyboard-configuration
cat > /etc/default/keyboard << KEYBOARD
# KEYBOARD CONFIGURATION FILE (written by Strata from KEYBOARD_KEYMAP)
XKBMODEL="pc105"
XKBLAYOUT="${KEYBOARD_KEYMAP}"
XKBVARIANT=""
XKBOPTIONS=""
BACKSPACE="guess"
KEYBOARD

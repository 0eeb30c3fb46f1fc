#!/bin/bash
# A 100 MB swap file, as Raspberry Pi OS has (dphys-swapfile's own default is twice the RAM).
set -euo pipefail
sed -i -e 's/^#\?CONF_SWAPSIZE=.*/CONF_SWAPSIZE=100/' /etc/dphys-swapfile
grep -q '^CONF_SWAPSIZE=100$' /etc/dphys-swapfile || echo 'CONF_SWAPSIZE=100' >> /etc/dphys-swapfile

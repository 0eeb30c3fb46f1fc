# SDDM is the display manager systemd starts, with the Breeze theme.
echo /usr/bin/sddm > /etc/X11/default-display-manager
ln -sf /lib/systemd/system/sddm.service /etc/systemd/system/display-manager.service
mkdir -p /etc/sddm.conf.d
printf '[Theme]\nCurrent=breeze\n' > /etc/sddm.conf.d/10-strata-theme.conf
systemctl set-default graphical.target

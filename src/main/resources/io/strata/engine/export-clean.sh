# The last step of every export (disk image or live media), run with bash -e inside the export's
# throw-away copy of the stage's root filesystem, never with the shared package cache bound:
# apt for the installed system, and nothing one machine should share with another.
# Environment: APT_MIRROR RELEASE.

# apt: the installed system's mirror (APT_MIRROR), no build proxy, no lists or downloaded packages.
if [ -f /etc/apt/sources.list ]; then
	components=$(awk '$1 == "deb" { for (i = 4; i <= NF; i++) printf "%s%s", (i > 4 ? " " : ""), $i; exit }' /etc/apt/sources.list)
	components=${components:-main}
	{
		echo "deb ${APT_MIRROR} ${RELEASE} ${components}"
		echo "deb ${APT_MIRROR} ${RELEASE}-updates ${components}"
		echo "deb http://deb.debian.org/debian-security ${RELEASE}-security ${components}"
	} > /etc/apt/sources.list
fi
rm -f /etc/apt/apt.conf.d/99strata-build-proxy
apt-get clean
rm -rf /var/lib/apt/lists/*

# Per-machine identity is made on first boot: ssh host keys (strata-ssh-host-keys.service), machine-id.
rm -f /etc/ssh/ssh_host_*
: > /etc/machine-id
rm -f /var/lib/dbus/machine-id
rm -f /var/lib/systemd/random-seed /var/cache/debconf/*-old /var/lib/dpkg/*-old /root/.bash_history
find /var/log -type f \( -name '*.gz' -o -name '*.[0-9]' \) -delete
# /tmp is the image's own during a build (stage scripts share it): the exported system starts it empty.
find /tmp -xdev -mindepth 1 -delete
find /var/log -type f -exec truncate -s 0 {} +

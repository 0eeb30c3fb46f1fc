#!/bin/bash
# The last step of every export (disk image or live media), run with bash -e inside the export's
# throw-away copy of the stage's root filesystem, never with the shared package cache bound:
# apt for the installed system, and nothing one machine should share with another.
# Environment: APT_MIRROR RELEASE STRATA_APT_SOURCES SOURCE_DATE_EPOCH.
set -euo pipefail

# apt: the installed system's mirror (APT_MIRROR), no build proxy, no lists or downloaded packages.
# The components are the build's (from whichever form its sources have); the form is the release's
# own: one-line sources.list up to bookworm, deb822 debian.sources from trixie on
# (STRATA_APT_SOURCES, set by Strata from RELEASE).
deb822=/etc/apt/sources.list.d/debian.sources
components=""
if [ -f /etc/apt/sources.list ]; then
	components=$(awk '$1 == "deb" { for (i = 4; i <= NF; i++) printf "%s%s", (i > 4 ? " " : ""), $i; exit }' /etc/apt/sources.list)
fi
if [ -z "$components" ] && [ -f "$deb822" ]; then
	components=$(awk -F': *' '$1 == "Components" { print $2; exit }' "$deb822")
fi
components=${components:-main}
if [ "${STRATA_APT_SOURCES:-list}" = deb822 ]; then
	rm -f /etc/apt/sources.list
	mkdir -p /etc/apt/sources.list.d
	cat > "$deb822" << SOURCES
Types: deb
URIs: ${APT_MIRROR}
Suites: ${RELEASE} ${RELEASE}-updates
Components: ${components}
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: ${RELEASE}-security
Components: ${components}
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
else
	rm -f "$deb822"
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

# Caches that record when (or in which inode) the build made what they index: each system rebuilds
# its own (ldconfig's aux cache at the next ldconfig, man-db's index by its daily timer, fontconfig's
# at the first fc-cache or application start).
rm -f /var/cache/ldconfig/aux-cache
find /var/cache/man /var/cache/fontconfig -mindepth 1 -delete 2>/dev/null || true

# fake-hwclock's saved time (the clock a board without one starts from) is the build's moment: the
# source date instead, the time the image was made from.
if [ -f /etc/fake-hwclock.data ]; then
	date -u -d "@${SOURCE_DATE_EPOCH:?}" '+%Y-%m-%d %H:%M:%S' > /etc/fake-hwclock.data
fi

# The day each password was last changed (shadow's third field) is the build's day: the source date's
# day instead, so a rebuild on another day writes the same /etc/shadow. An empty or 0 field (no aging,
# or "change at next login") stays as it is.
days=$(( ${SOURCE_DATE_EPOCH:?} / 86400 ))
for file in /etc/shadow /etc/shadow-; do
	if [ -f "$file" ]; then
		awk -F: -v OFS=: -v days="$days" '$3 != "" && $3 != "0" { $3 = days } { print }' "$file" > "$file.strata-new"
		chmod --reference="$file" "$file.strata-new"
		chown --reference="$file" "$file.strata-new"
		mv "$file.strata-new" "$file"
	fi
done
find /var/log -type f \( -name '*.gz' -o -name '*.[0-9]' \) -delete
# /tmp is the image's own during a build (stage scripts share it): the exported system starts it empty.
find /tmp -xdev -mindepth 1 -delete
find /var/log -type f -exec truncate -s 0 {} +

#!/bin/bash
# LOCALE_DEFAULT and TIMEZONE_DEFAULT. Both are data: matched as whole fields (awk -v, test -f),
# never put into a regular expression or a sed program.
set -euo pipefail
case "${LOCALE_DEFAULT}" in
C | POSIX | C.UTF-8) ;;
*)
	supported=$(awk -v locale="${LOCALE_DEFAULT}" '$1 == locale { print; exit }' /usr/share/i18n/SUPPORTED)
	if [ -z "${supported}" ]; then
		echo "LOCALE_DEFAULT=${LOCALE_DEFAULT} is not a locale glibc supports: pick one from /usr/share/i18n/SUPPORTED" >&2
		exit 1
	fi
	# Uncomment its line in locale.gen, or add it.
	awk -v locale="${LOCALE_DEFAULT}" '{ line = $0; sub(/^#[[:space:]]*/, "", line); split(line, f, " ")
		if (f[1] == locale) { print line; found = 1 } else print } END { exit !found }' /etc/locale.gen > /etc/locale.gen.strata \
		|| printf '%s\n' "${supported}" >> /etc/locale.gen.strata
	mv /etc/locale.gen.strata /etc/locale.gen
	locale-gen
	;;
esac
update-locale LANG="${LOCALE_DEFAULT}"

zone=/usr/share/zoneinfo/${TIMEZONE_DEFAULT}
if [ ! -f "${zone}" ]; then
	echo "TIMEZONE_DEFAULT=${TIMEZONE_DEFAULT} is not in the tz database: pick a name below /usr/share/zoneinfo, such as Europe/London" >&2
	exit 1
fi
ln -snf "${zone}" /etc/localtime
printf '%s\n' "${TIMEZONE_DEFAULT}" > /etc/timezone
dpkg-reconfigure -f noninteractive tzdata

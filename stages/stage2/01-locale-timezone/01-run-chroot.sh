# LOCALE_DEFAULT and TIMEZONE_DEFAULT.
sed -i "s/^# *\(${LOCALE_DEFAULT} \)/\1/" /etc/locale.gen
if ! grep -q "^${LOCALE_DEFAULT} " /etc/locale.gen; then
	echo "${LOCALE_DEFAULT} ${LOCALE_DEFAULT##*.}" >> /etc/locale.gen
fi
locale-gen
update-locale LANG="${LOCALE_DEFAULT}"
ln -snf "/usr/share/zoneinfo/${TIMEZONE_DEFAULT}" /etc/localtime
echo "${TIMEZONE_DEFAULT}" > /etc/timezone
dpkg-reconfigure -f noninteractive tzdata

#!/bin/bash
# alacarte keeps the first user's menu edits in these directories.
set -euo pipefail
for dir in .local .local/share .local/share/applications .local/share/desktop-directories; do
	install -d -o "${FIRST_USER_NAME}" -g "${FIRST_USER_NAME}" "/home/${FIRST_USER_NAME}/${dir}"
done

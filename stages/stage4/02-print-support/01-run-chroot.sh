#!/bin/bash
set -euo pipefail
adduser "${FIRST_USER_NAME}" lpadmin

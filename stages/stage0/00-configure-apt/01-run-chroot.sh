#!/bin/bash
set -euo pipefail
apt-get -q update
apt-get -q -y dist-upgrade

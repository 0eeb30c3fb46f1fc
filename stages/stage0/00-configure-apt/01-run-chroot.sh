apt-get -q update
apt-get -q -y dist-upgrade

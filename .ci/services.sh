#!/usr/bin/env bash
# Makes sure MariaDB (127.0.0.1:3306, user sharepanel/sharepanel with rights to create test
# databases) and Redis (127.0.0.1:6379) are installed and running. Idempotent.
set -euo pipefail

apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() { # wait_for SECONDS CMD...
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then echo "timed out waiting for: $*" >&2; return 1; fi
    sleep 0.5
  done
}

# MariaDB
if ! command -v mariadbd >/dev/null && [ ! -x /usr/sbin/mariadbd ]; then
  echo "installing mariadb-server"
  apt_install mariadb-server
fi
if ! mariadb-admin ping >/dev/null 2>&1; then
  echo "starting mariadb"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  wait_for 60 mariadb-admin ping
fi
# A user of our own over TCP: a fresh install lets root in only through the socket.
mariadb -uroot <<'SQL'
CREATE USER IF NOT EXISTS 'sharepanel'@'127.0.0.1' IDENTIFIED BY 'sharepanel';
CREATE USER IF NOT EXISTS 'sharepanel'@'localhost' IDENTIFIED BY 'sharepanel';
GRANT ALL PRIVILEGES ON *.* TO 'sharepanel'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'sharepanel'@'localhost';
CREATE DATABASE IF NOT EXISTS sharepanel_ci CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
SQL
echo "mariadb: $(mariadb -usharepanel -psharepanel -h127.0.0.1 -N -e 'select version()')"

# Redis
if ! command -v redis-server >/dev/null; then
  echo "installing redis-server"
  apt_install redis-server
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for 20 redis-cli -h 127.0.0.1 -p 6379 ping
fi
echo "redis: $(redis-cli -h 127.0.0.1 -p 6379 info server | grep redis_version | tr -d '\r')"

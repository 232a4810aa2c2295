#!/usr/bin/env bash
# Runs the shell blocks of README.md and docs/*.md that are marked runnable (```sh runnable), so that
# what they tell a newcomer keeps working. Each file's blocks run in order, in one shell (a variable
# set in one block is there in the next), in a copy of this checkout with no database, with the
# gateway's ports moved to free ones (localhost:8080 and :2087 in the blocks are rewritten). After each
# block its background jobs are stopped. A block fails when a command fails or when an answer it
# prints is an error envelope ("status":"error", "success":false).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
command -v curl >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo $((20000 + RANDOM % 20000))
}

status=0
for doc in README.md docs/*.md; do
  blocks=$(awk '/^```sh runnable[[:space:]]*$/{inb=1; n++; print "# --- block " n; next} /^```/{inb=0} inb' "$doc")
  [ -n "$blocks" ] || continue
  work=$(mktemp -d)
  tar --exclude=./.git --exclude='*/node_modules' --exclude=./sharepanel --exclude='*.db*' -cf - . | tar -xf - -C "$work"
  port=$(free_port); admin=$(free_port)
  while [ "$admin" = "$port" ]; do admin=$(free_port); done
  script="$work/readme-blocks.sh"
  {
    echo 'set -eo pipefail'
    echo 'stop_jobs() { for j in $(jobs -p); do kill "$j" 2>/dev/null || true; done; wait 2>/dev/null || true; }'
    echo 'trap stop_jobs EXIT'
    # A block ends its background jobs: the next block starts from a stopped server, as the text says.
    sed -e "s/localhost:8080/localhost:$port/g" -e "s/localhost:2087/localhost:$admin/g" <<<"$blocks" |
      awk '/^# --- block /{ if (n++) print "stop_jobs"; print; next } { print }'
    echo 'stop_jobs'
  } >"$script"
  echo "== $doc: $(grep -c '^# --- block ' "$script") runnable blocks (ports $port, $admin)"
  if ! (cd "$work" && SHAREPANEL_ADDR="127.0.0.1:$port" SHAREPANEL_ADMIN_ADDR="127.0.0.1:$admin" \
        SHAREPANEL_LOG_FORMAT=json SHAREPANEL_LOG_LEVEL=warn bash "$script" >"$work/out.log" 2>&1); then
    echo "FAIL $doc: a command failed; output:"; cat "$work/out.log"; status=1
  elif grep -Eq '"status":"error"|"success":false' "$work/out.log"; then
    echo "FAIL $doc: an answer was an error:"; grep -E '"status":"error"|"success":false' "$work/out.log"; status=1
  else
    echo "ok   $doc: $(grep -c '"status":"success"\|"success":true\|access_token' "$work/out.log") answers, no error"
  fi
  rm -rf "$work"
done
exit $status

#!/usr/bin/env bash
# Starts a project of your own from the starter template (examples/starter):
#   asio_directsockets/tools/new_app.sh DIR [NAME]
# copies the template to DIR (which must not exist), names the program NAME (default: DIR's last
# part, as a C identifier) and records this clone's path for DIR/run.sh. Then:
#   DIR/run.sh iwa      # built, installed and launched as an Isolated Web App
set -euo pipefail
ads_root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
dir=$1
name=${2:-$(basename "$dir" | tr -c 'A-Za-z0-9_\n' '_')}
[[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { echo "new_app.sh: '$name' is not a usable program name" >&2; exit 2; }
[ -e "$dir" ] && { echo "new_app.sh: $dir already exists" >&2; exit 1; }

mkdir -p "$(dirname "$dir")"
cp -r "$ads_root/examples/starter" "$dir"
rm -rf "$dir/.deps" "$dir/build" "$dir/.asio_directsockets_root"
if [ "$name" != my_app ]; then
  grep -rlZ my_app "$dir" --exclude=icon.png | xargs -0 sed -i "s/my_app/$name/g"
fi
echo "$ads_root" >"$dir/.asio_directsockets_root"
echo "new_app.sh: $dir is ready ($name). Next: $dir/run.sh iwa   (or native, node, chromium, test)"

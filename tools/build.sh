#!/bin/sh
# build.sh - configure and build exmta (plugin, unit tests, fuzz replays) in build/.
# The plugin is staged in build/plugins/<major.minor>/epan/exmta.so for
# tools/exmta-tshark; `cmake --install build` puts it in the personal plugin folder.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$here" -B "$here/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$here/build" -j "$(nproc)"
# tshark runs as an unprivileged user when we are root: let it read the plugin
chmod -R a+rX "$here/build/plugins"

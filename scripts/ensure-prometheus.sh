#!/usr/bin/env bash
# Makes sure Debian's Prometheus is installed (/usr/bin/prometheus and /usr/bin/promtool): the
# expression rules are tested against `promtool test rules`, and the side-by-side benchmark runs a
# real Prometheus beside the service. Tests and harnesses that need it run this first, so a fresh
# machine needs nothing by hand. Installs with apt-get when missing, which needs root (or
# passwordless sudo). Exits non-zero with a clear message when it cannot be installed: a test that
# needs promtool is never skipped. Prints the promtool path on stdout when it succeeds.
set -euo pipefail

PROMETHEUS="${GDS_PROMETHEUS:-/usr/bin/prometheus}"
PROMTOOL="${GDS_PROMTOOL:-/usr/bin/promtool}"

if [[ -x "$PROMETHEUS" && -x "$PROMTOOL" ]]; then
  echo "$PROMTOOL"
  exit 0
fi

echo "ensure-prometheus: $PROMETHEUS or $PROMTOOL is missing; installing Debian's prometheus" >&2
if [[ $(id -u) -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "ensure-prometheus: FAILED: not root and no passwordless sudo, so apt-get cannot install prometheus." >&2
  echo "  Install it once by hand: sudo apt-get install -y prometheus" >&2
  echo "  (or point GDS_PROMETHEUS / GDS_PROMTOOL at a Prometheus 2.x and its promtool)." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "ensure-prometheus: FAILED: no apt-get on this machine; install Prometheus 2.x and set" >&2
  echo "  GDS_PROMETHEUS and GDS_PROMTOOL to its binaries." >&2
  exit 1
fi

# Another build on the same machine may hold the dpkg lock: wait for it instead of failing.
# RUNLEVEL=1 asks invoke-rc.d not to start the package's service: nothing should listen on 9090 behind our back.
APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get -o DPkg::Lock::Timeout=600 -q)
if ! "${APT[@]}" update >&2 || ! "${APT[@]}" install -y --no-install-recommends prometheus >&2; then
  echo "ensure-prometheus: FAILED: apt-get could not install prometheus (see above)." >&2
  exit 1
fi
if [[ ! -x "$PROMETHEUS" || ! -x "$PROMTOOL" ]]; then
  echo "ensure-prometheus: FAILED: installed, but $PROMETHEUS or $PROMTOOL is still missing." >&2
  exit 1
fi
echo "ensure-prometheus: $("$PROMTOOL" --version 2>&1 | head -1)" >&2
echo "$PROMTOOL"

#!/usr/bin/env bash
# Makes sure Debian's Chromium and ChromeDriver are installed (/usr/bin/chromium, /usr/bin/chromedriver):
# the web console's end-to-end tests drive a real headless browser. The build runs this before the
# tests (streams-alerting/pom.xml, exec-maven-plugin), so a fresh machine needs nothing by hand.
# Installs with apt-get when they are missing, which needs root (or passwordless sudo). Exits non-zero
# with a clear message when they cannot be installed: a browser test is never skipped.
set -euo pipefail

CHROMIUM="${GDS_CHROMIUM:-/usr/bin/chromium}"
CHROMEDRIVER="${GDS_CHROMEDRIVER:-/usr/bin/chromedriver}"

if [[ -x "$CHROMIUM" && -x "$CHROMEDRIVER" ]]; then
  exit 0
fi

echo "ensure-chromium: $CHROMIUM or $CHROMEDRIVER is missing; installing Debian's chromium and chromium-driver" >&2
if [[ $(id -u) -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "ensure-chromium: FAILED: not root and no passwordless sudo, so apt-get cannot install chromium." >&2
  echo "  Install them once by hand: sudo apt-get install -y chromium chromium-driver" >&2
  echo "  (or point GDS_CHROMIUM / GDS_CHROMEDRIVER at a Chromium and its matching ChromeDriver)." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "ensure-chromium: FAILED: no apt-get on this machine; install Chromium and ChromeDriver and set" >&2
  echo "  GDS_CHROMIUM and GDS_CHROMEDRIVER to their paths." >&2
  exit 1
fi

# Another build on the same machine may hold the dpkg lock: wait for it instead of failing.
APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q)
if ! "${APT[@]}" update >&2 || ! "${APT[@]}" install -y --no-install-recommends chromium chromium-driver >&2; then
  echo "ensure-chromium: FAILED: apt-get could not install chromium and chromium-driver (see above)." >&2
  exit 1
fi
if [[ ! -x "$CHROMIUM" || ! -x "$CHROMEDRIVER" ]]; then
  echo "ensure-chromium: FAILED: installed, but $CHROMIUM or $CHROMEDRIVER is still missing." >&2
  exit 1
fi
echo "ensure-chromium: $("$CHROMIUM" --version 2>/dev/null || echo chromium), $("$CHROMEDRIVER" --version 2>/dev/null | head -1)" >&2

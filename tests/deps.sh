#!/bin/sh
# Install the Debian packages the build, the tests and the benchmarks need,
# if any is missing: as root directly, otherwise through sudo.
PKGS="gcc make nasm binutils grub-pc-bin grub-common xorriso mtools
qemu-system-x86 check pkg-config expect"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || exit 1
$SUDO apt-get install -y -qq $missing || exit 1

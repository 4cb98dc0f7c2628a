# Sourced (after tests/qemu/lib.sh): linux_kernel sets $kernel to Debian
# 12's Linux 6.1 image in $BUILD/linux/, fetched once with apt-get download
# (no root needed); returns 1 (with a line saying why) if it cannot.
linux_kernel() {
	lk_dir=$PWD/$BUILD/linux
	mkdir -p "$lk_dir"
	kernel=$(ls "$lk_dir"/x/boot/vmlinuz-* 2>/dev/null | head -1)
	[ -n "$kernel" ] && return 0
	pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/ {print $2; exit}')
	[ -n "$pkg" ] || { echo "# no linux-image-amd64 in apt's lists (apt-get update?)"; return 1; }
	(cd "$lk_dir" && apt-get download "$pkg" >/dev/null 2>&1 &&
	 dpkg-deb -x "$pkg"_*.deb x && rm -f "$pkg"_*.deb) ||
		{ echo "# could not fetch $pkg"; return 1; }
	kernel=$(ls "$lk_dir"/x/boot/vmlinuz-* | head -1)
}

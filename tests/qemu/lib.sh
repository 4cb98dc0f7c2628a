# Shared by tests/qemu/*.sh: build ISO variants and boot them headless.
# Settings come from the environment (the Makefile passes them): ACCEL, SMP,
# QEMU_CPU, QEMU_EXTRA, BUILD.

BUILD=${BUILD:-build}
ACCEL=${ACCEL:-tcg}
SMP=${SMP:-4}
QEMU_CPU=${QEMU_CPU:-qemu64}

# mkiso OUT ENTRY EXTRA: an ISO of build/kernel.elf (with the pager and the
# initrd as GRUB modules) whose default entry is
# iso/boot/grub/grub.cfg's entry number ENTRY with EXTRA appended to the kernel command line.
mkiso() {
	out=$1 entry=$2 extra=$3
	dir=$BUILD/qemu/iso-$(basename "$out" .iso)
	rm -rf "$dir"
	mkdir -p "$dir/boot/grub"
	cp "$BUILD/kernel.elf" "$dir/boot/kernel.elf"
	cp "$BUILD/pager.elf" "$dir/boot/pager.elf"
	cp "$BUILD/initrd.tar" "$dir/boot/initrd.tar"
	sed -e "s/^set default=.*/set default=$entry/" \
	    -e "s|^\(\s*multiboot2 /boot/kernel.elf.*\)$|\1 $extra|" \
	    iso/boot/grub/grub.cfg > "$dir/boot/grub/grub.cfg"
	grub-mkrescue -o "$out" "$dir" >"$dir.log" 2>&1 || { cat "$dir.log"; return 1; }
}

# boot ISO MEM LOG TIMEOUT: boot headless, serial to LOG (with the console's
# CR stripped); returns QEMU's status (isa-debug-exit: 1 = exit(0),
# 3 = exit(1), 7 = panic; 124 = timed out).
boot() {
	iso=$1 mem=$2 log=$3 secs=$4
	if [ "$ACCEL" = kvm ]; then accel="-accel kvm"; else accel="-accel tcg"; fi
	timeout "$secs" qemu-system-x86_64 -machine q35 $accel -cpu "$QEMU_CPU" \
		-smp "$SMP" -m "$mem" -no-reboot -display none -monitor none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-serial "file:$log.raw" -cdrom "$iso" $QEMU_EXTRA </dev/null
	rc=$?
	tr -d '\r' < "$log.raw" > "$log"
	return $rc
}

# x86_64 microkernel: build, boot, test and measure.  `make help` lists targets.
#
# QEMU runs under TCG by default (/dev/kvm on the project's machines is a slow
# software emulation); ACCEL=kvm opts in where KVM is real.

BUILD    ?= build
SMP      ?= 4
MEM      ?= 512M
ACCEL    ?= tcg
QEMU_CPU ?= qemu64
QEMU_EXTRA ?=
# ICOUNT=1: QEMU counts guest instructions (-icount shift=0,sleep=off): the
# guest's TSC then reads executed instructions, the same on every run and
# machine (make bench ICOUNT=1; one vCPU thread runs every CPU in turn).
ICOUNT ?=
ifeq ($(ICOUNT),1)
QEMU_EXTRA += -icount shift=0,sleep=off
endif

CC   := gcc
LD   := ld
NASM := nasm

ARCH := kernel/arch/x86_64

KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -mno-red-zone -mcmodel=kernel \
	-fno-pic -fno-pie -mgeneral-regs-only -fno-stack-protector -ffunction-sections \
	-fno-omit-frame-pointer -fno-strict-aliasing -fno-tree-loop-distribute-patterns -Wall -Wextra -Werror \
	-Ikernel/include -I$(ARCH)/include -Iinclude -MMD -MP
KLDFLAGS := -nostdlib -n -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -T $(ARCH)/linker.ld

# Pure logic: compiled unchanged into the kernel and into the host tests.
PURE_SRCS := $(wildcard kernel/mm/*.c) $(wildcard lib/*.c) kernel/printk.c \
	kernel/kobj.c kernel/handle.c kernel/runq.c kernel/timerq.c kernel/ipc_msg.c \
	kernel/console.c kernel/kmem.c kernel/futex.c \
	kernel/multiboot2.c
KERNEL_SRCS := $(PURE_SRCS) $(filter-out $(PURE_SRCS),$(wildcard kernel/*.c)) \
	$(wildcard $(ARCH)/*.c)
KERNEL_ASM := $(wildcard $(ARCH)/*.asm)
KERNEL_OBJS := $(KERNEL_SRCS:%.c=$(BUILD)/k/%.o) $(KERNEL_ASM:%.asm=$(BUILD)/k/%.o)

KERNEL := $(BUILD)/kernel.elf
ISO    := $(BUILD)/os.iso

# Headers: include/ holds what crosses a boundary (abi/, sys/, lib/) and is
# on every include path; kernel/include/ holds the kernel's own headers and is
# on the kernel's path (and the host tests of kernel modules) only.
# Host unit tests: one Check binary per tests/unit/test_*.c, each linked with
# the pure sources and the shims, under AddressSanitizer and UBSan.
HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -iquote kernel/include -iquote include -Itests/shim \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer $(shell pkg-config --cflags check 2>/dev/null)
HOST_LIBS := $(shell pkg-config --libs check 2>/dev/null) -lpthread
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))
# test_demand_mt and test_lock once more under ThreadSanitizer (rule below):
# a data race is reported (exit status 66) even in a run where the threads
# did not collide.
UNIT_TESTS += $(BUILD)/unit/tsan_demand_mt $(BUILD)/unit/tsan_lock
SHIM_SRCS := $(wildcard tests/shim/*.c)
# The host links libc's string functions instead of lib/string.c.
HOST_SRCS := $(filter-out lib/string.c,$(PURE_SRCS))

# Host benchmark: the same allocator sources, optimised, no sanitizers.
BENCH_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -iquote kernel/include -iquote include -Itests/shim

# ---- ring 3 (variables): libsys, the pager, user programs, the initrd ----
# Every user/*.c is a program in the initrd (ustar, named without ".c"), and
# so is every directory user/NAME/ (program NAME, linked from all its .c
# files; its own headers beside them), and every .c in PROGRAMS=dir (a
# user's own programs, beside ours).
# Ring 3 compiles against the project's headers only (-nostdinc): include/
# (POSIX names: stdio.h, sys/mman.h, ...) and the compiler's freestanding
# headers (stdint.h, stddef.h, stdarg.h, limits.h, float.h).  Programs and
# their libsys use SSE and the x87 (the kernel keeps each thread's state);
# the pager and the libsys copy it links keep -mgeneral-regs-only, so a
# pager thread never owns FPU state (no FXSAVE on its switches).
GCC_INC := $(shell $(CC) -print-file-name=include)
UBASE := -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie -static -nostdlib \
	-ffunction-sections -fdata-sections \
	-nostdinc -isystem $(GCC_INC) -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-strict-aliasing \
	-fno-tree-loop-distribute-patterns -Iinclude -MMD -MP
UCFLAGS := $(UBASE) -Wall -Wextra -Werror
PCFLAGS := $(UBASE) -mgeneral-regs-only -Wall -Wextra -Werror
# A user's program (PROGRAMS=dir): warnings, not errors, for legal C.
XCFLAGS := $(UBASE) -Wall -Wextra
ULDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--build-id=none --gc-sections -T libsys/user.ld
LIBSYS_SRCS := $(filter-out libsys/crt0.c,$(wildcard libsys/*.c)) \
	lib/fmt.c lib/string.c lib/err.c lib/elf.c lib/cmdline.c lib/robust.c
# Floating point (and strftime, beside libc2.c) lives only in the programs' libsys.
LIBSYS_FP := libsys/complex.c libsys/ucontext.c libsys/fltfmt.c libsys/wchar.c libsys/libc7.c libsys/atomic.c libsys/fenv.c libsys/gamma.c libsys/rand48.c libsys/libc5.c libsys/libm.c libsys/libm2.c libsys/libc2.c libsys/trig.c \
	libsys/strftime.c libsys/libm3.c libsys/scanf.c
LIBSYS := $(BUILD)/u/libsys.a
LIBSYS_PAGER := $(BUILD)/p/libsys.a
CRT0   := $(BUILD)/u/libsys/crt0.o
PAGER  := $(BUILD)/pager.elf
PAGER_OBJS := $(patsubst %.c,$(BUILD)/p/%.o,$(wildcard pager/*.c))
USER_ONE   := $(patsubst user/%.c,%,$(wildcard user/*.c))
USER_MULTI := $(patsubst user/%/,%,$(sort $(dir $(wildcard user/*/*.c))))
USER_PROGS := $(USER_ONE) $(USER_MULTI)
ifneq ($(filter $(USER_ONE),$(USER_MULTI)),)
$(error user/: $(filter $(USER_ONE),$(USER_MULTI)) is both a .c file and a directory)
endif
# The objects of user program $(1): user/$(1).c's, or those of user/$(1)/*.c.
user_objs = $(if $(filter $(1),$(USER_MULTI)),$(patsubst %.c,$(BUILD)/u/%.o,$(wildcard user/$(1)/*.c)),$(BUILD)/u/user/$(1).o)
PROGRAMS ?=
EXTRA_SRCS := $(if $(PROGRAMS),$(wildcard $(PROGRAMS)/*.c))
EXTRA_PROGS := $(patsubst %.c,%,$(notdir $(EXTRA_SRCS)))
CLASH := $(filter $(USER_PROGS),$(EXTRA_PROGS))
ifneq ($(CLASH),)
$(error PROGRAMS=$(PROGRAMS): $(CLASH) has the name of a program in user/; rename it)
endif
ifneq ($(PROGRAMS),)
ifeq ($(EXTRA_SRCS),)
$(error PROGRAMS=$(PROGRAMS): no .c files there)
endif
endif
ALL_PROGS := $(sort $(USER_PROGS) $(EXTRA_PROGS))
USER_BINS  := $(ALL_PROGS:%=$(BUILD)/initrd/%)
INITRD := $(BUILD)/initrd.tar
# The initrd's program list: rewritten when it changes (PROGRAMS=...), so
# the archive is rebuilt with or without a user's programs.
INITRD_LIST := $(BUILD)/initrd.list
$(shell mkdir -p $(BUILD); echo '$(ALL_PROGS)' | cmp -s - $(INITRD_LIST) || \
	echo '$(ALL_PROGS)' > $(INITRD_LIST))
# The pager's pure modules, host-tested (tests/unit/test_{initrd,region,pagetab,cow,demand,demand_mt,oom,pool,ksm}.c).
PAGER_PURE := pager/lock.c pager/initrd.c pager/tree.c pager/pool.c pager/region.c pager/pagetab.c \
	pager/cow.c pager/filecache.c pager/demand.c pager/backing_anon.c pager/backing_file.c \
	pager/backing_stack.c pager/backing_shared.c pager/oompolicy.c pager/ksm.c \
	pager/ksm_avl.c pager/ksm_ctl.c pager/ksm_hash.c
PAGER_UNIT := $(patsubst %,$(BUILD)/unit/test_%,lock initrd region pagetab cow demand demand_mt oom pool ksm)
# ---- end ring 3 (variables) ----

QEMU_ACCEL := $(if $(filter kvm,$(ACCEL)),-accel kvm,-accel tcg)
QEMU := qemu-system-x86_64 -machine q35 $(QEMU_ACCEL) -cpu $(QEMU_CPU) \
	-smp $(SMP) -m $(MEM) -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 $(QEMU_EXTRA)

export ACCEL SMP QEMU_CPU QEMU_EXTRA BUILD PROGRAMS

.PHONY: all iso run debug test unit-test qemu-test shell-test fuzz stress bench bench-linux linux-check clean deps help

all: $(ISO) $(PAGER) $(INITRD)

help:
	@echo "make run      build everything and boot the ISO (serial console here)"
	@echo "make test     host unit tests (ASan+UBSan), QEMU tests, shell tests; ends 'N passed, N failed'"
	@echo "make unit-test / qemu-test / shell-test   one stage of make test"
	@echo "make fuzz     boot test_fuzz alone for FUZZ_CALLS calls (10^7); prints calls per second"
	@echo "make stress SECS=600   test_stress alone for SECS seconds on $(SMP) CPUs (MEM=$(MEM))"
	@echo "make bench    host and QEMU benchmarks, RESULT lines (ICOUNT=1: in guest instructions)"
	@echo "make bench-linux   Linux 6.1's fault figures in the same QEMU (fetches Debian's kernel package)"
	@echo "make linux-check PROG=user/test_x.c   run a plain-Linux test program under Linux 6.1 in QEMU"
	@echo "make debug    boot halted with a gdb stub on :1234; then: gdb -x $(BUILD)/gdbinit"
	@echo "make iso      build $(ISO)"
	@echo "make deps     install missing Debian packages (apt-get, as root or via sudo)"
	@echo "make clean    remove $(BUILD)/"
	@echo "variables: ACCEL=tcg|kvm SMP=$(SMP) MEM=$(MEM) QEMU_CPU=$(QEMU_CPU) QEMU_EXTRA=..."
	@echo "           PROGRAMS=dir: every .c there is a program in the initrd too (run, test)"

deps:
	@sh tests/deps.sh

iso: $(ISO)

# iso/ is the ISO's file tree (boot/grub/grub.cfg); the built kernel, pager
# and initrd join it in $(BUILD)/iso.
ISO_TREE := $(shell find iso -type f)
$(ISO): $(KERNEL) $(ISO_TREE) $(PAGER) $(INITRD)
	@rm -rf $(BUILD)/iso && mkdir -p $(BUILD)/iso/boot
	cp -R iso/. $(BUILD)/iso/
	cp $(KERNEL) $(BUILD)/iso/boot/kernel.elf
	cp $(PAGER) $(BUILD)/iso/boot/pager.elf
	cp $(INITRD) $(BUILD)/iso/boot/initrd.tar
	grub-mkrescue -o $@ $(BUILD)/iso 2>$(BUILD)/grub-mkrescue.log || \
		{ cat $(BUILD)/grub-mkrescue.log; exit 1; }

$(KERNEL): $(KERNEL_OBJS) $(ARCH)/linker.ld
	$(LD) $(KLDFLAGS) -o $@ $(KERNEL_OBJS)

$(BUILD)/k/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/k/%.o: %.asm
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -g -F dwarf -Ikernel/include/ -Iinclude/ -MD $(@:.o=.d) $< -o $@

# With a display, QEMU opens a window (the VGA console); without one, the
# serial console on this terminal is all there is. Ctrl-A X quits QEMU.
RUN_DISPLAY := $(if $(DISPLAY),,-display none)

# QEMU's isa-debug-exit ends with status*2+1 (halt = 0 gives 1): make run
# gives back the status the machine halted with (0 after `halt`).
run: deps $(ISO)
	@$(QEMU) $(RUN_DISPLAY) -cdrom $(ISO) -serial mon:stdio; rc=$$?; \
	if [ $$((rc % 2)) = 1 ]; then rc=$$(((rc - 1) / 2)); fi; \
	[ $$rc = 0 ] || echo "make run: the machine stopped with status $$rc"; exit $$rc

debug: $(ISO)
	@printf 'file %s\ntarget remote :1234\n' $(KERNEL) > $(BUILD)/gdbinit
	@echo "QEMU waits for gdb: in another terminal run  gdb -x $(BUILD)/gdbinit"
	$(QEMU) $(RUN_DISPLAY) -cdrom $(ISO) -serial mon:stdio -s -S

$(BUILD)/unit/%: tests/unit/%.c $(HOST_SRCS) $(SHIM_SRCS) lib/string.c $(wildcard include/*/*.h kernel/include/*.h kernel/include/*/*.h tests/shim/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $< $(HOST_SRCS) $(SHIM_SRCS) -o $@ $(HOST_LIBS)

unit-test: $(UNIT_TESTS)
	@sh tests/run-unit.sh $(UNIT_TESTS)

qemu-test: $(ISO)
	@sh tests/qemu/run.sh $(ISO)

shell-test: $(ISO)
	@sh tests/shell/run.sh $(ISO)

# FUZZ_CALLS, FUZZ_SEED, FUZZ_FLAGS, FUZZ_MEM, FUZZ_TIMEOUT: tests/qemu/fuzz.sh
fuzz: $(ISO)
	@sh tests/qemu/fuzz.sh

SECS ?= 600
stress: $(ISO)
	@MEM=$(MEM) SECS=$(SECS) sh tests/qemu/stress.sh

# the benchmarks are built (not run) too, so that make bench keeps building
test: deps
	@$(MAKE) --no-print-directory $(UNIT_TESTS) $(ISO) $(BUILD)/bench/host-bench \
		$(BUILD)/bench/host-ksm
	@sh tests/run-all.sh $(BUILD) $(ISO) $(UNIT_TESTS)

$(BUILD)/bench/host-bench: tests/bench/host_bench.c $(HOST_SRCS) $(SHIM_SRCS)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) $< $(HOST_SRCS) $(SHIM_SRCS) -o $@ -lpthread

# KSM's pure module, the same way (its own binary: pager sources).
KSM_BENCH_SRCS := pager/ksm.c pager/ksm_avl.c pager/ksm_ctl.c pager/ksm_hash.c pager/tree.c pager/pool.c \
		  pager/lock.c
$(BUILD)/bench/host-ksm: tests/bench/host_ksm.c $(KSM_BENCH_SRCS) $(wildcard pager/ksm*.h)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -Ipager $< $(KSM_BENCH_SRCS) -o $@

bench: deps $(BUILD)/bench/host-bench $(BUILD)/bench/host-ksm $(ISO)
	@$(BUILD)/bench/host-bench
	@$(BUILD)/bench/host-ksm
	@sh tests/qemu/bench.sh $(ISO)

bench-linux: deps
	@sh tests/bench/linux/run.sh

linux-check: deps
	@sh tests/linux/run.sh $(PROG)

clean:
	rm -rf $(BUILD)

# ---- ring 3 (rules) ----
$(BUILD)/u/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -c $< -o $@

$(BUILD)/p/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(PCFLAGS) -c $< -o $@

# A user's program: a compile error names the file and stops the build.
$(BUILD)/x/%.o: $(PROGRAMS)/%.c
	@mkdir -p $(dir $@)
	@$(CC) $(XCFLAGS) -c $< -o $@ || \
		{ echo "*** PROGRAMS: $< does not compile (errors above)"; exit 1; }

$(LIBSYS): $(LIBSYS_SRCS:%.c=$(BUILD)/u/%.o)
	rm -f $@
	ar rcs $@ $^

$(LIBSYS_PAGER): $(filter-out $(LIBSYS_FP:%.c=$(BUILD)/p/%.o),$(LIBSYS_SRCS:%.c=$(BUILD)/p/%.o))
	rm -f $@
	ar rcs $@ $^

# The pager's own sources are optimised across files (-flto): its fault
# path runs through demand.c, pagetab.c, region.c, proc.c and fault.c, and a
# call between them cost about 10 instructions each (BENCHMARKS.md).
$(PAGER_OBJS): PCFLAGS += -flto
$(PAGER): $(PAGER_OBJS) $(LIBSYS_PAGER) libsys/user.ld
	$(CC) -O2 -flto -mgeneral-regs-only -fno-pic -fno-pie -nostdlib -static $(ULDFLAGS:%=-Wl,%) -o $@ \
		$(PAGER_OBJS) $(LIBSYS_PAGER)

define user_elf
$(BUILD)/u/user/$(1).elf: $(2) $(CRT0) $(LIBSYS) libsys/user.ld
	$(LD) $(ULDFLAGS) -o $$@ $(CRT0) $(2) $(LIBSYS)
endef
$(foreach p,$(USER_PROGS),$(eval $(call user_elf,$(p),$(call user_objs,$(p)))))

$(BUILD)/x/%.elf: $(BUILD)/x/%.o $(CRT0) $(LIBSYS) libsys/user.ld
	@$(LD) $(ULDFLAGS) -o $@ $(CRT0) $< $(LIBSYS) || \
		{ echo "*** PROGRAMS: $(PROGRAMS)/$*.c does not link (errors above)"; exit 1; }

# initrd/NAME from ELF: the debug sections stripped.
define initrd_bin
$(BUILD)/initrd/$(1): $(2)
	@mkdir -p $$(dir $$@)
	strip --strip-debug -o $$@ $$<
endef
$(foreach p,$(USER_PROGS),$(eval $(call initrd_bin,$(p),$(BUILD)/u/user/$(p).elf)))
$(foreach p,$(EXTRA_PROGS),$(eval $(call initrd_bin,$(p),$(BUILD)/x/$(p).elf)))

$(INITRD): $(USER_BINS) $(INITRD_LIST)
	tar --format=ustar --owner=0 --group=0 --numeric-owner --mtime=@0 \
		-C $(BUILD)/initrd -cf $@ $(ALL_PROGS)

$(PAGER_UNIT): HOST_SRCS += $(PAGER_PURE)
$(PAGER_UNIT): HOST_CFLAGS += -Ipager
$(PAGER_UNIT): $(PAGER_PURE) $(wildcard pager/*.h)

TSAN_CFLAGS = $(filter-out -fsanitize=% -fno-sanitize-recover=all,$(HOST_CFLAGS)) -fsanitize=thread
$(BUILD)/unit/tsan_%: tests/unit/test_%.c $(HOST_SRCS) $(PAGER_PURE) $(SHIM_SRCS) \
		$(wildcard pager/*.h tests/unit/*.h include/*/*.h kernel/include/*.h tests/shim/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(TSAN_CFLAGS) -Ipager -DREPS=2 $< $(HOST_SRCS) $(PAGER_PURE) $(SHIM_SRCS) -o $@ $(HOST_LIBS)

# libsys's System V semaphore core (values, SEM_UNDO records, journal).
$(BUILD)/unit/test_semcore: HOST_SRCS += libsys/semcore.c
$(BUILD)/unit/test_semcore: libsys/semcore.c libsys/semcore.h

# libsys's printf %f/%e/%g, against the host's printf.
$(BUILD)/unit/test_fltfmt: HOST_SRCS += libsys/fltfmt.c libsys/bigint.c
$(BUILD)/unit/test_fltfmt: libsys/fltfmt.c libsys/bigint.c libsys/bigint.h

# libsys's strtod and <math.h> (libm.c, libm2.c) against the host's glibc:
# one relocatable object whose every global symbol is renamed lsm_NAME, so
# both libraries link into one test program.
LIBM_UNIT := libsys/libm.c libsys/libm2.c libsys/bigint.c libsys/trig.c libsys/libm3.c
$(BUILD)/unit/libm_lsm.o: $(LIBM_UNIT) libsys/bigint.h
	@mkdir -p $(BUILD)/unit/lsm
	for f in $(LIBM_UNIT); do $(CC) $(HOST_CFLAGS) -fno-builtin -c $$f \
		-o $(BUILD)/unit/lsm/$$(basename $$f .c).o || exit 1; done
	$(LD) -r -o $@.tmp $(patsubst libsys/%.c,$(BUILD)/unit/lsm/%.o,$(LIBM_UNIT))
	nm -g --defined-only $@.tmp | awk '{ print $$3, "lsm_" $$3 }' > $@.syms
	objcopy --redefine-syms=$@.syms $@.tmp $@
	rm -f $@.tmp
$(BUILD)/unit/test_libm: HOST_SRCS += $(BUILD)/unit/libm_lsm.o
$(BUILD)/unit/test_libm: $(BUILD)/unit/libm_lsm.o

# libsys's strftime against the host's, renamed lsc_strftime the same way.
$(BUILD)/unit/strftime_lsc.o: libsys/strftime.c
	@mkdir -p $(BUILD)/unit
	$(CC) $(HOST_CFLAGS) -fno-builtin -c libsys/strftime.c -o $@.tmp
	objcopy --redefine-sym strftime=lsc_strftime $@.tmp $@
	rm -f $@.tmp
$(BUILD)/unit/test_strftime: HOST_SRCS += $(BUILD)/unit/strftime_lsc.o
$(BUILD)/unit/test_strftime: $(BUILD)/unit/strftime_lsc.o

.SECONDARY: $(foreach p,$(USER_PROGS),$(call user_objs,$(p))) $(USER_PROGS:%=$(BUILD)/u/user/%.elf) \
	$(EXTRA_PROGS:%=$(BUILD)/x/%.o) $(EXTRA_PROGS:%=$(BUILD)/x/%.elf)
-include $(shell find $(BUILD)/u $(BUILD)/p $(BUILD)/x -name '*.d' 2>/dev/null)
# ---- end ring 3 (rules) ----

-include $(shell find $(BUILD)/k -name '*.d' 2>/dev/null)

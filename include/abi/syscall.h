/* The system-call table: the one list from which the kernel's dispatch table
 * and libsys's stubs are both generated.
 *
 * Calling convention (x86_64 `syscall`):
 *   rax = number; arguments in rdi, rsi, rdx, r10, r8, r9 (in that order)
 *   returns rax = enum err (E_OK = 0); results in rdi, rsi, rdx, r10, r8, r9
 *   rcx and r11 are clobbered; every other register is preserved.
 *
 * IPC calls carry a message in registers: label in rsi, four words in rdx,
 * r10, r8, r9; the receiver also gets the sender's badge in rdi.  The label
 * word's bits 32..44 give the number of bytes of the sender's IPC buffer
 * (the page at the thread's ipc_buf address) copied to the receiver's.
 *
 * X(name, number, arguments, pager_only) */
#ifndef ABI_SYSCALL_H
#define ABI_SYSCALL_H

#include <stdint.h>

#define SYSCALL_TABLE(X) \
	X(null,            0, 0, 0) /* nothing: measures the entry/exit path */ \
	X(debug_write,     1, 2, 0) /* (buf, len): console output */ \
	X(yield,           2, 0, 0) \
	X(sleep_ms,        3, 1, 0) /* (ms) -> left: E_INTR (left = the ms \
				       not slept) when a signal it does not \
				       block came */ \
	X(thread_exit,     4, 0, 0) /* the calling thread ends */ \
	X(send,            5, 6, 0) /* (ep, label, w0..w3) */ \
	X(recv,            6, 1, 0) /* (ep) -> badge, label, w0..w3 */ \
	X(call,            7, 6, 0) /* (ep, label, w0..w3) -> reply */ \
	X(reply_recv,      8, 6, 0) /* (ep, label, w0..w3): reply, then recv */ \
	X(poll,            9, 1, 0) /* (ep): recv or E_AGAIN at once */ \
	X(endpoint_create,10, 0, 0) /* -> handle */ \
	X(handle_close,   11, 1, 0) /* (h) */ \
	X(sysinfo,        12, 2, 0) /* (buf, len): struct sysinfo */ \
	X(frame_stats,    13, 2, 0) /* (buf, len): struct abi_frame_stats */ \
	X(handle_grant,   14, 4, 1) /* (space, h, rights, badge) -> handle there */ \
	X(frame_alloc,    15, 1, 1) /* (flags) -> pfn, generation: flags \
				       FRAME_SHARED marks a frame of \
				       MAP_SHARED memory (futexes keyed by \
				       the frame, never KSM-merged) */ \
	X(frame_free,     16, 2, 1) /* (pfn, generation) */ \
	X(frame_copy,     17, 4, 1) /* (dst pfn, gen, src pfn, gen) */ \
	X(frame_zero,     18, 2, 1) /* (pfn, gen) */ \
	X(map,            19, 5, 1) /* (space, va, pfn, gen, rights) */ \
	X(unmap,          20, 3, 1) /* (space, va, npages) */ \
	X(protect,        21, 4, 1) /* (space, va, npages, rights) */ \
	X(space_create,   22, 2, 1) /* (pager ep, badge) -> space handle */ \
	X(space_destroy,  23, 1, 1) /* (space) */ \
	X(thread_create,  24, 6, 1) /* (space, entry, stack, ipc_buf, arg, \
				       prio | THREAD_PIN(cpu) | THREAD_FS(base)) \
				       -> thread, thread id (abi/fault.h) */ \
	X(thread_destroy, 25, 1, 1) /* (thread) */ \
	X(halt,           26, 1, 1) /* (code): stop the machine; under QEMU's \
				       isa-debug-exit, exit status code*2+1 */ \
	X(console_read,   27, 3, 0) /* (buf, len, flags) -> bytes read: waits \
				       for at least one typed byte (serial or \
				       keyboard) unless flags has CONSOLE_NOWAIT; \
				       CONSOLE_POLL: only waits (below); \
				       E_INTR: a signal came first */ \
	X(memmap,         28, 3, 0) /* (buf, len, frames per cell) -> cells: \
				       one MEMMAP_* byte per cell of frames */ \
	X(reboot,         29, 0, 1) \
	X(share_cow,      30, 5, 1) /* (dst space, src space, va, npages, \
				       copy) -> pages shared: each user frame \
				       mapped in src there loses MAP_W in src \
				       and is mapped read-only at va in dst \
				       (fork); copy 1: both entries get a \
				       copy mark (a write copies the frame \
				       in the kernel, logged for fill_take); \
				       E_INVAL: copy not 0 or 1 */ \
	X(frame_alloc_map,31, 5, 1) /* (space, va, npages, rights, buf) -> \
				       pages: frame_alloc then map for up to \
				       npages (<= FRAME_ALLOC_MAP_MAX) pages from \
				       va; (pfn, gen) pairs to buf; stops at a \
				       page space maps already or when memory \
				       runs out (E_NOMEM if that was the first) */ \
	X(protect_mask,   32, 5, 1) /* (space, va, npages, rights, mask) -> \
				       pages changed: each page mapped in \
				       npages (<= PROTECT_MASK_MAX) from va gets \
				       rights if bit i of the words at mask is \
				       set, rights without MAP_W if clear; \
				       holes are skipped (mprotect) */ \
	X(ksm_merge,      33, 6, 1) /* (space, va | KSM_MERGE_* flags, pfn, \
				       gen, target pfn, target gen) -> how: \
				       if va maps (pfn, gen), take MAP_W from \
				       it (TLB shot down), compare its 4096 \
				       bytes with the target's, and if equal \
				       map the target read-only there instead; \
				       E_AGAIN if not (how: KSM_MERGE_GONE or \
				       _DIFFER; the page stays read-only) */ \
	X(frame_alloc_map1,34, 4, 1) /* (space, va, rights, flags) -> pfn, \
				       gen: frame_alloc and map in one entry, \
				       no buffer: a new zeroed frame (a \
				       pre-zeroed one if ready) held in the \
				       caller's window and mapped at va in \
				       space; flags 0 or FRAME_ZEROED. \
				       E_INVAL (rights, flags), E_FAULT (va \
				       not a user page), E_BUSY (va mapped \
				       already), E_NOMEM: nothing taken */ \
	X(futex_wait,     35, 3, 0) /* (addr | FUTEX_SHARED?, val, ms): if \
				       the 32-bit word at addr still holds \
				       val, sleep until a futex_wake of the \
				       word (E_OK), or ms pass (E_TIMEDOUT; \
				       FUTEX_FOREVER: no limit); E_AGAIN at \
				       once if it holds another value.  The \
				       word is this space's (a wake by a \
				       thread of this space), or with \
				       FUTEX_SHARED, if its page is a frame of \
				       MAP_SHARED memory, the frame's (a wake \
				       by any process mapping it, anywhere) */ \
	X(futex_wake,     36, 2, 0) /* (addr | FUTEX_SHARED?, n) -> woken: \
				       wake up to n threads waiting at the \
				       word (keyed as futex_wait), oldest \
				       first */ \
	X(reply_save,     37, 1, 0) /* (flags) -> handle (RIGHT_REPLY) of the \
				       call we received and have not answered \
				       (not a fault): we may receive again and \
				       answer it later with reply_send; E_INVAL \
				       if there is none or flags has a bit \
				       other than REPLY_SAVE_INTR; with it, \
				       E_INTR (nothing saved) if the caller \
				       has a signal it lets through pending. \
				       Closing the handle, or our space \
				       ending, answers it E_DEAD.  A caller \
				       that ends meanwhile is not held by \
				       it: its process's memory comes back \
				       and its wait comes (the handle keeps \
				       only the dead thread) */ \
	X(reply_send,     38, 6, 0) /* (reply handle, label, w0..w3): answer \
				       the saved call and close the handle; \
				       never blocks; E_DEAD if the caller is \
				       gone (killed, or its process ended): \
				       the handle is closed all the same */ \
	X(frame_alloc_copy,39, 2, 1) /* (src pfn, gen) -> pfn, gen: a new \
				       frame held in the caller's window with \
				       a copy of the 4096 bytes of held frame \
				       (src pfn, gen), not zeroed first (every \
				       byte is the copy's before anyone sees \
				       it): a COW copy in one entry. E_STALE \
				       (src not held), E_NOMEM */ \
	X(ksm_merge_many, 40, 3, 1) /* (buf, n, stop) -> merged: n (<= \
				       KSM_MERGE_MANY_MAX) ksm_merge calls in \
				       one, in order, from the struct \
				       abi_ksm_merge array at buf; each entry's \
				       err and how written back; the window \
				       holds KSM_MERGE_FREE drops go with one \
				       TLB shootdown at the end.  stop: 0, or \
				       the address of a 32-bit word of ours \
				       read after each merge: once non-zero, \
				       the rest are not tried (err E_BUSY). \
				       E_INVAL (n), E_FAULT (buf) before any \
				       merge */ \
	X(cpu_pin,        41, 1, 0) /* (pin) -> cpu, pinned: pin CPU_PIN_ASK \
				       changes nothing, CPU_PIN_ANY lets the \
				       calling thread run on any CPU, a CPU \
				       number keeps it on that CPU only (it \
				       moves there now).  cpu = the CPU it \
				       runs on after that, pinned = its CPU + \
				       1 if pinned, else 0.  E_INVAL: no such \
				       CPU. */ \
	X(sigreturn,      42, 1, 0) /* (ucontext): end a signal handler: \
				       every register and the blocked set \
				       back from the struct abi_ucontext there \
				       (abi/signal.h); returns to that rip, \
				       not to the caller.  E_FAULT: unreadable, \
				       E_INVAL: rip outside the user half; \
				       E_AGAIN: the set blocks signals \
				       pending on the caller that were sent \
				       to its process: blocked and given \
				       back to the process, out[0] = them, \
				       nothing else restored (libsys asks \
				       PG_SIG_OFFER, then sigreturn again) */ \
	X(sigmask,        43, 3, 0) /* (how, set, entry) -> old, pending, \
				       given: \
				       the calling thread's blocked signals \
				       (ABI_SIG_*; abi/signal.h); set ignored \
				       when how is ~0 (only ask); how \
				       ABI_SIG_RAISE makes set pending on the \
				       caller, its handlers entered at entry \
				       (| pid << 32: si_pid); any other how \
				       with entry != 0 sets the entry too. \
				       pending: the caller's pending set and \
				       its process's (SIG_POST_SHARED). \
				       given: signals pending on the caller \
				       that it blocks now and that were sent \
				       to its process (not to it alone): \
				       moved back to the process's set \
				       (libsys then asks PG_SIG_OFFER). \
				       E_INVAL: how, entry */ \
	X(frame_free_many,44, 2, 1) /* (buf, n) -> freed: frame_free for each \
				       of the n (<= FRAME_FREE_MANY_MAX) (pfn, \
				       gen) pairs at buf, with one TLB \
				       shootdown for all; a pair the caller \
				       does not hold is skipped (freed counts \
				       the others).  E_INVAL (n), E_FAULT \
				       (buf) before any is freed */ \
	X(set_fs_base,    45, 1, 0) /* (base): the calling thread's FS base \
				       (its TLS thread pointer), kept across \
				       switches; a new thread and a fork \
				       child start with 0.  E_INVAL: base not \
				       below USER_END */ \
	X(sigsuspend,     46, 1, 0) /* (mask): wait with the blocked set \
				       mask until a signal it lets through is \
				       pending; always E_INTR, the handler \
				       entered with the blocked set of before \
				       in its frame (abi/signal.h); with no \
				       handler entered the blocked set stays \
				       mask: call again (the set of before \
				       kept) */ \
	X(sig_post,       47, 4, 1) /* (thread, sig, entry, flags): make sig \
				       (1..64; a SIG_WORD with its siginfo) \
				       pending on thread, its handler \
				       entered at entry; wakes it from an \
				       interruptible wait (E_INTR there). \
				       entry 0 keeps the thread's own. \
				       E_BUSY: the thread blocks sig (nothing \
				       done unless flags has SIG_POST_FORCE; \
				       SIG_POST_PROBE, _SHARED, _CLAIM, _OWN \
				       in abi/signal.h). \
				       E_DEAD: the thread is ending (its end \
				       notice carries what was pending). \
				       E_INVAL sig, entry, flags */ \
	X(sigaltstack,    48, 4, 0) /* (sp, size, how, onstack) -> old sp, \
				       old size, old flags: the calling \
				       thread's alternate signal stack \
				       [sp, sp + size) (how ABI_SS_SET), none \
				       (ABI_SS_DISABLE) or unchanged \
				       (ABI_SS_ASK); onstack (always set): the \
				       signals whose frames go there \
				       (SA_ONSTACK, bit sig - 1).  old flags: \
				       ABI_SS_ONSTACK while on it, \
				       ABI_SS_DISABLE if none.  E_PERM: on it \
				       now; E_NOMEM: size below \
				       ABI_MINSIGSTKSZ; E_INVAL: how, range */ \
	X(cpu_time,       49, 1, 0) /* (space) -> thread ns, space ns, \
				       tick ns: CPU time, sampled at the \
				       timer tick (each charges the time \
				       since its CPU's last one to the \
				       thread it finds running and its \
				       space). \
				       space 0: the calling thread's own and \
				       its space's (all its threads, ended \
				       ones too); else a space handle \
				       (RIGHT_CONTROL): thread ns 0, that \
				       space's.  tick ns: the resolution. \
				       E_BADHANDLE (no such space handle), \
				       E_PERM (no RIGHT_CONTROL) */ \
	X(sigwait,        50, 2, 0) /* (set, ms) -> sig, info: take the \
				       lowest signal of set pending on the \
				       caller (its own first, then its \
				       process's: SIG_POST_SHARED), waiting \
				       up to ms (FUTEX_FOREVER: no limit, \
				       else at most FUTEX_MAX_MS) for one, \
				       though the caller blocks them (a post \
				       of one wakes it); info: its \
				       SIG_WORD_INFO (si_code, si_status, \
				       si_pid).  E_AGAIN: the time passed; \
				       E_INTR: a signal it does not block \
				       came first (its handler runs on the \
				       way out); E_INVAL: set empty (but \
				       SIGKILL, SIGSTOP), ms */ \
	X(fill_setup,     51, 2, 1) /* (zero pfn, zero gen): the pager lets \
				       the kernel fill pages at fill marks \
				       (fill_mark), reads with this frame \
				       (a reference kept for good); once. \
				       E_STALE (not a live user frame of \
				       that gen), E_BUSY (done already) */ \
	X(fill_mark,      52, 5, 1) /* (space, va, npages, rights, mask) -> \
				       new marks: a fill mark with MAP_* rights \
				       (MAP_R required) at each unmapped page \
				       i of npages (<= PROTECT_MASK_MAX) from \
				       va whose bit i of the words at mask is \
				       set: a fault there fills it in the \
				       kernel (a read: the zero frame, read \
				       only; a write: a fresh zeroed frame \
				       held in the pager's window too), \
				       logged for fill_take.  Every unmap, \
				       protect or map of the page clears it. \
				       E_INVAL (no fill_setup, rights, \
				       npages), E_FAULT, E_NOMEM */ \
	X(fill_take,      53, 5, 1) /* (space, buf, max, va, npages) -> n: \
				       clear the fill marks of npages from \
				       va (0: none), then move up to max (<= \
				       FILL_TAKE_MAX) logged fills, oldest \
				       first, to buf, FILL_REC_WORDS words \
				       each (abi/fault.h); the frames are the \
				       caller's now.  A fill whose page was \
				       unmapped first was dropped with it */

#define SYS_ENUM(name, nr, nargs, pager) SYSNR_##name = nr,
enum { SYSCALL_TABLE(SYS_ENUM) SYS_COUNT };
#undef SYS_ENUM

/* Handles: 32-bit values; 0 is never valid. */
#define HANDLE_NONE 0

/* Handle rights. */
#define RIGHT_SEND    0x1 /* endpoint: send and call */
#define RIGHT_RECV    0x2 /* endpoint: receive */
#define RIGHT_CONTROL 0x4 /* space or thread: destroy, map into, ... */
#define RIGHT_REPLY   0x8 /* thread: answer its saved call (reply_save) */
#define REPLY_SAVE_INTR 0x1 /* reply_save: not a caller with a signal to take */
#define RIGHT_ALL     0xF

/* Mapping rights (map, protect, and fault replies). */
#define MAP_R 0x1
#define MAP_W 0x2
#define MAP_X 0x4

/* memmap cell kinds: what most frames of the cell are. */
enum memmap_kind {
	MEMMAP_FREE, MEMMAP_FIRMWARE, MEMMAP_KERNEL, MEMMAP_PAGE_TABLE,
	MEMMAP_USER, MEMMAP_SHARED /* user frames mapped in more than one
				      process (every one is also mapped in
				      the pager's window) */,
	MEMMAP_POISONED, MEMMAP_MERGED /* frames KSM merged pages into */,
	MEMMAP_KINDS
};
#define MEMMAP_MAX_CELLS 65536

/* ksm_merge flags (in va's low bits) and answers */
#define KSM_MERGE_FREE 0x1 /* merged: drop the caller's window of pfn too */
#define KSM_MERGE_TAG  0x2 /* merged: tag the target for memmap (MEMMAP_MERGED) */
enum { KSM_MERGE_GONE, KSM_MERGE_DIFFER, KSM_MERGE_DONE };

/* Frames one frame_free_many gives back at most. */
#define FRAME_FREE_MANY_MAX 64

/* One merge of ksm_merge_many: ksm_merge's arguments, and its answer. */
#define KSM_MERGE_MANY_MAX 16
struct abi_ksm_merge {
	uint64_t space;      /* handle of the space */
	uint64_t va;         /* | KSM_MERGE_* flags */
	uint64_t pfn, gen;   /* the frame va must map */
	uint64_t tpfn, tgen; /* the target frame */
	uint32_t err;        /* out: ksm_merge's error (E_OK: merged) */
	uint32_t how;        /* out: KSM_MERGE_GONE, _DIFFER or _DONE */
};

/* console_read flags */
#define CONSOLE_NOWAIT 0x1 /* E_AGAIN at once when nothing was typed */
#define CONSOLE_POLL   0x2 /* take nothing: wait up to len ms (FUTEX_FOREVER:
			    * no limit, else at most FUTEX_MAX_MS) for a typed
			    * byte; out[0] = 1 if one waits, 0 when the time
			    * passed; E_INTR: a signal came first (poll) */

/* sigaltstack's how and old flags (Linux's SS_* values) */
#define ABI_SS_SET      0
#define ABI_SS_ONSTACK  1
#define ABI_SS_DISABLE  2
#define ABI_SS_ASK      0x100
#define ABI_MINSIGSTKSZ 2048

/* futex_wait's ms for "until woken"; any other ms is at most a day. */
#define FUTEX_FOREVER (~0ull)
/* futex_wait's and futex_wake's flag in addr's low bits: the word may be
 * shared memory (Linux's futexes without FUTEX_PRIVATE_FLAG). */
#define FUTEX_SHARED 0x1ull
#define FUTEX_MAX_MS  (24ull * 3600 * 1000)

/* cpu_pin's pin word besides a CPU number */
#define CPU_PIN_ASK (~0ull)
#define CPU_PIN_ANY (~0ull - 1)

/* frame_alloc flags */
#define FRAME_ZEROED 0x1
#define FRAME_SHARED 0x2 /* frame_alloc: a frame of MAP_SHARED memory */
#define FRAME_ALLOC_MAP_MAX 64 /* pages in one frame_alloc_map */
#define PROTECT_MASK_MAX 4096  /* pages in one protect_mask (512 bytes of mask) */

/* Where the pager sees the frames it holds: frame pfn is at
 * PAGER_WINDOW + pfn * 4096 in the pager's space while it holds it. */
#define PAGER_WINDOW 0x0000400000000000ull

/* Priorities for thread_create: 0 (lowest) .. PRIO_MAX.  Or'ed with
 * THREAD_PIN(cpu), the thread runs on that CPU only. */
#define PRIO_MAX     31
#define PRIO_DEFAULT 16
#define THREAD_PIN(cpu) (((unsigned long)(cpu) + 1) << 8)
/* Or'ed in too: the new thread's FS base (set_fs_base) from its first
 * instruction on, so a signal handler that runs before it has its thread
 * pointer (libsys's TLS); base < USER_END, 0: none. */
#define THREAD_FS(base) ((unsigned long)(base) << 16)
/* Or'ed in too: the new thread starts with every signal blocked (but
 * SIGKILL, SIGSTOP), so none is taken before its first instructions set
 * the blocked set its creator had (libsys's new threads and fork
 * children); a signal sent to the process meanwhile waits for a thread
 * that lets it through (SIG_POST_SHARED). */
#define THREAD_SIGS_OFF (1ul << 63)

/* IPC buffer bytes in the label word (bits 32..44), at most IPC_BUF_MAX;
 * bits 45..63 must be zero. */
#define IPC_BUF_MAX 4096
#define IPC_LABEL(label, len) (((unsigned long)(len) << 32) | (unsigned)(label))
#define IPC_LABEL_TAG(word) ((unsigned)(word))
#define IPC_LABEL_LEN(word) ((unsigned)(((word) >> 32) & 0x1FFF))

#endif

/* The protocol between user programs and the pager, and the address map the
 * pager gives every process it starts.
 *
 * Requests: sys_call on the pager handle (struct pg_startup.pager, granted
 * with RIGHT_SEND and badge = pid | PG_BADGE_CALL) with label = PG_* and
 * arguments in w0..w3; some carry bytes in the IPC buffer (label bits
 * 32..43, see abi/syscall.h).  The reply's label is an enum err (E_OK = 0),
 * its words the results.  Every request is validated; a bad one is answered
 * with an error, never by killing the caller or the pager.
 *
 * Faults (abi/fault.h) reach the pager with badge = pid (no PG_BADGE_CALL),
 * so a request can never pass for a fault.  After an exec both badges
 * also carry the image's number (the exec generation, PG_BADGE_GEN below).
 *
 *   label            words in                     reply words
 *   PG_EXIT          w0 = status                  none: the process ends
 *   PG_GETPID        -                            w0 = pid, w1 = parent pid
 *   PG_MMAP_ANON     w0 = size                    w0 = address of a new lazy
 *                                                 zero-fill R|W region
 *   PG_MUNMAP        w0 = addr, w1 = size         -  (pages unmapped, frames
 *                    (page-aligned, inside one    freed; the range stays in
 *                    region)                      its region: the next touch
 *                                                 reads zero, or the file
 *                                                 again for program pages)
 *   PG_MFREE         w0 = region start            -  (the region is removed:
 *                                                 a later touch kills)
 *   PG_THREAD_SPAWN  w0 = entry, w1 = stack,      w0 = thread index,
 *                    w2 = arg (in rdi),           w1 = its IPC buffer address,
 *                    w3 = 0, or cpu + 1 to keep   w2 = its tid (E_AGAIN while
 *                    the thread on that CPU,      PG_MAX_THREADS live,
 *                    | its FS base << 8 (0: none)
 *                                                 E_NOMEM without memory; an
 *                                                 ended thread's index is
 *                                                 free again)
 *   PG_SPAWN         buffer "name\0arg\0...\0"    w0 = pid (a child of caller)
 *   PG_WAIT          w0 = pid (a child), or   w0 = PG_WAIT_EXITED or
 *                    PG_WAIT_ANY: any child;      PG_WAIT_KILLED | the
 *                    w1 = PG_WAIT_BLOCK to wait   child's pid << 32, w1 = exit
 *                    until it ends (0: ask)       status or FAULT_* label,
 *                                                 w2 = fault addr, w3 = rip;
 *                                                 E_AGAIN while it runs (with
 *                                                 PG_WAIT_BLOCK only when
 *                                                 another thread of the
 *                                                 caller waits already, or
 *                                                 the pager cannot keep the
 *                                                 call: ask again later)
 *   PG_SHARED_EP     w0 = key                     w0 = handle of the endpoint
 *                                                 named key (RIGHT_SEND |
 *                                                 RIGHT_RECV, badge = caller's
 *                                                 pid); made on first request,
 *                                                 closed when its maker ends
 *   PG_FORK          w0 = entry, w1 = stack,      w0 = child pid (to the
 *                    w2 = arg, w3 = the child     parent).  The child gets a
 *                    thread's FS base (0: none)
 *                                                 copy-on-write copy of the
 *                                                 whole space and one thread
 *                                                 at entry with rsp = stack,
 *                                                 rdi = arg (libsys saves
 *                                                 the caller's registers in
 *                                                 memory first and resumes
 *                                                 from them in the child)
 *   PG_KILL          w0 = pid as kill(2)'s (0:    -  a handled signal runs
 *                    the caller's group, -1: all, its handler (sig_post), an
 *                    -g: group g), w1 = signal    ignored one nothing; else
 *                    (0: SIGKILL), w2 = 0, or a   the process ends (E_PERM
 *                    thread index + 1: to that    unless the caller is it,
 *                    thread of the caller alone   an ancestor (also of
 *                    (w0 its pid), w3 = 0 or      an orphan) or in its
 *                    that thread's tid (E_NOENT   group); E_NOENT
 *                    if the index is another's)
 *   PG_MPROTECT      w0 = addr, w1 = size,        -  (inside one region)
 *                    w2 = MAP_* rights
 *   PG_BRK           w0 = new break (0: query)    w0 = the break: the heap
 *                                                 region grows or shrinks
 *   PG_STATS         -                            buffer: struct pg_stats
 *   PG_PS            w0 = first pid               buffer: struct pg_procinfo
 *                                                 [w0 entries], pids >= w0
 *   PG_PMAP          w0 = pid, w1 = address:      buffer: struct pg_region_info
 *                    the regions from there on    [w0 entries], as many as
 *                    it                           fit
 *   PG_LIST          w0 = index                   w0 = size in bytes; buffer:
 *                                                 the name of the index-th
 *                                                 initrd program (no NUL);
 *                                                 E_NOENT past the last
 *   PG_HALT          w0 = status                  none: the machine stops
 *                                                 (under QEMU's isa-debug-exit
 *                                                 QEMU exits with status*2+1)
 *   PG_REBOOT        -                            none: the machine resets
 *                                                 (QEMU -no-reboot: it exits).
 *                                                 Both only from init and
 *                                                 the shell: E_PERM else
 *   PG_OOM_ADJ       w0 = new oom_score_adj       w0 = the value before
 *                    (-1000..1000, as a signed    (signed).  Only the
 *                    word), w1 = 1 to set it,     caller's own; a child
 *                    0 only to ask                inherits its parent's at
 *                                                 spawn and fork.  E_INVAL
 *                                                 out of range
 *   PG_MADVISE       w0 = addr, w1 = len,         -  MADV_MERGEABLE (12): KSM may
 *                    w2 = advice (Linux's         merge the anonymous pages of
 *                    numbers, abi/ksm.h)          the regions [addr, addr+len)
 *                                                 touches (whole regions);
 *                                                 MADV_UNMERGEABLE (13): not any
 *                                                 more, and their merged pages
 *                                                 get private copies.  E_INVAL
 *                                                 other advice, unaligned or
 *                                                 outside lazy regions; E_NOMEM
 *   PG_ROBUST        w0 = the robust list head    -  (set_robust_list: a
 *                    (lib/robust.h) of thread     process that ends walks
 *                    slot w1 of the caller        each slot's list, marking
 *                    (0: none)                    the MAP_SHARED lock words
 *                                                 the thread held; E_INVAL
 *                                                 for a slot not in use)
 *   PG_KSM_CTL       w0 = KSM_CTL_* key,          w0 = the value before (see
 *                    w1 = value (w2: a second)    abi/ksm.h; E_INVAL, E_BUSY)
 *   PG_KSM_STATS     w0 = pid (0: the caller)     buffer: struct ksm_stats
 *   PG_KSM_PROCESS   w0 = 1 on, 0 off, 2 ask      w0 = the setting before: with
 *                                                 it every anonymous region of
 *                                                 the caller, now and later, is
 *                                                 mergeable (PR_SET_MEMORY_MERGE;
 *                                                 inherited by fork)
 *   PG_KSM_DOMAIN    -                            w0 = a new merge domain for the
 *                                                 caller and its future children
 *                                                 (fork and spawn inherit it)
 *   PG_KSM_SCAN      -                            only from the pager's ksmd: one
 *                                                 batch of the scanner; w0 = ms
 *                                                 to sleep before the next
 *                                                 (E_PERM for anyone else)
 *
 *
 * POSIX memory (issue 12; libsys's sys/mman.h, Linux's numbers and rules;
 * these answer E_INVAL, E_NOMEM, E_FAULT, E_BUSY (MAP_FIXED_NOREPLACE:
 * EEXIST), E_PERM (EACCES), E_NOENT (EBADF: no such file)):
 *   PG_MADVISE       w0 = addr, w1 = len,         -  MADV_DONTNEED: pages
 *                    w2 = advice (MADV_*)         dropped (private ones
 *                                                 read zero, or the file,
 *                                                 next); MADV_FREE the same
 *                                                 (freed at once, not lazily);
 *                                                 MADV_WILLNEED: faulted in
 *                                                 now; NORMAL, RANDOM,
 *                                                 SEQUENTIAL, (UN)MERGEABLE
 *                                                 (the KSM branch), DOFORK:
 *                                                 accepted.  E_NOMEM if part
 *                                                 of the range is unmapped
 *   PG_MMAP          w0 = addr (hint, or fixed),  w0 = the mapping's address.
 *                    w1 = len, w2 = prot |        file: PG_LIST index + 1
 *                    flags << 32 (PROT_*, MAP_*   (0: anonymous) in the low
 *                    as Linux), w3 = file offset  12 bits of w3
 *                    | file
 *   PG_UNMAP         w0 = addr, w1 = len          -  munmap: the range leaves
 *                                                 every region it meets
 *                                                 (regions split), frames
 *                                                 freed; a hole is no error
 *   PG_PROTECT       w0 = addr, w1 = len,         -  mprotect over any range
 *                    w2 = PROT_*                  of mapped pages (regions
 *                                                 split and merge again);
 *                                                 E_NOMEM if a page of it is
 *                                                 unmapped (nothing changed)
 *   PG_MINCORE       w0 = addr, w1 = len          buffer: one byte per page
 *                    (<= PG_INFO_MAX_MINCORE      (1 = resident); E_NOMEM
 *                    pages), w2 = the caller's    for an unmapped page,
 *                    vector (checked writable)    E_FAULT for a bad vector
 *   PG_PAGEINFO      w0 = addr, w1 = pages        buffer: struct pg_page_info
 *                    (<= PG_INFO_MAX_PAGES)       per page (a hole: flags 0)
 *   PG_FREAD         w0 = PG_LIST index, w1 =     w0 = bytes; buffer: the
 *                    offset, w2 = len (<= 4096),  file's bytes (0 at its end);
 *                    w3 = the caller's buffer     E_FAULT if that is not
 *                    (checked writable)           writable memory
 *   PG_MREMAP        w0 = addr, w1 = old len,     w0 = the address: the
 *                    w2 = new len, w3 =           mapping shrinks (its tail
 *                    MREMAP_* flags |             unmapped), grows in place
 *                    MREMAP_FIXED's new address   (anonymous, shared or file
 *                    (page-aligned)               mappings whose next pages
 *                                                 are free), or with MAYMOVE
 *                                                 moves: shared memory (a
 *                                                 region on its object) and
 *                                                 private anonymous memory
 *                                                 (its pages, alone); other
 *                                                 moves E_NOMEM (libsys
 *                                                 copies).  E_FAULT unless [addr,
 *                                                 addr + old len) is in one
 *                                                 mapping; E_INVAL bad flags.
 *                    Old len 0, w3 = MAYMOVE      A second mapping of the
 *                    (| PG_MREMAP_PRIVATE)        shared object addr is in,
 *                    (| FIXED | dst, and          from addr's page on
 *                    | PG_MREMAP_NOREPLACE):      (private: copy-on-write,
 *                                                 unwritten pages the
 *                                                 object's), at dst if
 *                                                 FIXED (replacing; with
 *                                                 NOREPLACE E_BUSY over a
 *                                                 mapping); E_INVAL not
 *                                                 MAP_SHARED memory
 *   PG_SIGACTION     w0 = signals with a handler  -  a fault raising one of
 *                    (bit sig - 1), w1 = the      them (abi/signal.h) is
 *                    entry threads resume at      answered FAULT_REPLY_SIGNAL
 *                    (below PG_USER_END), w2 =    instead of killing, and
 *                    signals ignored (SIG_IGN),   PG_KILL runs the handler
 *                    w3 = PG_SA_NOCLDSTOP if      (sig_post); fork inherits
 *                    SIGCHLD's sa_flags have it   all four.  E_INVAL
 *                    | sig << PG_SA_DISCARD_SHIFT the pending sig is
 *                    (its action ignores it now)  discarded
 *   PG_SIG_ALARM     w0 = ms until SIGALRM (0:    w0 = ms the alarm before
 *                    cancel), w1 = interval ms    had left (0: none), w1 =
 *                    (0: once), w2 = 1: only ask  its interval.  E_INVAL
 *   PG_TIMER         w0 = PG_TIMER_CREATE, w1 =   w0 = the id (0..
 *                    sig (0: none) | thread slot  PG_TIMERS - 1); E_AGAIN
 *                    + 1 << 8 (0: the process)    (all taken), E_INVAL
 *                    | PG_TIMER_CPU: its ms are
 *                    the process's CPU time's
 *                    w0 = PG_TIMER_SET, w1 = id,  w0 = ms the one before
 *                    w2 = ms (0: disarm), w3 =    had left, w1 = its
 *                    interval ms                  interval
 *                    w0 = PG_TIMER_GET, w1 = id   w0, w1 as SET, w2 =
 *                                                 overrun
 *                    w0 = PG_TIMER_DELETE, id     E_INVAL: no such timer
 *                    w0 = PG_TIMER_FIRED          w0 = thread timers
 *                                                 expired since (bit id)
 *   PG_SIGQUEUE      w0 = pid, w1 = sig, w2 =     (kill's checks and
 *                    value, w3 = 0: send          errors); E_AGAIN: the
 *                                                 target's queue is full
 *                    w1 = sig, w3 = 1: take the   w0 = value, w1 = the
 *                    caller's first queued sig    sender's pid; E_NOENT
 *   PG_SIG_OFFER     w0 = signals (bit sig - 1)   E_OK: each of them that
 *                    the calling thread gave      is pending for the
 *                    back to its process (its     process is offered to
 *                    sigmask's out[2])            every thread again
 *                                                 (SIG_POST_CLAIM)
 *
 * Pipes (pager/pipe.c; the pager keeps the bytes and who holds each end:
 * per process, how many of its descriptors name each end; fork copies the
 * parent's, a process's end closes its own.  E_BADHANDLE (EBADF) unless
 * the caller holds the end named):
 *   PG_PIPE_NEW      w0 = the caller's int[2]     w0 = pipe id (the caller
 *                    (checked writable: E_FAULT)  holds each end once);
 *                                                 E_NOMEM
 *   PG_PIPE_REF      w0 = id, w1 = end (0 read,   -  one descriptor of the
 *                    1 write), w2 = +1 or -1      end more (dup) or less
 *                                                 (close); the last of all
 *                                                 gives the frames back
 *   PG_PIPE_WRITE    w0 = id, w1 = NONBLOCK |     w0 = bytes written (all:
 *                    PARTIAL; buffer: 1..4096     a write is atomic unless
 *                    bytes (none: only check      PARTIAL).  E_DEAD no
 *                    [w3, w3 + w2) readable)      reader, E_AGAIN full and
 *                                                 NONBLOCK, E_FAULT; full:
 *                                                 saved, answered w1 =
 *                                                 PG_PIPE_RETRY when read
 *   PG_PIPE_READ     w0 = id, w1 = len (<= 4096), w0 = bytes, 0 at EOF (no
 *                    w2 = NONBLOCK, w3 = the      writer); buffer: them.
 *                    caller's buffer (checked     Empty: E_AGAIN, or saved
 *                    writable)                    and answered w1 =
 *                                                 PG_PIPE_RETRY when written
 *                                                 or the writers are gone
 *                    w2 | PG_PIPE_PEEK: keep them  (messages: one; w2 = its
 *                                                 length)
 *   PG_PIPE_CTL      w0 = PG_CTL_SOCKPAIR,        w0, w1 = two pipe ids;
 *                    _EVENTFD, _SHUT (below)      w0 = eventfd id. E_NOMEM,
 *                                                 E_FAULT, E_BADHANDLE
 *
 * Named shared memory (pager/pshm.c; one namespace for every process):
 *   PG_PSH_OPEN      buffer: the name (no '/',    w0 = address of a new
 *                    1..255 bytes and its NUL),   PG_PSH_SPAN-byte MAP_SHARED
 *                    w0 = PG_PSH_CREAT |          read-write mapping of the
 *                    PG_PSH_EXCL | PG_PSH_INIT,   whole object (it holds the
 *                    w1, w2 = with INIT, the      object: munmap lets go),
 *                    first 16 bytes of an object  w1 = 1 if made now.
 *                    made now (set before the
 *                    name is seen: sem_open)
 *                                                 E_NOENT, E_BUSY (EXCL and
 *                                                 it exists), E_INVAL name,
 *                                                 E_NOMEM
 *   PG_PSH_UNLINK    buffer: the name             -  the name goes; the object
 *                                                 lives while mapped. E_NOENT
 *   PG_PSH_SIZE      w0 = an address in a         w0 = the object's size
 *                    mapping of the object,       (ftruncate's, kept here
 *                    w1 = a size, w2 = 0 only     for every process) before.
 *                    ask, PG_PSH_SET size = w1,   w1, w2 as PG_PSH_STAT's.
 *                    PG_PSH_GROW size = max(      E_INVAL not shared memory,
 *                    size, w1), PG_PSH_ADD        or (changing) not a file's:
 *                    size += w1.  GROW and ADD    a System V segment, a
 *                    are a write's: its bytes     MAP_SHARED region shared.
 *                    [w3, w1) (GROW) or w1 at     E_RANGE past PG_PSH_SPAN.
 *                    the end (ADD) get frames     A smaller size frees the
 *                    now, as many as the files'   pages past it (unmapped
 *                    total has room for           everywhere), zeroes the
 *                    (pg_stats.tmpfs_limit):      last one's tail.  GROW,
 *                    the size grows only to       ADD: w3 = the end of the
 *                    what fits                    bytes that fit; E_NOSPC
 *                                                 if none does
 *   PG_PSH_STAT      buffer: the name             w0 = the object's size,
 *                                                 w1 = its number (never
 *                                                 reused), w2 = its names.
 *                                                 E_NOENT
 *   PG_PSH_LIST      buffer: "prefix\0after\0"  buffer: the first name past
 *                    (either may be empty:        after (strcmp order) that
 *                    after "" is the first)       starts with the prefix;
 *                                                 w1 = its object's size.
 *                                                 E_NOENT: no more.  A walk
 *                                                 passing back the name it
 *                                                 got sees what was there
 *                                                 throughout, once
 *   PG_PSH_RENAME    buffer: "old\0new\0"         -  old's object is named
 *                                                 new (a name new had goes
 *                                                 first). E_NOENT no old
 * A name that starts with '/' may hold more '/' (libsys's tmpfs: a file's
 * path, a directory's path and '/'); other names may not.
 * System V shared memory (pager/pshm.c; one table for every process):
 *   PG_SHM_GET       w0 = key (0: IPC_PRIVATE),   w0 = the id.  E_NOENT,
 *                    w1 = size, w2 = PG_SHM_CREAT E_BUSY (EXCL, it exists),
 *                    | PG_SHM_EXCL | mode << 8,   E_INVAL (size), E_OVERFLOW
 *                    w3 = the time (shm_ctime)    (table full), E_NOMEM
 *   PG_SHM_AT        w0 = id, w1 = address (0:    w0 = the address of a new
 *                    anywhere), w2 = PG_SHM_      MAP_SHARED region of the
 *                    RDONLY | PG_SHM_REMAP,       whole segment.  E_INVAL
 *                    w3 = the time                (id, address, taken), E_NOMEM
 *   PG_SHM_DT        w0 = an attachment's start,  -  it is unmapped.  E_INVAL
 *                    w1 = the time
 *   PG_SHM_CTL       w0 = id, w1 = PG_SHM_STAT |  STAT: w0 = size, w1 =
 *                    PG_SHM_SET | PG_SHM_RMID,    attachments, w2 = cpid |
 *                    w2 = SET's mode, w3 = SET's  lpid << 32, w3 = key |
 *                    time                         (mode | PG_SHM_DEST) << 32;
 *                                                 buffer: atime, dtime, ctime
 *                                                 (u64).  E_INVAL (id, cmd)
 *   PG_SHM_NOTE      w0 = id, w1 = the offset of  -  when the caller's process
 *                    a mark word, w2 = the offset ends (not at exec; a fork
 *                    of a wake word (u32, 4-byte  child has none), the pager
 *                    aligned, in the segment)     ORs PG_SHM_NOTE_DEAD into
 *                                                 the mark word, then adds 1 to
 *                                                 the wake word and wakes all
 *                                                 its (shared) futex sleepers,
 *                                                 if the segment is there and
 *                                                 not removed (sysvsem.c's
 *                                                 SEM_UNDO records).  Once per
 *                                                 (id, w1).  E_INVAL (id,
 *                                                 offsets), E_OVERFLOW
 *                                                 (PG_SHM_NOTES_MAX), E_NOMEM
 * Checks and waits for libsys's descriptors (pager/pipe.c):
 *   PG_IO_CHECK      w0 = addr, w1 = len, w2 =    w0 = how many bytes from
 *                    0 readable, 1 writable       addr are memory of the
 *                                                 caller with those rights
 *                                                 (a prefix of the range;
 *                                                 0: none)
 *   PG_IO_POLL       w0 = timeout ms (0: do not   w0 = entries ready; buffer:
 *                    wait; PG_POLL_FOREVER);      the entries, revents set.
 *                    buffer: struct pg_poll per   None ready: saved, answered
 *                    pipe end                     PG_PIPE_RETRY (w1) when a
 *                                                 pipe named changes (ask
 *                                                 again), E_TIMEDOUT, or
 *                                                 E_INTR (a handled signal
 *                                                 to the process); E_BUSY:
 *                                                 no room to wait
 *   PG_IO_EXEC       w0 = A, w1 = D, w2 = K;      none on success: the
 *                    buffer: A bytes              caller's image is replaced
 *                    "name\0arg\0...\0" (as       (as PG_SPAWN's), D struct
 *                    PG_SPAWN's), D struct        (same pid, parent,
 *                    pg_exec_drop (pipe ends      children, pipe ends but
 *                    its close-on-exec            the D dropped, ignored
 *                    descriptors held), K         signals, alarm; handlers
 *                    uint64_t addresses of        back to default; every
 *                    libsys's whole mappings of   thread but a new first one
 *                    objects (PG_PSH_OPEN's, a    gone; the K mappings at
 *                    memfd's, a one-page          the same addresses in the
 *                    MAP_SHARED anonymous one:    new image, the same
 *                    a description's shared
 *                    part) kept descriptors
 *                    hold, then up to
 *                    PG_EXEC_MAX bytes for the    objects).  E_NOENT,
 *                    new image's startup page     E_NOEXEC, E_INVAL (an
 *                    (exec_carry)                 address that is no such
 *                                                 mapping, or twice),
 *                                                 E_NOMEM: the caller is
 *                                                 unchanged
 *   PG_PGID          w0 = PG_PGID_GET, w1 = pid   w0 = its process group
 *                    (0: the caller); _SET, w1 =  -  (setpgid: E_NOENT
 *                    pid (0: caller), w2 = group  unless pid is the caller
 *                    (0: pid); _NEWSESSION        or its child, E_PERM for
 *                    (setsid); _COUNT, w1 =       a group nobody in the
 *                    group; _SID, w1 = pid        caller's session is in, or
 *                                                 a session leader); setsid:
 *                                                 w0 = the
 *                                                 new group, E_PERM if the
 *                                                 caller leads one already;
 *                                                 count: w0 = its live
 *                                                 processes
 *
 * A process's live children outlive it (orphans: init's, getppid() says
 * init's pid, nobody waits for them); an exited child stays a zombie until
 * its parent waits for it.  A process init or its shell spawns leads a
 * process group of its own; another spawned or forked one is in its
 * parent's.
 *
 * Threads: the kernel tells the pager when a thread ends (abi/fault.h
 * FAULT_THREAD_END: it called thread_exit, or the kernel ended it); the
 * pager frees its index, handle and IPC buffer page.  A process whose last
 * thread ends without exit ends as if it had called exit(0), as a Linux
 * process whose threads all pthread_exit: PG_WAIT_EXITED, status 0. */
#ifndef ABI_PAGER_H
#define ABI_PAGER_H

#include <stdint.h>

#define PG_BADGE_CALL (1ull << 32)
#define PG_BADGE_PID(badge) ((uint32_t)(badge))
/* Bits 40..63: the process's exec generation (pager-internal), so that a
 * fault or request an old image's thread sent before an exec is not served
 * against the new image. */
#define PG_BADGE_GEN_SHIFT 40
#define PG_BADGE_GEN_MASK 0xFFFFFFu
#define PG_BADGE_GEN(badge) ((uint32_t)((badge) >> PG_BADGE_GEN_SHIFT))
#define PG_BADGE(pid, gen) \
	((uint64_t)(uint32_t)(pid) | (uint64_t)((gen) & PG_BADGE_GEN_MASK) << PG_BADGE_GEN_SHIFT)

enum pg_request {
	PG_EXIT = 1,
	PG_GETPID,
	PG_MMAP_ANON,
	PG_MUNMAP,
	PG_MFREE,
	PG_THREAD_SPAWN,
	PG_SPAWN,
	PG_WAIT,
	PG_SHARED_EP,
	PG_FORK,
	PG_KILL,
	PG_MPROTECT,
	PG_BRK,
	PG_STATS,
	PG_PS,
	PG_PMAP,
	PG_LIST,
	PG_HALT,
	PG_REBOOT,
	PG_OOM_ADJ,
	PG_MADVISE,
	PG_KSM_CTL,
	PG_KSM_STATS,
	PG_KSM_PROCESS,
	PG_KSM_DOMAIN,
	PG_KSM_SCAN,

	PG_MMAP,
	PG_UNMAP,
	PG_PROTECT,
	PG_MINCORE,
	PG_PAGEINFO,
	PG_FREAD,
	PG_MREMAP,
	PG_SIGACTION,
	PG_PIPE_NEW,
	PG_PIPE_REF,
	PG_PIPE_WRITE,
	PG_PIPE_READ,
	PG_SIG_ALARM,
	PG_PSH_OPEN,
	PG_PSH_UNLINK,
	PG_PSH_SIZE,
	PG_IO_CHECK,
	PG_IO_POLL,
	PG_IO_EXEC,
	PG_PGID,
	PG_SHM_GET,
	PG_SHM_AT,
	PG_SHM_DT,
	PG_SHM_CTL,
	PG_PSH_STAT,
	PG_PSH_LIST,
	PG_PSH_RENAME,
	PG_TIMER,
	PG_SIGQUEUE,
	PG_PIPE_CTL,
	PG_ROBUST,
	PG_SHM_NOTE,
	PG_SIG_OFFER,
	PG_COUNT
};

/* Out of memory: when a fault finds no free frame the pager kills the live
 * process with the highest score, resident pages + oom_score_adj * (frames
 * managed) / 1000, never init or the shell, nor one with PG_OOM_ADJ_MIN;
 * PG_OOM_ADJ_MAX makes a process go first. */
#define PG_OOM_ADJ_MIN (-1000)
#define PG_OOM_ADJ_MAX 1000

/* PG_TIMER's w0 (POSIX timers: pager/signal.c). */
#define PG_TIMER_CREATE 0
#define PG_TIMER_SET    1
#define PG_TIMER_GET    2
#define PG_TIMER_DELETE 3
#define PG_TIMER_FIRED  4
#define PG_TIMERS       16
#define PG_TIMER_CPU    (1ull << 32) /* PG_TIMER_CREATE: on the process's
				      * CPU-time clock (its ms are CPU ms;
				      * ITIMER_VIRTUAL, ITIMER_PROF) */
#define PG_SIGQ         32 /* signals sigqueue'd and pending, per process */

#define PG_PGID_GET 0
#define PG_PGID_SET 1
#define PG_PGID_NEWSESSION 2
#define PG_PGID_COUNT 3 /* w1 = group: w0 = its live processes */
#define PG_PGID_SID 4   /* w1 = pid (0: the caller): w0 = its session */
#define PG_PGID_ENDJOB 5 /* init and its shell only: end every process that
			  * comes (fork, spawn) from job w1, the pid of one
			  * they started; w0 = how many */

#define PG_WAIT_EXITED 1
#define PG_WAIT_KILLED 2 /* w1 = FAULT_* label, PG_KILLED_OOM, or 0 (killed, or
			  * its parent ended) */
#define PG_KILLED_OOM 0x100 /* PG_WAIT_KILLED's w1: the OOM killer (SIGKILL) */
#define PG_KILLED_SIGNAL 0x200 /* PG_WAIT_KILLED's w1: PG_KILLED_SIGNAL | signo:
				  ended by PG_KILL with signal signo (kill,
				  raise, abort) */
/* PG_THREAD_SPAWN's and PG_FORK's w3 | PG_SIGS_OFF: the new thread starts
 * with every signal blocked (THREAD_SIGS_OFF), until it sets its
 * creator's blocked set itself (libsys), as Linux's new thread and fork
 * child have their creator's from their first instruction. */
#define PG_SIGS_OFF (1ull << 63)
#define PG_WAIT_BLOCK  1 /* PG_WAIT's w1: the answer comes when the child ends */
/* PG_WAIT's w1 flags beside PG_WAIT_BLOCK (waitpid's WUNTRACED,
 * WCONTINUED, waitid's WNOWAIT, and no WEXITED): a child stopped since
 * last reported answers how = PG_WAIT_STOPPED, w1 = the signal; one
 * continued since, PG_WAIT_CONTINUED; each reported once (but with
 * NOWAIT, which also leaves an ended child a zombie). */
#define PG_WAIT_F_STOPPED   2
#define PG_WAIT_F_CONTINUED 4
#define PG_WAIT_F_NOWAIT    8
#define PG_WAIT_F_NOEXIT    16
#define PG_WAIT_STOPPED   3 /* the answer's how: stopped by signal w1 */
#define PG_WAIT_CONTINUED 4 /* continued by SIGCONT */
#define PG_SA_NOCLDSTOP 1 /* PG_SIGACTION's w3: no SIGCHLD for a child's stop or continue */
/* PG_SIGACTION's w3 bits 8..15: a signal (0: none) whose new action ignores
 * it (SIG_IGN, or SIG_DFL of SIGCHLD, SIGURG, SIGWINCH, SIGCONT): its
 * pending instances are discarded, the process's, every thread's and its
 * queued values (POSIX, as Linux's sigaction) */
#define PG_SA_DISCARD_SHIFT 8
#define PG_WAIT_ANY    0 /* PG_WAIT's w0: whichever child ends first (wait(-1)) */

/* Pipes (PG_PIPE_*): a pipe holds PG_PIPE_SIZE bytes; a write of up to
 * PG_PIPE_BUF bytes goes in whole (never interleaved with another's). */
#define PG_PIPE_SIZE     65536
#define PG_PIPE_BUF      4096
#define PG_PIPE_NONBLOCK 1 /* PG_PIPE_WRITE's w1, PG_PIPE_READ's w2: E_AGAIN, no wait */
#define PG_PIPE_PARTIAL  2 /* PG_PIPE_WRITE's w1: what fits may go (a write
			    * of more than PG_PIPE_BUF in all, as Linux) */
#define PG_PIPE_RETRY    1 /* a saved call's answer (w1): ask again */
#define PG_PIPE_PEEK     2 /* PG_PIPE_READ's w2: the bytes stay (MSG_PEEK) */
#define PG_PIPE_MSG0     4 /* PG_PIPE_WRITE's w1: a message of no bytes */
/* A pipe's kind: a byte stream (pipe, SOCK_STREAM), messages (a 4-byte
 * length, then the bytes: SOCK_SEQPACKET, SOCK_DGRAM, which never reads
 * an end of file), an eventfd's counter or a timerfd's expiries (no
 * ring; the read end only; the alarm thread fires timers). */
#define PG_PIPE_STREAM    0
#define PG_PIPE_SEQPACKET 1
#define PG_PIPE_DGRAM     2
#define PG_PIPE_EVENT     3
#define PG_PIPE_TIMER     4 /* a timerfd: count = expiries, no ring */
#define PG_PIPE_LISTEN    5 /* a named socket's listener: no ring; waiting
			     * connections (PG_CTL_BIND .. _ACCEPT) */
/* PG_PIPE_CTL's w0. */
#define PG_CTL_SOCKPAIR 0 /* w1 = kind, w2 = the caller's int[2]: w0, w1 = two
			   * pipes of that kind, both ends of each held once */
#define PG_CTL_EVENTFD  1 /* w1 = initial count (at most 2^64 - 2, else E_INVAL), w2 = 1 EFD_SEMAPHORE: w0 = id */
#define PG_CTL_SHUT     2 /* w1 = a pipe the caller holds: shut (shutdown(2)) */
#define PG_CTL_TIMERFD  3 /* w0 = a new timerfd's id (disarmed) */
#define PG_CTL_TIMERSET 4 /* w1 = timerfd | ms the first expiry is past << 16,
			   * w2 = ms to the first expiry + 1 (0: disarm), w3 =
			   * period ms: w0, w1 = the old ones */
#define PG_CTL_TIMERGET 5 /* w1 = timerfd: w0 = ms to the next expiry + 1
			   * (0: disarmed), w1 = period ms */
#define PG_CTL_BIND     6 /* buffer: a name (1..PG_SUN_MAX bytes), w1 = kind
			   * (stream, seqpacket): w0 = a listener. E_BUSY taken */
#define PG_CTL_LISTEN   7 /* w1 = listener, w2 = backlog: it takes connects */
#define PG_CTL_CONNECT  8 /* buffer: a name, w1 = kind, w2 = NONBLOCK: w2 =
			   * the pipe to write, w3 = the one to read. E_NOENT
			   * no listener, E_PERM another kind, E_AGAIN full */
#define PG_CTL_ACCEPT   9 /* w1 = listener, w2 = NONBLOCK: w2 = the pipe to
			   * read, w3 = the one to write. E_AGAIN none (a
			   * waiting connect or accept: w1 = PG_PIPE_RETRY) */
#define PG_SUN_MAX    200 /* a listener's name: a path or '\0' + abstract */

/* PG_IO_POLL: one pipe end and its poll(2) events (Linux's POLL* bits);
 * end PG_POLL_SOCK: a socket that reads pipe id and writes pipe out.
 * seq out: a number that changes whenever the pipes do; events |
 * PG_POLL_SEQ: not ready while it is still seq in (epoll's EPOLLET). */
struct pg_poll {
	uint16_t id, end;       /* pipe id; 0 read end, 1 write end, PG_POLL_SOCK */
	uint16_t events, revents;
	uint16_t out, seq;
};
#define PG_POLL_SEQ  0x8000
#define PG_POLL_SOCK 2
#define PG_POLLRDHUP 0x2000
#define PG_POLLIN   0x001
#define PG_POLLOUT  0x004
#define PG_POLLERR  0x008
#define PG_POLLHUP  0x010
#define PG_POLLNVAL 0x020
#define PG_POLL_FOREVER (~0ull)
#define PG_POLL_MAX_MS  (24ull * 3600 * 1000) /* a finite timeout: at most a day */

/* Limits. */
#define PG_MMAP_MAX    (256ull << 20) /* bytes in one PG_MMAP_ANON */
#define PG_MAX_THREADS 4032           /* per process, the first included (the
				       * IPC buffers' 16 MiB hold 4094) */
#define PG_PSH_SPAN    (1ull << 30)   /* a named object's largest size */
#define PG_PSH_CREAT   1              /* PG_PSH_OPEN's w0: make it if missing */
#define PG_PSH_EXCL    2              /* ... and only if missing (E_BUSY) */
#define PG_PSH_INIT    4              /* ... made with w1, w2 as its first 16 bytes */
#define PG_PSH_SET     1              /* PG_PSH_SIZE's w2: size = w1 */
#define PG_PSH_GROW    2              /* ... size = max(size, w1) */
#define PG_PSH_ADD     3              /* ... size += w1 (w0: the size before) */
#define PG_SHM_CREAT   1              /* PG_SHM_GET's w2: make it if missing */
#define PG_SHM_EXCL    2              /* ... and only if missing (E_BUSY) */
#define PG_SHM_RDONLY  1              /* PG_SHM_AT's w2: mapped read-only */
#define PG_SHM_REMAP   2              /* ... replacing what is at w1 */
#define PG_SHM_STAT    0              /* PG_SHM_CTL's w1 */
#define PG_SHM_SET     1
#define PG_SHM_RMID    2
#define PG_SHM_DEST    01000          /* STAT's mode bit: removed (Linux's SHM_DEST) */
#define PG_SHM_NOTE_DEAD 0x80000000u /* PG_SHM_NOTE's mark */
#define PG_SHM_NOTES_MAX 4096      /* PG_SHM_NOTE's per process */
#define PG_MMAP_MIN    0x10000ull     /* the lowest address mapped (vm.mmap_min_addr) */
#define PG_MAX_ARGS    8              /* argv entries, name included */
#define PG_SPAWN_MAX   512            /* bytes of a PG_SPAWN buffer */
#define PG_EXEC_MAX    3072           /* PG_IO_EXEC's bytes for the new image */
#define PG_MREMAP_PRIVATE 0x800      /* PG_MREMAP's w3: a private second mapping */
#define PG_MREMAP_NOREPLACE 0x400    /* PG_MREMAP's w3: a second mapping at a free dst only */
#define PG_MREMAP_RDONLY 0x200       /* PG_MREMAP's w3: of a read-only descriptor (never
				      * made writable: mprotect EACCES) */
#define PG_EXEC_KEEP_MAX 256          /* PG_IO_EXEC's kept mappings (K) */

/* PG_IO_EXEC: a pipe end a close-on-exec descriptor holds, let go when the
 * exec succeeds. */
struct pg_exec_drop {
	uint16_t id, end;
};

/* Address map of a process (programs link at 0x400000; page 0 is never
 * mapped):
 *   0x0000_0000_0040_0000  program image (PT_LOAD segments)
 *   0x0000_1000_0000_0000  PG_MMAP_ANON regions, placed upward, a free
 *                          guard page between any two regions
 *   0x0000_7FFF_EF80_0000  main stack: PG_STACK_SIZE, lazy, ends at
 *   0x0000_7FFF_F000_0000  PG_STACK_TOP
 *   0x0000_7FFF_FF00_0000  IPC buffers: thread i's at PG_IPC_BUF_BASE + i*4096
 *   0x0000_7FFF_FFFF_E000  the startup page (read-only), PG_STARTUP_VA */
#define PG_IMAGE_BASE   0x0000000000400000ull
#define PG_MMAP_BASE    0x0000100000000000ull
#define PG_MMAP_LIMIT   0x0000700000000000ull
#define PG_STACK_TOP    0x00007FFFF0000000ull
#define PG_STACK_SIZE   (8ull << 20) /* Linux's default RLIMIT_STACK */
#define PG_IPC_BUF_BASE 0x00007FFFFF000000ull
#define PG_STARTUP_VA   0x00007FFFFFFFE000ull
#define PG_USER_END     0x00007FFFFFFFF000ull /* the last user page is never mapped */

/* PG_MMAP's w3: the file's PG_LIST index + 1 in the low bits, the offset
 * (page-aligned) above. */
#define PG_MMAP_FILE_MASK 0xFFFull
#define PG_INFO_MAX_MINCORE 4096  /* pages in one PG_MINCORE */
#define PG_INFO_MAX_PAGES   256   /* pages in one PG_PAGEINFO */

/* PG_PAGEINFO: one page, as Linux's /proc/PID/pagemap and kpagecount. */
struct pg_page_info {
	uint64_t pfn;       /* the frame (0 when not present) */
	uint32_t flags;     /* PGI_* */
	uint32_t mapcount;  /* mappings (of any process) that share the frame */
};
#define PGI_PRESENT  0x01 /* the pager gave the page a frame */
#define PGI_WRITABLE 0x02 /* mapped writable now (a write will not fault) */
#define PGI_ZERO     0x04 /* the shared zero frame */
#define PGI_COW      0x08 /* a copy-on-write share: a write copies it */
#define PGI_KSM      0x10 /* merged by KSM (a merged frame, or KSM put the zero frame there) */
#define PGI_SHARED   0x20 /* MAP_SHARED memory: writes seen by every mapper */
#define PGI_FILE     0x40 /* filled from an initrd file */
#define PGI_MAPPED   0x80 /* inside a mapping (a region) */

/* PG_STATS: the pager's counters, all since boot. */
struct pg_stats {
	uint64_t faults_total;
	uint64_t faults_zero;      /* demand-zero (anonymous, heap) */
	uint64_t faults_zero_read; /* read of a never-touched page: shared zero frame */
	uint64_t faults_file;      /* filled from the initrd (ELF segments) */
	uint64_t faults_stack;     /* stack growth */
	uint64_t cow_copies;       /* write to a shared page: copied */
	uint64_t cow_reuses;       /* write to a page no longer shared: made writable */
	uint64_t kills;            /* processes killed by a fault or out of memory */
	uint64_t oom_kills;
	uint64_t frames_held;      /* frames the pager holds now */
	uint64_t forks, spawns, exits;
	uint64_t processes;        /* alive now */
	uint64_t ksm_reserved[8];  /* KSM counters (a later issue) */
	uint64_t cow_frames;       /* frames shared through COW now (share count >= 2) */
	uint64_t text_shared;      /* program-text faults served from the page
				    * cache: another process's frame shared */
	uint64_t pool_frames;      /* frames the pager's own tables hold now
				    * beyond their fixed part (they shrink) */
	uint64_t oom_waits;        /* faults told to wait (retry after a short
				    * sleep) for an OOM victim's frames */
	uint64_t oom_reaped;       /* OOM victims whose frames were seen back */
	uint64_t oom_timeouts;     /* victims whose frames were not back in
				    * time: another was chosen */
	uint64_t oom_call_fails;   /* system calls failed (not killed) for want
				    * of a frame for their buffer */
	uint64_t requests;         /* PG_* requests served (all processes) */
	uint64_t waits_blocked;    /* PG_WAITs answered when the child ended */
	uint64_t pool_nodes;       /* nodes of the pager's own tables in use
				    * now, in their fixed part or grown pages
				    * alike (see pool_frames) */
	uint64_t faults_kernel;    /* of faults_total: filled by the kernel at
				    * fill marks, no pager on the way (also
				    * counted as faults_zero or _zero_read) */
	uint64_t tmpfs_frames;     /* frames tmpfs files and shm_open objects
				    * hold now (all of them together) */
	uint64_t tmpfs_limit;      /* ... at most: half of memory (statfs's
				    * f_blocks; past it ENOSPC, SIGBUS) */
};

/* PG_PS: one process. */
#define PG_NAME_MAX 16
struct pg_procinfo {
	uint32_t pid, ppid;
	uint32_t state;            /* PG_PROC_* */
	uint32_t threads;
	uint64_t resident;         /* pages mapped now */
	uint64_t faults;
	char name[PG_NAME_MAX];
	int32_t oom_score_adj;     /* PG_OOM_ADJ */
	uint32_t oom_flags;        /* PG_OOM_* */
	uint64_t ksm_merging_pages; /* pages mapping a KSM-merged or zero frame */
	uint64_t maxrss;           /* the most pages it had mapped at once */
	uint64_t cfaults, cmaxrss; /* of its children it waited for (and of
				    * theirs): faults, the highest maxrss */
	uint64_t cpu_ns;           /* CPU time used (cpu_time), earlier
				    * images' (exec) included */
	uint64_t ccpu_ns;          /* of its children it waited for (and of
				    * theirs) */
};
#define PG_OOM_PROTECTED 0x1       /* init or the shell: never an OOM victim */
#define PG_PROC_RUNNING 1
#define PG_PROC_ZOMBIE  2

/* PG_PMAP: one region of a process. */
struct pg_region_info {
	uint64_t start, end;       /* [start, end) */
	uint32_t rights;           /* MAP_* */
	uint32_t backing;          /* PG_BACK_* */
	uint64_t resident;         /* pages present */
	uint64_t merged;           /* of them, mapping a KSM-merged frame */
	uint32_t mergeable;        /* MADV_MERGEABLE (or ksm_process) */
	uint32_t priv;             /* PG_BACK_SHARED: a private (copy-on-write)
				    * mapping of the object, MAP_PRIVATE's */
	uint32_t hold;             /* libsys's own whole mapping of an open
				    * object (PG_PSH_OPEN's, a memfd's): no
				    * mapping of the program's */
	uint32_t pad;
	uint64_t ino;              /* PG_BACK_SHARED of a file (shm_open,
				    * tmpfs, memfd): its st_ino; else 0 */
};
#define PG_BACK_FIXED 0 /* pager-placed pages (startup page, IPC buffers) */
#define PG_BACK_ANON  1
#define PG_BACK_FILE  2
#define PG_BACK_STACK 3
#define PG_BACK_HEAP  4
#define PG_BACK_SHARED 5 /* MAP_SHARED anonymous memory */

/* The startup page: the main thread starts at the ELF entry with
 * rdi = PG_STARTUP_VA and rsp = PG_STACK_TOP. */
#define PG_STARTUP_MAGIC 0x7075747261747370ull /* "pstartup" */
struct pg_startup {
	uint64_t magic;
	uint32_t pager;     /* handle of the pager endpoint */
	uint32_t pid;
	uint64_t ipc_buf;   /* the main thread's IPC buffer */
	uint32_t argc, pad;
	uint64_t argv[PG_MAX_ARGS + 1]; /* pointers into this page; NULL ends */
	char strings[PG_SPAWN_MAX];
	uint32_t exec_len, pad2;        /* PG_IO_EXEC: libsys's own bytes for */
	char exec_carry[PG_EXEC_MAX];   /* the new image (descriptors, ...) */
};
_Static_assert(sizeof(struct pg_startup) <= 4096, "the startup page is one page");

#endif

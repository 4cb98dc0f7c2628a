/* Memory mappings, as Linux's <sys/mman.h> (same names, same values): every
 * call returns 0 (mmap: the address) or -1 (MAP_FAILED) with errno set.
 *
 * mmap: PROT_NONE/READ/WRITE/EXEC; exactly one of MAP_PRIVATE, MAP_SHARED;
 * MAP_ANONYMOUS (fd -1) or an initrd file opened read-only (MAP_PRIVATE, or
 * MAP_SHARED without PROT_WRITE: nobody can write it); MAP_FIXED,
 * MAP_FIXED_NOREPLACE, MAP_POPULATE, MAP_NORESERVE (without it a private
 * writable mapping larger than all of memory plus 32 GiB is ENOMEM, as
 * Linux's heuristic overcommit with that much swap).  MAP_SHARED|MAP_ANONYMOUS memory is shared with
 * children after fork, never copy-on-write.  munmap/mprotect/madvise work
 * on any page-aligned range, across regions and holes. */
#ifndef _SYS_MMAN_H
#define _SYS_MMAN_H

#include <sys/types.h>
#include "abi/pager.h"

/* As unistd.h: munmap and mprotect get their POSIX meaning here, not
 * sys/proc.h's (include the POSIX headers before the sys/ ones). */
#define LIBSYS_POSIX_NAMES 1

#define PROT_NONE  0x0
#define PROT_READ  0x1
#define PROT_WRITE 0x2
#define PROT_EXEC  0x4

#define MAP_SHARED          0x01
#define MAP_PRIVATE         0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE            0x0f
#define MAP_FIXED           0x10
#define MAP_ANONYMOUS       0x20
#define MAP_ANON            MAP_ANONYMOUS
#define MAP_GROWSDOWN       0x0100
#define MAP_DENYWRITE       0x0800
#define MAP_EXECUTABLE      0x1000
#define MAP_LOCKED          0x2000
#define MAP_NORESERVE       0x4000
#define MAP_POPULATE        0x8000
#define MAP_NONBLOCK        0x10000
#define MAP_STACK           0x20000
#define MAP_HUGETLB         0x40000
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_FILE            0
#define MAP_32BIT           0x40 /* below 2 GiB (libsys places it: [1 GiB, 2 GiB)) */
#define MAP_SYNC            0x80000
#define MAP_UNINITIALIZED   0x4000000
#define MAP_HUGE_SHIFT      26
#define MAP_HUGE_MASK       0x3f
#define MAP_HUGE_2MB        (21 << MAP_HUGE_SHIFT)
#define MAP_HUGE_1GB        (30 << MAP_HUGE_SHIFT)

#define MAP_FAILED ((void *)-1)

#define MADV_NORMAL       0
#define MADV_RANDOM       1
#define MADV_SEQUENTIAL   2
#define MADV_WILLNEED     3
#define MADV_DONTNEED     4
#define MADV_FREE         8
#define MADV_REMOVE       9
#define MADV_DONTFORK    10
#define MADV_DOFORK      11
#define MADV_MERGEABLE   12
#define MADV_UNMERGEABLE 13
#define MADV_HUGEPAGE    14
#define MADV_NOHUGEPAGE  15
#define MADV_DONTDUMP    16
#define MADV_DODUMP      17
#define MADV_WIPEONFORK  18
#define MADV_KEEPONFORK  19
#define MADV_COLD        20
#define MADV_PAGEOUT     21
#define MADV_POPULATE_READ  22
#define MADV_POPULATE_WRITE 23
#define MADV_DONTNEED_LOCKED 24
#define MADV_COLLAPSE     25
#define MADV_HWPOISON    100
#define MADV_SOFT_OFFLINE 101

#define POSIX_MADV_NORMAL     0
#define POSIX_MADV_RANDOM     1
#define POSIX_MADV_SEQUENTIAL 2
#define POSIX_MADV_WILLNEED   3
#define POSIX_MADV_DONTNEED   4

#define MREMAP_MAYMOVE   1
#define MREMAP_FIXED     2
#define MREMAP_DONTUNMAP 4

#define MS_ASYNC      1
#define MS_INVALIDATE 2
#define MS_SYNC       4

#define MCL_CURRENT 1
#define MCL_FUTURE  2
#define MCL_ONFAULT 4
#define MLOCK_ONFAULT 1

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);
int madvise(void *addr, size_t len, int advice);
int mincore(void *addr, size_t len, unsigned char *vec);

/* mremap: shrink a mapping (its tail is unmapped) or grow it in place
 * (anonymous, MAP_SHARED or file mappings, when the pages after it are
 * free).  With MREMAP_MAYMOVE (and MREMAP_FIXED, MREMAP_DONTUNMAP) it
 * moves: the pager moves private anonymous pages (no copy) and gives
 * MAP_SHARED memory a mapping of the same object at the new address;
 * other private memory (a file's, KSM's) is copied.  ENOMEM without
 * MREMAP_MAYMOVE when growth in place is impossible.  EFAULT unless [old,
 * old + old_len) lies in one mapping; EINVAL as Linux (unaligned old, zero
 * lengths, unknown flags, DONTUNMAP with another length). */
void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...);
/* msync: memory is anonymous or a read-only initrd file, so there is
 * nothing to write back: the range is checked (EINVAL unaligned or bad
 * flags, ENOMEM a page of it unmapped, EBUSY MS_INVALIDATE of locked
 * memory never: nothing is locked apart) and 0 returned. */
int msync(void *addr, size_t len, int flags);
/* mlock: the pages of the range (addr rounded down) are faulted in now and
 * stay resident (the pager never evicts a page; only munmap, MADV_DONTNEED
 * and exit free them).  ENOMEM a page unmapped, EAGAIN some page could not
 * be made resident (out of memory).  munlock checks the range.  mlockall:
 * MCL_CURRENT faults in every mapping now; MCL_FUTURE makes later mmaps
 * MAP_POPULATE; munlockall ends MCL_FUTURE. */
int mlock(const void *addr, size_t len);
int mlock2(const void *addr, size_t len, unsigned flags);
int munlock(const void *addr, size_t len);
int mlockall(int flags);
int munlockall(void);
/* madvise that returns the error instead of setting errno; as glibc,
 * POSIX_MADV_DONTNEED drops nothing (it only checks the range). */
int posix_madvise(void *addr, size_t len, int advice);
/* POSIX shared memory (libsys/shm.c): an object by name ("/name"; O_RDONLY
 * or O_RDWR, O_CREAT, O_EXCL, O_TRUNC), sized with ftruncate, mapped
 * MAP_SHARED by any descriptor of it (and by fork children, who inherit
 * descriptors, mappings and names) with the same frames; read, write,
 * lseek, fstat work on it too.  Names belong to the process that made
 * them and its later fork children (no name is seen by an unrelated
 * process); at most 16 objects of 1 GiB; a MAP_FIXED mapping of one is
 * ENOMEM.  Errors as Linux: EEXIST, ENOENT, EINVAL, ENFILE, EMFILE. */
int shm_open(const char *name, int oflag, mode_t mode);
int shm_unlink(const char *name);
/* An unnamed shared memory object (Linux): as shm_open's, gone with its
 * last descriptor and mapping.  flags: MFD_CLOEXEC, MFD_ALLOW_SEALING. */
#define MFD_CLOEXEC       1u
#define MFD_ALLOW_SEALING 2u
int memfd_create(const char *name, unsigned flags);

/* Introspection (not POSIX; Linux's /proc/self/pagemap and kpagecount in
 * one call): one struct pg_page_info per page of [addr, addr + len)
 * (abi/pager.h: PGI_PRESENT, PGI_WRITABLE, PGI_ZERO, PGI_COW, PGI_KSM,
 * PGI_SHARED, the frame number and how many mappings share the frame).
 * 0, or -1 with errno (EINVAL unaligned, EFAULT bad out). */
int page_info(const void *addr, size_t len, struct pg_page_info *out);

#endif

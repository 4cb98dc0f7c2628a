/* Robust mutexes' lock words and robust lists, as Linux's (futex(2),
 * set_robust_list(2)): a held word is its owner's id (ROBUST_ID_MASK)
 * with ROBUST_WAITERS when a locker may sleep on it; a thread's robust
 * list chains the mutexes it holds through a pointer in each, the word at
 * a fixed offset from it.  When the thread ends (libsys at pthread_exit,
 * the pager when a process ends or is killed) robust_walk marks each word
 * still held by it ROBUST_OWNER_DIED, clears the owner and wakes one
 * sleeper: the next locker gets EOWNERDEAD.  Pure: the memory is reached
 * through robust_ops, so a hostile list can only stop the walk. */
#ifndef LIB_ROBUST_H
#define LIB_ROBUST_H

#include <stdbool.h>
#include <stdint.h>

#define ROBUST_WAITERS    0x80000000u
#define ROBUST_OWNER_DIED 0x40000000u
#define ROBUST_ID_MASK    0x3fffffffu
#define ROBUST_LIST_LIMIT 2048 /* entries walked at most (Linux's) */

/* A thread's list head (Linux's struct robust_list_head): next is the
 * first entry (head itself: empty), each entry's first word the next
 * one; the lock word of an entry is at entry + futex_offset; pending is
 * the entry being locked or unlocked (0: none), looked at last. */
struct robust_head {
	uint64_t next;
	int64_t futex_offset;
	uint64_t pending;
};

/* The owner id of thread slot (its index in the pager) of process pid:
 * never 0, below ROBUST_ID_MASK + 1; slot < 4096.  Unique among live
 * threads unless two processes' pids differ by a multiple of 2^18. */
static inline uint32_t robust_id(uint32_t pid, uint32_t slot)
{
	uint32_t id = (slot & 0xfffu) << 18 | (pid & 0x3ffffu);
	return id ? id : ROBUST_ID_MASK;
}

/* How the walk reaches memory.  load: the 8 bytes at va (aligned), false
 * if they cannot be read.  word: the lock word at va if it may be marked
 * (aligned, writable; NULL: leave it).  wake: one sleeper of the word at
 * va (w: what word answered). */
struct robust_ops {
	void *ctx;
	bool (*load)(void *ctx, uint64_t va, uint64_t *v);
	uint32_t *(*word)(void *ctx, uint64_t va);
	void (*wake)(void *ctx, uint64_t va, uint32_t *w);
};

/* Mark *w dead if id holds it: true (and *w = waiters bit | OWNER_DIED)
 * if it did; *waiters: a sleeper must be woken. */
bool robust_mark(uint32_t *w, uint32_t id, bool *waiters);

/* Walk the list at head of the thread id that ended: mark each word it
 * still holds (robust_mark) and wake one sleeper of each that had one.
 * At most ROBUST_LIST_LIMIT entries (a cycle ends there); an entry that
 * cannot be read ends the walk; the pending entry is looked at last, once.
 * Returns how many words were marked. */
unsigned robust_walk(uint64_t head, uint32_t id, const struct robust_ops *ops);

#endif

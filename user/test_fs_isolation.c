/* fs_isolation: what one process does to its FS base never reaches
 * another's thread.  A fork child has its parent's thread pointer value
 * (the same address in its copy), and the kernel skips loading a base it
 * believes live (sched.c, switch_begin: fs_key); the child clears its own
 * FS base again and again with a null selector load while the parent, on
 * the same CPU, reads %fs:0 (its thread pointer) between the switches.
 * Were the skip decided by the base's value, the parent would run with
 * the child's cleared base and fault at address 0. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/sys.h"

#define NAME "fs_isolation"
#define ROUNDS 3000

static uint64_t fs0(void)
{
	uint64_t v;
	__asm__ volatile("mov %%fs:0, %0" : "=r"(v));
	return v;
}

static void pin_cpu0(void)
{
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(0, &s);
	sched_setaffinity(0, sizeof s, &s);
}

int main(void)
{
	uint64_t tp = fs0();
	pin_cpu0();
	pid_t c = fork();
	if (c < 0) {
		printf("@@FAIL " NAME ": fork\n");
		return 1;
	}
	if (c == 0) {
		pin_cpu0();
		/* no libsys call while the base is cleared: raw system calls */
		for (int i = 0; i < ROUNDS; i++) {
			__asm__ volatile("mov %0, %%fs" :: "r"(0) : "memory");
			sys_yield();
		}
		sys_set_fs_base(tp);
		_exit(fs0() == tp ? 0 : 1);
	}
	int bad = 0;
	for (int i = 0; i < ROUNDS; i++) {
		bad += fs0() != tp;
		sys_yield();
	}
	int st = 0;
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		printf("@@FAIL " NAME ": the child ended with status 0x%x\n", st);
	else if (bad)
		printf("@@FAIL " NAME ": %d reads of %%fs:0 not our thread pointer\n", bad);
	else
		printf("@@PASS " NAME "\n");
	return bad || !WIFEXITED(st) || WEXITSTATUS(st) != 0;
}

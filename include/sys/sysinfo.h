/* <sys/sysinfo.h>: Linux's sysinfo and glibc's get_nprocs family.
 * sysinfo: uptime (seconds since boot), totalram and freeram (the frame
 * allocator's total and free frames, in bytes: mem_unit 1), procs (the
 * processes alive); loads, shared, buffer, swap and high memory are 0. */
#ifndef _SYS_SYSINFO_H
#define _SYS_SYSINFO_H

struct sysinfo {
	long uptime;
	unsigned long loads[3];
	unsigned long totalram;
	unsigned long freeram;
	unsigned long sharedram;
	unsigned long bufferram;
	unsigned long totalswap;
	unsigned long freeswap;
	unsigned short procs;
	unsigned short pad;
	unsigned long totalhigh;
	unsigned long freehigh;
	unsigned int mem_unit;
	char _f[20 - 2 * sizeof(long) - sizeof(int)];
};

/* 0, or -1 with EFAULT (NULL). */
int sysinfo(struct sysinfo *info);
/* CPUs online (and configured: the same). */
int get_nprocs(void);
int get_nprocs_conf(void);
/* Frames of RAM, and free ones now. */
long get_phys_pages(void);
long get_avphys_pages(void);

#endif

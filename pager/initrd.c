/* ustar reader (POSIX.1-1988 header blocks, 512-byte records). */
#include <stdbool.h>
#include "abi/err.h"
#include "lib/string.h"
#include "initrd.h"

struct ustar_hdr {
	char name[100], mode[8], uid[8], gid[8], size[12], mtime[12];
	char chksum[8], typeflag, linkname[100], magic[6], version[2];
	char uname[32], gname[32], devmajor[8], devminor[8], prefix[155];
	char pad[12];
};
_Static_assert(sizeof(struct ustar_hdr) == INITRD_BLOCK, "ustar header size");

/* Parse an octal field of n bytes (digits, then NUL or spaces; leading
 * spaces allowed).  False for anything else or an empty field. */
static bool octal(const char *f, size_t n, uint64_t *out)
{
	size_t i = 0;
	uint64_t v = 0;
	while (i < n && f[i] == ' ')
		i++;
	size_t first = i;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 61)
			return false;
		v = v * 8 + (uint64_t)(f[i] - '0');
	}
	if (i == first)
		return false;
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return false;
	*out = v;
	return true;
}

/* True if the block is all zero bytes (the end-of-archive marker). */
static bool zero_block(const uint8_t *b)
{
	for (size_t i = 0; i < INITRD_BLOCK; i++)
		if (b[i])
			return false;
	return true;
}

/* True if the header's checksum field matches its bytes (unsigned sum with
 * the field itself counted as spaces). */
static bool checksum_ok(const struct ustar_hdr *h)
{
	const uint8_t *b = (const uint8_t *)h;
	uint64_t want, sum = 0;
	if (!octal(h->chksum, sizeof h->chksum, &want))
		return false;
	for (size_t i = 0; i < INITRD_BLOCK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : b[i];
	return sum == want;
}

/* Copy the bounded, possibly unterminated field src[0..n) to dst at *at. */
static void append(char *dst, size_t *at, const char *src, size_t n)
{
	for (size_t i = 0; i < n && src[i] && *at + 1 < INITRD_NAME_MAX; i++)
		dst[(*at)++] = src[i];
	dst[*at] = '\0';
}

/* f->name = prefix "/" name, without a leading "./". */
static void full_name(const struct ustar_hdr *h, struct initrd_file *f)
{
	size_t at = 0;
	f->name[0] = '\0';
	if (h->prefix[0]) {
		append(f->name, &at, h->prefix, sizeof h->prefix);
		append(f->name, &at, "/", 1);
	}
	append(f->name, &at, h->name, sizeof h->name);
	if (f->name[0] == '.' && f->name[1] == '/')
		memmove(f->name, f->name + 2, strlen(f->name + 2) + 1);
}

int initrd_next(const void *tar, size_t len, size_t *pos, struct initrd_file *f)
{
	const uint8_t *base = tar;
	while (*pos <= len && len - *pos >= INITRD_BLOCK) {
		const struct ustar_hdr *h = (const void *)(base + *pos);
		uint64_t size;
		if (zero_block(base + *pos))
			return E_NOENT;
		if (memcmp(h->magic, "ustar", 5) || !checksum_ok(h) ||
		    !octal(h->size, sizeof h->size, &size))
			return E_INVAL;
		size_t data = *pos + INITRD_BLOCK;
		if (size > len - data)
			return E_INVAL;
		*pos = data + ((size + INITRD_BLOCK - 1) & ~(uint64_t)(INITRD_BLOCK - 1));
		if (h->typeflag != '0' && h->typeflag != '\0')
			continue;
		full_name(h, f);
		f->data = base + data;
		f->size = size;
		return E_OK;
	}
	return E_NOENT;
}

int initrd_find(const void *tar, size_t len, const char *name,
		struct initrd_file *f)
{
	size_t pos = 0;
	int e;
	while ((e = initrd_next(tar, len, &pos, f)) == E_OK)
		if (strcmp(f->name, name) == 0)
			return E_OK;
	return e;
}

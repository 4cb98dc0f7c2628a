/* Just enough ACPI to find the CPUs: RSDP -> RSDT/XSDT -> MADT local APICs. */
#include "arch.h"
#include "memlayout.h"
#include "lib/string.h"
#include "printk.h"

struct sdt_header {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

struct rsdp {
	char sig[8];
	uint8_t checksum;
	char oem[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t ext_checksum, reserved[3];
} __attribute__((packed));

static bool checksum_ok(const void *p, size_t n)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += ((const uint8_t *)p)[i];
	return sum == 0;
}

/* Find the table with signature sig through the RSDT or XSDT; NULL if none. */
static const struct sdt_header *find_table(const struct rsdp *r, const char *sig)
{
	bool x = r->revision >= 2 && r->xsdt;
	const struct sdt_header *root = P2V(x ? r->xsdt : r->rsdt);
	if (!checksum_ok(root, root->length))
		return NULL;
	size_t width = x ? 8 : 4;
	size_t n = (root->length - sizeof *root) / width;
	const uint8_t *ents = (const uint8_t *)(root + 1);
	for (size_t i = 0; i < n; i++) {
		uint64_t pa = 0;
		memcpy(&pa, ents + i * width, width);
		const struct sdt_header *h = P2V(pa);
		if (!memcmp(h->sig, sig, 4) && checksum_ok(h, h->length))
			return h;
	}
	return NULL;
}

/* acpi_find_ioapic: the I/O APIC whose interrupt inputs start at GSI 0
 * (its physical address; 0 if the MADT has none), and for each ISA IRQ
 * 0..15 its GSI and MPS flags (polarity, trigger) from the interrupt source
 * overrides (identity and 0 without one). */
uint64_t acpi_find_ioapic(const void *rsdp, uint32_t gsi[16], uint16_t flags[16])
{
	uint64_t addr = 0;
	for (unsigned i = 0; i < 16; i++)
		gsi[i] = i, flags[i] = 0;
	const struct rsdp *r = rsdp;
	if (!r || memcmp(r->sig, "RSD PTR ", 8) || !checksum_ok(r, 20))
		return 0;
	const struct sdt_header *madt = find_table(r, "APIC");
	if (!madt)
		return 0;
	const uint8_t *p = (const uint8_t *)madt + sizeof *madt + 8;
	const uint8_t *end = (const uint8_t *)madt + madt->length;
	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		uint32_t a, base;
		if (p[0] == 1 && p[1] >= 12) { /* I/O APIC */
			memcpy(&a, p + 4, 4);
			memcpy(&base, p + 8, 4);
			if (base == 0)
				addr = a;
		} else if (p[0] == 2 && p[1] >= 10 && p[2] == 0 && p[3] < 16) {
			memcpy(&gsi[p[3]], p + 4, 4); /* ISA source override */
			memcpy(&flags[p[3]], p + 8, 2);
		}
	}
	return addr;
}

/* acpi_find_cpus: store the APIC ids of the enabled CPUs in the MADT, boot
 * CPU first; returns how many (at most max). With no usable MADT, returns 1
 * (only the boot CPU). */
unsigned acpi_find_cpus(const void *rsdp, unsigned apic_ids[], unsigned max)
{
	unsigned n = 0;
	apic_ids[n++] = lapic_id();
	const struct rsdp *r = rsdp;
	if (!r || memcmp(r->sig, "RSD PTR ", 8) || !checksum_ok(r, 20))
		return n;
	const struct sdt_header *madt = find_table(r, "APIC");
	if (!madt)
		return n;
	const uint8_t *p = (const uint8_t *)madt + sizeof *madt + 8;
	const uint8_t *end = (const uint8_t *)madt + madt->length;
	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		if (p[0] != 0 || p[1] < 8)
			continue; /* only processor local APIC entries */
		uint32_t flags;
		memcpy(&flags, p + 4, 4);
		if ((flags & 1) && p[3] != apic_ids[0] && n < max)
			apic_ids[n++] = p[3];
	}
	return n;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fw_name DIR: checks mcx_fw_name() (microcode_xen.h) against every file of
 * Debian's intel-microcode and amd64-microcode packages unpacked under DIR
 * (DIR/intel-ucode, DIR/amd-ucode).  Both read the CPU signatures (CPUID.1.EAX)
 * inside the files, never their names: Intel, every update's signature in a
 * file decoded as the kernel decodes CPUID (extended family and model) must
 * lead to that file; AMD, every CPU signature in a container's equivalence
 * table must lead to that container.  Prints one "ok"/"not ok" line per
 * vendor family, and fails unless at least MIN_INTEL Intel files and
 * MIN_AMD AMD containers were read.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../microcode_xen.h"

#define MAX_FAMILY 0x100
/* Debian's bookworm packages ship 126 Intel files and 5 AMD containers. */
#define MIN_INTEL 100
#define MIN_AMD 5

static unsigned int files[2][MAX_FAMILY], bad[2][MAX_FAMILY];
static unsigned int nfiles[2];
static int failed;

/* Family, model and stepping from CPUID.1.EAX, as the kernel's x86_family(). */
static void decode(uint32_t sig, unsigned int *f, unsigned int *m, unsigned int *s)
{
	*f = (sig >> 8) & 0xf;
	if (*f == 0xf)
		*f += (sig >> 20) & 0xff;
	*m = (sig >> 4) & 0xf;
	if (*f >= 6)
		*m |= ((sig >> 16) & 0xf) << 4;
	*s = sig & 0xf;
}

static void tally(int amd, unsigned int family, const char *want, const char *got)
{
	files[amd][family]++;
	if (strcmp(want, got)) {
		bad[amd][family]++;
		printf("# %s: computed %s\n", want, got);
	}
}

/*
 * The name of the file for one Intel update at @u (@len bytes): a 48-byte
 * header (signature at offset 12, data size at 28, 0 meaning 2000) and,
 * after the data, perhaps an extended table of more signatures (count at
 * offset 0, entries of 12 bytes from offset 20).  Debian ships an update
 * under each CPU's name: @want is right if any of its signatures gives it.
 */
static void intel_update(const unsigned char *u, uint32_t len, const char *want, char *got)
{
	uint32_t sig, data, count = 0, i;
	unsigned int f, m, s;

	memcpy(&sig, u + 12, 4);
	memcpy(&data, u + 28, 4);
	if (!data)
		data = 2000;
	if (len >= 48 + data + 20)
		memcpy(&count, u + 48 + data, 4);
	for (i = 0; i <= count; i++) {
		if (i && 48 + data + 20 + 12 * i > len)
			break;
		if (i)
			memcpy(&sig, u + 48 + data + 20 + 12 * (i - 1), 4);
		decode(sig, &f, &m, &s);
		mcx_fw_name(got, MCX_FW_NAME_LEN, MCX_VENDOR_INTEL, f, m, s);
		if (!strcmp(got, want))
			return;
	}
	memcpy(&sig, u + 12, 4);
	decode(sig, &f, &m, &s);
	mcx_fw_name(got, MCX_FW_NAME_LEN, MCX_VENDOR_INTEL, f, m, s);
}

/* One Intel file: a run of updates (total size at offset 32, 0 meaning 2048). */
static void intel_file(const char *dir, const char *name)
{
	static unsigned char buf[8 << 20];
	char path[512], want[64], got[MCX_FW_NAME_LEN];
	unsigned int f, m, s, updates = 0;
	uint32_t sig, total;
	size_t n, off = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/intel-ucode/%s", dir, name);
	snprintf(want, sizeof(want), "intel-ucode/%.8s", name);
	fp = fopen(path, "rb");
	n = fp ? fread(buf, 1, sizeof(buf), fp) : 0;
	if (fp)
		fclose(fp);
	while (off + 48 <= n) {
		memcpy(&sig, buf + off + 12, 4);
		memcpy(&total, buf + off + 32, 4);
		if (!total)
			total = 2048;
		decode(sig, &f, &m, &s);
		if (total < 48 || total > n - off || f >= MAX_FAMILY)
			break;
		intel_update(buf + off, total, want, got);
		tally(0, f, want, got);
		updates++;
		off += total;
	}
	if (!updates || off != n) {
		printf("# %s: not a run of Intel updates (%u read, %zu of %zu bytes)\n",
		       path, updates, off, n);
		failed = 1;
		return;
	}
	nfiles[0]++;
}

static void intel(const char *dir)
{
	char path[512];
	unsigned int f, m, s;
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/intel-ucode", dir);
	d = opendir(path);
	if (!d) {
		perror(path);
		exit(2);
	}
	/* Debian's late-load-unsafe files carry a .initramfs suffix */
	while ((e = readdir(d)))
		if (sscanf(e->d_name, "%2x-%2x-%2x", &f, &m, &s) == 3)
			intel_file(dir, e->d_name);
	closedir(d);
}

static void amd_container(const char *dir, const char *name)
{
	char path[512], want[64], got[MCX_FW_NAME_LEN];
	unsigned char buf[1 << 16];
	uint32_t size, sig, i;
	size_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/amd-ucode/%s", dir, name);
	snprintf(want, sizeof(want), "amd-ucode/%s", name);
	fp = fopen(path, "rb");
	n = fp ? fread(buf, 1, sizeof(buf), fp) : 0;
	if (fp)
		fclose(fp);
	if (n < 12 || memcmp(buf, "DMA", 4)) {
		printf("# %s: not an AMD container\n", path);
		failed = 1;
		return;
	}
	nfiles[1]++;
	memcpy(&size, buf + 8, 4);	/* the equivalence table: 16-byte entries */
	for (i = 0; i + 16 <= size && 12 + i + 16 <= n; i += 16) {
		unsigned int family;

		memcpy(&sig, buf + 12 + i, 4);
		if (!sig)
			break;
		family = ((sig >> 8) & 0xf) + ((sig >> 20) & 0xff);
		mcx_fw_name(got, sizeof(got), MCX_VENDOR_AMD, family, 0, 0);
		tally(1, family, want, got);
	}
}

static void amd(const char *dir)
{
	char path[512];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/amd-ucode", dir);
	d = opendir(path);
	if (!d) {
		perror(path);
		exit(2);
	}
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "microcode_amd", 13) && strstr(e->d_name, ".bin"))
			amd_container(dir, e->d_name);
	closedir(d);
}

int main(int argc, char **argv)
{
	char got[MCX_FW_NAME_LEN];
	unsigned int v, f;

	if (argc != 2) {
		fprintf(stderr, "usage: fw_name DIR\n");
		return 2;
	}
	intel(argv[1]);
	amd(argv[1]);
	for (v = 0; v < 2; v++)
		for (f = 0; f < MAX_FAMILY; f++)
			if (files[v][f])
				printf("%s - [unit] %s family 0x%x: %u %s named as Debian names them\n",
				       bad[v][f] ? "not ok" : "ok", v ? "AMD" : "Intel", f,
				       files[v][f], v ? "CPU signatures" : "updates");
	printf("%s - [unit] %u Intel files read (at least %d)\n",
	       nfiles[0] >= MIN_INTEL ? "ok" : "not ok", nfiles[0], MIN_INTEL);
	printf("%s - [unit] %u AMD containers read (at least %d)\n",
	       nfiles[1] >= MIN_AMD ? "ok" : "not ok", nfiles[1], MIN_AMD);
	/* Families no package here ships yet; Hygon uses AMD's naming. */
	mcx_fw_name(got, sizeof(got), MCX_VENDOR_AMD, 0x1a, 0, 0);
	printf("%s - [unit] AMD family 0x1a: %s\n",
	       strcmp(got, "amd-ucode/microcode_amd_fam1ah.bin") ? "not ok" : "ok", got);
	mcx_fw_name(got, sizeof(got), MCX_VENDOR_AMD, 0x18, 0, 0);
	printf("%s - [unit] Hygon family 0x18: %s\n",
	       strcmp(got, "amd-ucode/microcode_amd_fam18h.bin") ? "not ok" : "ok", got);
	printf("%s - [unit] a vendor without files gets no name\n",
	       mcx_fw_name(got, sizeof(got), MCX_VENDOR_UNKNOWN, 6, 0, 0) < 0 ? "ok" : "not ok");
	return failed;
}

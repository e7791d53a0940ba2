// SPDX-License-Identifier: GPL-2.0
/*
 * fw_name DIR: checks mcx_fw_name() (microcode_xen.h) against every file of
 * Debian's intel-microcode and amd64-microcode packages unpacked under DIR
 * (DIR/intel-ucode, DIR/amd-ucode).  Intel: each FF-MM-SS file must be the
 * name computed for its own family, model and stepping.  AMD: every CPU
 * signature in a container's equivalence table must lead to that container.
 * Prints one "ok"/"not ok" line per vendor family.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../microcode_xen.h"

#define MAX_FAMILY 0x100

static unsigned int files[2][MAX_FAMILY], bad[2][MAX_FAMILY];
static int failed;

static void tally(int amd, unsigned int family, const char *want, const char *got)
{
	files[amd][family]++;
	if (strcmp(want, got)) {
		bad[amd][family]++;
		printf("# %s: computed %s\n", want, got);
	}
}

static void intel(const char *dir)
{
	char path[512], want[64], got[MCX_FW_NAME_LEN];
	unsigned int f, m, s;
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/intel-ucode", dir);
	d = opendir(path);
	if (!d) {
		perror(path);
		exit(2);
	}
	while ((e = readdir(d))) {
		/* Debian's late-load-unsafe files carry a .initramfs suffix */
		if (sscanf(e->d_name, "%2x-%2x-%2x", &f, &m, &s) != 3 || f >= MAX_FAMILY)
			continue;
		snprintf(want, sizeof(want), "intel-ucode/%.8s", e->d_name);
		if (mcx_fw_name(got, sizeof(got), MCX_VENDOR_INTEL, f, m, s) >= (int)sizeof(got))
			strcpy(got, "(truncated)");
		tally(0, f, want, got);
	}
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
				       files[v][f], v ? "CPU signatures" : "files");
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

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Definitions shared by the driver and its tests.  Nothing here depends on
 * Xen or on kernel-only interfaces, so tests can compile it in user space.
 */
#ifndef MICROCODE_XEN_H
#define MICROCODE_XEN_H

/*
 * Largest blob one write() to /dev/cpu/microcode may carry.  Every Intel
 * file Debian ships, together, is about 21 MiB; Xen keeps a copy of the
 * whole blob in its heap while it works on it.
 */
#define MCX_MAX_BLOB_SIZE	(32U << 20)

/* Long enough for "amd-ucode/microcode_amd_famXXh.bin" and its NUL. */
#define MCX_FW_NAME_LEN		40

enum mcx_vendor {
	MCX_VENDOR_UNKNOWN,
	MCX_VENDOR_INTEL,
	MCX_VENDOR_AMD,
};

/*
 * The vendor file for a CPU signature, named as the kernel's own loader and
 * Debian's intel-microcode / amd64-microcode packages name it.  Returns the
 * length written, or -1 for a vendor without microcode files.
 */
static inline int mcx_fw_name(char *buf, unsigned long size, enum mcx_vendor vendor,
			      unsigned int family, unsigned int model,
			      unsigned int stepping)
{
	switch (vendor) {
	case MCX_VENDOR_INTEL:
		return snprintf(buf, size, "intel-ucode/%02x-%02x-%02x",
				family, model, stepping);
	case MCX_VENDOR_AMD:
		if (family < 0x15)
			return snprintf(buf, size, "amd-ucode/microcode_amd.bin");
		return snprintf(buf, size, "amd-ucode/microcode_amd_fam%02xh.bin",
				family);
	default:
		return -1;
	}
}

#endif /* MICROCODE_XEN_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A stand-in hypervisor for the seam tests: the functions of hypercall.h,
 * answering what the module parameters fake_* say, so that the real
 * microcode_xen.c meets answers real Xen does not give under emulation
 * (success, -EPERM from XSM, -ENOMEM, a failing XENPF_get_cpu_version...).
 * Only a test build includes it (tests/build.sh, MICROCODE_XEN_FAKE_HV=y);
 * its parameters appear in /sys/module/microcode_xen/parameters/.
 */
#ifndef MICROCODE_XEN_FAKE_HV_H
#define MICROCODE_XEN_FAKE_HV_H

#include <linux/bits.h>
#include <linux/crc32.h>
#include <linux/delay.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <xen/interface/platform.h>

/* Answers: 0 or a negative errno, as Xen would return it. */
static bool fake_dom0 = true;
module_param(fake_dom0, bool, 0444);
static int fake_update;
module_param(fake_update, int, 0644);
static int fake_update2;
module_param(fake_update2, int, 0644);
static int fake_version;
module_param(fake_version, int, 0644);
static int fake_cpuinfo;
module_param(fake_cpuinfo, int, 0644);
static int fake_revision_ret;
module_param(fake_revision_ret, int, 0644);

/*
 * The physical CPUs the stand-in reports.  fake_family, fake_model,
 * fake_stepping, fake_signature, fake_pf and fake_revision are the boot
 * CPU's (CPU 0); every other CPU N differs, so that a driver reading the
 * wrong CPU shows: stepping and signature + N, processor flags << N,
 * revision + fake_rev_step * N.
 */
static char *fake_vendor = "GenuineIntel";
module_param(fake_vendor, charp, 0444);
static uint fake_family = 6, fake_model = 0x55, fake_stepping = 4;
module_param(fake_family, uint, 0444);
module_param(fake_model, uint, 0444);
module_param(fake_stepping, uint, 0444);
static uint fake_pcpus = 2;
module_param(fake_pcpus, uint, 0444);
static ulong fake_offline;		/* bit N: physical CPU N is offline */
module_param(fake_offline, ulong, 0444);
static uint fake_signature = 0x50654, fake_pf = 1;
module_param(fake_signature, uint, 0644);
module_param(fake_pf, uint, 0644);
static uint fake_revision = 1, fake_new_revision = 2;
module_param(fake_revision, uint, 0644);
module_param(fake_new_revision, uint, 0644);

/*
 * Partial updates.  An update that succeeds, or any update while
 * fake_partial is set, moves the CPUs to fake_new_revision, except those in
 * fake_stuck (bit N: CPU N), which keep fake_old_revision.  fake_rev_step
 * is how far CPU N's revision lies from CPU 0's (0: all alike).
 */
static bool fake_partial;
module_param(fake_partial, bool, 0644);
static ulong fake_stuck;
module_param(fake_stuck, ulong, 0644);
static uint fake_old_revision = 1, fake_rev_step = 0x100;
module_param(fake_old_revision, uint, 0644);
module_param(fake_rev_step, uint, 0644);
/* All CPUs of one signature and processor flags, CPU 0's (one model). */
static bool fake_same_sig;
module_param(fake_same_sig, bool, 0444);

/* How long an update takes, to hold the update lock for the tests. */
static uint fake_delay_ms;
module_param(fake_delay_ms, uint, 0644);

/*
 * What the stand-in received, for the tests to check.  fake_max_inflight is
 * the most updates ever in the stand-in at once (writable, to start a new
 * count): the driver's lock must keep it at 1.
 */
static uint fake_calls, fake_last_len, fake_last_crc, fake_inflight, fake_max_inflight;
static uint fake_revision_calls;	/* XENPF_get_ucode_revision asked */
module_param(fake_revision_calls, uint, 0644);
static DEFINE_SPINLOCK(fake_inflight_lock);
static bool fake_last_force;
module_param(fake_calls, uint, 0444);
module_param(fake_last_len, uint, 0444);
module_param(fake_last_crc, uint, 0444);
module_param(fake_last_force, bool, 0444);
module_param(fake_inflight, uint, 0444);
module_param(fake_max_inflight, uint, 0644);

static inline bool mcx_hv_initial_domain(void)
{
	return fake_dom0;
}

/* The release the stand-in claims: 4.fake_xen_minor followed by fake_xen_extra. */
static uint fake_xen_minor = 20;
module_param(fake_xen_minor, uint, 0444);
static char *fake_xen_extra = ".0-stand-in";
module_param(fake_xen_extra, charp, 0444);

static inline void mcx_hv_xen_version(unsigned int *major, unsigned int *minor,
				      char *extra, size_t size)
{
	*major = 4;
	*minor = fake_xen_minor;
	strscpy(extra, fake_xen_extra, size);
}

/*
 * -EFAULT for the next fake_user_efault blobs passed at a user address, as
 * Xen answers when a page is not present: the driver then sends the blob
 * once more, mapped into the kernel.  Counts down.
 */
static uint fake_user_efault;
module_param(fake_user_efault, uint, 0644);
static uint fake_user_calls;		/* blobs passed at a user address */
module_param(fake_user_calls, uint, 0444);

/* What Xen does with a blob: @crc is the CRC32 of every byte it read. */
static inline int fake_update_crc(u32 crc, u32 len, bool force)
{
	int ret = force ? fake_update2 : fake_update;

	spin_lock(&fake_inflight_lock);
	fake_inflight++;
	fake_max_inflight = max(fake_max_inflight, fake_inflight);
	spin_unlock(&fake_inflight_lock);
	fake_calls++;
	fake_last_len = len;
	fake_last_force = force;
	fake_last_crc = crc;
	if (fake_delay_ms)
		msleep(fake_delay_ms);
	if (!ret || fake_partial) {
		fake_old_revision = fake_revision;
		fake_revision = fake_new_revision;
	}
	spin_lock(&fake_inflight_lock);
	fake_inflight--;
	spin_unlock(&fake_inflight_lock);
	return ret;
}

static inline int mcx_hv_microcode_update(const void *data, u32 len, bool force)
{
	/* Reads every byte, as Xen's copy does; the CRC32 of zlib and busybox crc32. */
	return fake_update_crc(~crc32_le(~0U, data, len), len, force);
}

/*
 * Reads the blob at its user address as Xen's copy_from_guest does: every
 * byte, through the process's page tables, without faulting a page in (a
 * page that is not present is -EFAULT, as from Xen).
 */
static inline int mcx_hv_microcode_update_user(const void __user *data, u32 len,
					       bool force)
{
	u8 chunk[512];
	u32 crc = ~0U, left, n;
	unsigned long miss;

	fake_user_calls++;
	if (fake_user_efault) {
		fake_user_efault--;
		return -EFAULT;
	}
	for (left = len; left; left -= n, data += n) {
		n = min_t(u32, left, sizeof(chunk));
		pagefault_disable();
		miss = copy_from_user(chunk, data, n);
		pagefault_enable();
		if (miss)
			return -EFAULT;
		crc = crc32_le(crc, chunk, n);
	}
	return fake_update_crc(~crc, len, force);
}

static inline int mcx_hv_cpu_version(u32 cpu, struct mcx_cpu_version *out)
{
	if (fake_version)
		return fake_version;
	memset(out, 0, sizeof(*out));
	if (cpu >= fake_pcpus)
		return 0;	/* Xen reports an absent CPU as zeroes */
	memcpy(out->vendor_id, fake_vendor,
	       min(strlen(fake_vendor), sizeof(out->vendor_id)));
	out->family = fake_family;
	out->model = fake_model;
	out->stepping = (fake_stepping + cpu) & 0xf;
	return 0;
}

static inline bool fake_online(u32 cpu)
{
	return cpu < fake_pcpus && !(cpu < BITS_PER_LONG && (fake_offline & BIT(cpu)));
}

/* How long XENPF_get_cpuinfo takes: a slow module load, for the tests. */
static uint fake_cpuinfo_delay_ms;
module_param(fake_cpuinfo_delay_ms, uint, 0444);

static inline int mcx_hv_cpuinfo(u32 cpu, u32 *max_present, u32 *flags)
{
	if (fake_cpuinfo_delay_ms)
		msleep(fake_cpuinfo_delay_ms);
	if (fake_cpuinfo)
		return fake_cpuinfo;
	*max_present = fake_pcpus - 1;
	if (cpu >= fake_pcpus)
		*flags = XEN_PCPU_FLAGS_INVALID;
	else
		*flags = fake_online(cpu) ? XEN_PCPU_FLAGS_ONLINE : 0;
	return 0;
}

static inline bool fake_is_stuck(u32 cpu)
{
	return cpu < BITS_PER_LONG && (fake_stuck & BIT(cpu));
}

static inline int mcx_hv_ucode_revision(u32 cpu, struct mcx_ucode_revision *out)
{
	fake_revision_calls++;
	if (fake_revision_ret)
		return fake_revision_ret;
	if (!fake_online(cpu))
		return -ENOENT;
	out->signature = fake_signature + (fake_same_sig ? 0 : cpu);
	out->pf = fake_pf << (fake_same_sig ? 0 : cpu & 7);
	out->revision = (fake_is_stuck(cpu) ? fake_old_revision : fake_revision) +
			fake_rev_step * cpu;
	return 0;
}

/*
 * MSR 0x8b of dom0's CPU @cpu: the revision of the physical CPU of the same
 * number, as Xen reports it; fake_vcpu_rev_ret, when set, is the MSR read's
 * error.
 */
static int fake_vcpu_rev_ret;
module_param(fake_vcpu_rev_ret, int, 0644);

static inline int mcx_hv_vcpu_revision(unsigned int cpu, u32 *rev)
{
	struct mcx_ucode_revision r;
	int ret;

	if (fake_vcpu_rev_ret)
		return fake_vcpu_rev_ret;
	fake_revision_calls--;	/* not a hypercall: not counted as one */
	ret = mcx_hv_ucode_revision(cpu, &r);
	if (!ret)
		*rev = r.revision;
	return ret;
}

#endif /* MICROCODE_XEN_FAKE_HV_H */

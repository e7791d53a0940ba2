/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The driver's only contact with Xen.  Each function issues one kind of
 * hypercall and returns Xen's answer unchanged; microcode_xen.c decides what
 * the answer means.  A test build defines MICROCODE_XEN_FAKE_HV and gets a
 * stand-in hypervisor with the same functions instead.
 */
#ifndef MICROCODE_XEN_HYPERCALL_H
#define MICROCODE_XEN_HYPERCALL_H

#include <linux/types.h>

/*
 * Xen's answer to an op it does not implement.  Xen's errno values are an
 * ABI of their own (xen/include/public/errno.h); this one is XEN_ENOSYS.
 */
#define MCX_XEN_ENOSYS		38

/* What XENPF_get_cpu_version tells of a physical CPU. */
struct mcx_cpu_version {
	char vendor_id[12];	/* "GenuineIntel", not NUL-terminated */
	u32 family;
	u32 model;
	u32 stepping;
};

/* What XENPF_get_ucode_revision tells of a physical CPU (Xen 4.18+). */
struct mcx_ucode_revision {
	u32 signature;		/* CPUID.1.EAX */
	u32 pf;			/* platform flags, Intel only */
	u32 revision;
};

#ifdef MICROCODE_XEN_FAKE_HV
#include "tests/fake_hv.h"
#else

#include <linux/string.h>

#include <xen/xen.h>
#include <xen/interface/platform.h>
#include <xen/interface/version.h>

#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/xen/hypercall.h>

/*
 * Platform ops that Linux's copy of Xen's platform.h lacks, laid out as in
 * Xen's xen/include/public/platform.h.  They go in the pad of Linux's
 * struct xen_platform_op, which is as large as Xen's union.
 */
#ifndef XENPF_get_cpu_version
#define XENPF_get_cpu_version		48
struct xenpf_pcpu_version {
	u32 xen_cpuid;			/* IN */
	u32 max_present;		/* OUT */
	char vendor_id[12];
	u32 family;
	u32 model;
	u32 stepping;
};
#endif

#ifndef XENPF_get_ucode_revision
#define XENPF_get_ucode_revision	65
struct xenpf_ucode_revision {
	u32 cpu;			/* IN */
	u32 signature;			/* OUT */
	u32 pf;
	u32 revision;
};
#endif

#ifndef XENPF_microcode_update2
#define XENPF_microcode_update2		66
struct xenpf_microcode_update2 {
	u32 flags;			/* IN, XENPF_UCODE_* */
	u32 length;
	__guest_handle_void data;	/* GUEST_HANDLE(void) */
};

#define XENPF_UCODE_FORCE		1	/* skip Xen's revision check */
#endif

#define MCX_PF_PAYLOAD(op, type) \
	((struct type *)memset((op)->u.pad, 0, sizeof(struct type)))

static inline bool mcx_hv_initial_domain(void)
{
	return xen_initial_domain();
}

/* Xen's version, "4.20" in @major and @minor, ".4" in @extra (XENVER_*). */
static inline void mcx_hv_xen_version(unsigned int *major, unsigned int *minor,
				      char *extra, size_t size)
{
	struct xen_extraversion ev = { };
	int v = HYPERVISOR_xen_version(XENVER_version, NULL);

	*major = v >> 16;
	*minor = v & 0xffff;
	if (HYPERVISOR_xen_version(XENVER_extraversion, &ev))
		ev.extraversion[0] = '\0';
	strscpy(extra, ev.extraversion, min(size, sizeof(ev.extraversion)));
}

/* Fills @op for XENPF_microcode_update, or XENPF_microcode_update2 with @force. */
static inline void mcx_hv_update_op(struct xen_platform_op *op, void *data, u32 len,
				    bool force)
{
	struct xenpf_microcode_update2 *up2;

	BUILD_BUG_ON(sizeof(*up2) > sizeof(op->u.pad));
	if (!force) {
		op->cmd = XENPF_microcode_update;
		op->u.microcode.length = len;
		set_xen_guest_handle(op->u.microcode.data, data);
		return;
	}
	op->cmd = XENPF_microcode_update2;
	up2 = MCX_PF_PAYLOAD(op, xenpf_microcode_update2);
	up2->flags = XENPF_UCODE_FORCE;
	up2->length = len;
	set_xen_guest_handle(up2->data, data);
}

/*
 * XENPF_microcode_update, or with @force XENPF_microcode_update2 and
 * XENPF_UCODE_FORCE (Xen 4.20+).  Xen copies the blob into its own heap
 * before it looks at it, so @data only has to stay valid during the call.
 */
static inline int mcx_hv_microcode_update(const void *data, u32 len, bool force)
{
	struct xen_platform_op op = { };

	mcx_hv_update_op(&op, (void *)data, len, force);
	return HYPERVISOR_platform_op(&op);
}

/*
 * The same for a blob in the calling process's memory, at its user address:
 * no copy in dom0.  Xen copies it (copy_from_guest) through dom0's page
 * tables, as for privcmd's hypercalls, and never faults a page in: the
 * caller keeps every page pinned and present for the call, and an answer of
 * -EFAULT means Xen could not read one (it read nothing it acted on).
 * privcmd_call() opens user access around the hypercall: in a PVH dom0 Xen
 * walks the guest's page tables with the guest's SMAP and EFLAGS.AC; a PV
 * dom0 has no SMAP (the STAC is patched out) and its kernel page tables map
 * the process's memory.
 */
static inline int mcx_hv_microcode_update_user(const void __user *data, u32 len,
					       bool force)
{
	struct xen_platform_op op = { };

	mcx_hv_update_op(&op, (void __force *)data, len, force);
	op.interface_version = XENPF_INTERFACE_VERSION;
	return privcmd_call(__HYPERVISOR_platform_op, (unsigned long)&op, 0, 0, 0, 0);
}

/* XENPF_get_cpu_version: an absent CPU reads as all zeroes, not an error. */
static inline int mcx_hv_cpu_version(u32 cpu, struct mcx_cpu_version *out)
{
	struct xen_platform_op op = { .cmd = XENPF_get_cpu_version };
	struct xenpf_pcpu_version *v = MCX_PF_PAYLOAD(&op, xenpf_pcpu_version);
	int ret;

	BUILD_BUG_ON(sizeof(*v) > sizeof(op.u.pad));
	v->xen_cpuid = cpu;
	ret = HYPERVISOR_platform_op(&op);
	if (ret)
		return ret;
	memcpy(out->vendor_id, v->vendor_id, sizeof(out->vendor_id));
	out->family = v->family;
	out->model = v->model;
	out->stepping = v->stepping;
	return 0;
}

/* XENPF_get_cpuinfo: @flags gets XEN_PCPU_FLAGS_*. */
static inline int mcx_hv_cpuinfo(u32 cpu, u32 *max_present, u32 *flags)
{
	struct xen_platform_op op = {
		.cmd = XENPF_get_cpuinfo,
		.u.pcpu_info.xen_cpuid = cpu,
	};
	int ret;

	ret = HYPERVISOR_platform_op(&op);
	if (ret)
		return ret;
	*max_present = op.u.pcpu_info.max_present;
	*flags = op.u.pcpu_info.flags;
	return 0;
}

/* XENPF_get_ucode_revision (Xen 4.18+). */
static inline int mcx_hv_ucode_revision(u32 cpu, struct mcx_ucode_revision *out)
{
	struct xen_platform_op op = { .cmd = XENPF_get_ucode_revision };
	struct xenpf_ucode_revision *r = MCX_PF_PAYLOAD(&op, xenpf_ucode_revision);
	int ret;

	BUILD_BUG_ON(sizeof(*r) > sizeof(op.u.pad));
	r->cpu = cpu;
	ret = HYPERVISOR_platform_op(&op);
	if (ret)
		return ret;
	out->signature = r->signature;
	out->pf = r->pf;
	out->revision = r->revision;
	return 0;
}

/* Kernels before 7.0 name the 64-bit MSR read rdmsrl_safe_on_cpu(). */
#ifndef MCX_HAVE_RDMSRQ_SAFE_ON_CPU
#define rdmsrq_safe_on_cpu rdmsrl_safe_on_cpu
#endif

/*
 * The microcode revision under dom0's CPU @cpu: Xen answers a guest's read
 * of MSR 0x8b with the physical CPU's own value (xen/arch/x86/msr.c, read in
 * 4.13.0 to 4.20.4), the physical CPU that runs the vCPU at that moment.
 * Intel keeps the revision in the high half, AMD in the low half.
 */
static inline int mcx_hv_vcpu_revision(unsigned int cpu, u32 *rev)
{
	u64 val;
	int ret;

	ret = rdmsrq_safe_on_cpu(cpu, MSR_IA32_UCODE_REV, &val);
	if (ret)
		return ret;
	*rev = boot_cpu_data.x86_vendor == X86_VENDOR_INTEL ? upper_32_bits(val) :
							       lower_32_bits(val);
	return 0;
}

#endif /* MICROCODE_XEN_FAKE_HV */
#endif /* MICROCODE_XEN_HYPERCALL_H */

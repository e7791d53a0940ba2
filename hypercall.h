/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The driver's only contact with Xen.  Each function issues one kind of
 * hypercall and returns Xen's answer unchanged; microcode_xen.c decides what
 * the answer means.  A test build defines MICROCODE_XEN_FAKE_HV and gets a
 * stand-in hypervisor with the same functions instead.
 */
#ifndef MICROCODE_XEN_HYPERCALL_H
#define MICROCODE_XEN_HYPERCALL_H

/*
 * Xen's answer to an op it does not implement.  Xen's errno values are an
 * ABI of their own (xen/include/public/errno.h); this one is XEN_ENOSYS.
 */
#define MCX_XEN_ENOSYS		38

#ifdef MICROCODE_XEN_FAKE_HV
#include "tests/fake_hv.h"
#else

#include <linux/types.h>

#include <xen/xen.h>
#include <xen/interface/platform.h>

#include <asm/xen/hypercall.h>

static inline bool mcx_hv_initial_domain(void)
{
	return xen_initial_domain();
}

/*
 * XENPF_microcode_update: Xen copies the blob into its own heap before it
 * looks at it, so @data only has to stay valid for the duration of the call.
 */
static inline int mcx_hv_microcode_update(const void *data, u32 len)
{
	struct xen_platform_op op = {
		.cmd = XENPF_microcode_update,
		.u.microcode.length = len,
	};

	set_xen_guest_handle(op.u.microcode.data, (void *)data);
	return HYPERVISOR_platform_op(&op);
}

#endif /* MICROCODE_XEN_FAKE_HV */
#endif /* MICROCODE_XEN_HYPERCALL_H */

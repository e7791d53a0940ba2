// SPDX-License-Identifier: GPL-2.0
/*
 * Proof that a C=1 build runs sparse (tests/static.sh): gcc takes this file
 * without a word, sparse must report the user pointer used as a kernel one.
 * A kernel's headers whose checker test fails make kbuild skip sparse
 * silently; this file makes that a failure.
 */
#include <linux/module.h>
#include <linux/compiler.h>

int mcx_canary(void __user *p);
int mcx_canary(void __user *p)
{
	int *k = p;

	return k != NULL;
}
EXPORT_SYMBOL_GPL(mcx_canary);

MODULE_DESCRIPTION("sparse canary of microcode_xen's static tests");
MODULE_LICENSE("GPL");

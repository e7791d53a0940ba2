// SPDX-License-Identifier: GPL-2.0
/*
 * The reference for make bench (tests/bench.sh): the least any driver must
 * do to get a blob to Xen, with the driver's own hypercall functions
 * (hypercall.h) and nothing else.
 *
 *   /sys/kernel/mcx_bench/reload   write anything: request_firmware_direct()
 *                                  of the file named by fw=, the bare
 *                                  hypercall, release_firmware(); the
 *                                  write returns Xen's answer unchanged
 *   /dev/mcx_bench                 write(): the bare hypercall on the
 *                                  writer's buffer where it is (the caller
 *                                  has it in memory and locked); Xen's
 *                                  answer unchanged
 *   /sys/kernel/mcx_bench/last_ns  how long the last hypercall took in the
 *                                  kernel, and the whole firmware request
 *                                  around it: "HYPERCALL_NS TOTAL_NS"
 *
 * Only the benchmark builds it; it is no part of the driver.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/firmware.h>
#include <linux/fs.h>
#include <linux/kobject.h>
#include <linux/ktime.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/sysfs.h>

#include "hypercall.h"

static char *fw = "intel-ucode/06-55-04";
module_param(fw, charp, 0444);
MODULE_PARM_DESC(fw, "The file that reload sends, under /lib/firmware");

static struct kobject *bench_kobj;
static u64 bench_hc_ns, bench_total_ns;

static ssize_t reload_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	const struct firmware *f;
	u64 t0, t1, t2;
	int ret;

	t0 = ktime_get_ns();
	ret = request_firmware_direct(&f, fw, NULL);
	if (ret)
		return ret;
	t1 = ktime_get_ns();
	ret = mcx_hv_microcode_update(f->data, f->size, false);
	t2 = ktime_get_ns();
	release_firmware(f);
	bench_hc_ns = t2 - t1;
	bench_total_ns = ktime_get_ns() - t0;
	return ret ? ret : count;
}

static ssize_t last_ns_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu %llu\n", bench_hc_ns, bench_total_ns);
}

static struct kobj_attribute bench_reload_attr = __ATTR_WO(reload);
static struct kobj_attribute bench_last_ns_attr = __ATTR_RO(last_ns);

static struct attribute *bench_attrs[] = {
	&bench_reload_attr.attr,
	&bench_last_ns_attr.attr,
	NULL
};

static const struct attribute_group bench_group = {
	.attrs = bench_attrs,
};

static ssize_t bench_write(struct file *file, const char __user *buf, size_t len,
			   loff_t *ppos)
{
	u64 t0 = ktime_get_ns();
	int ret;

	if (len > U32_MAX)
		return -EFBIG;
	ret = mcx_hv_microcode_update_user(buf, len, false);
	bench_hc_ns = ktime_get_ns() - t0;
	bench_total_ns = bench_hc_ns;
	return ret ? ret : len;
}

static const struct file_operations bench_fops = {
	.owner = THIS_MODULE,
	.open = stream_open,
	.write = bench_write,
};

static struct miscdevice bench_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "mcx_bench",
	.mode = 0600,
	.fops = &bench_fops,
};

static int __init bench_init(void)
{
	int ret;

	if (!mcx_hv_initial_domain())
		return -ENODEV;
	bench_kobj = kobject_create_and_add("mcx_bench", kernel_kobj);
	if (!bench_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(bench_kobj, &bench_group);
	if (!ret)
		ret = misc_register(&bench_misc);
	if (ret)
		kobject_put(bench_kobj);
	return ret;
}

static void __exit bench_exit(void)
{
	misc_deregister(&bench_misc);
	kobject_put(bench_kobj);
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("microcode_xen benchmark reference: firmware load + bare hypercall");
MODULE_LICENSE("GPL");

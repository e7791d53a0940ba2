// SPDX-License-Identifier: GPL-2.0
/*
 * For the tests only (tests/vm/homes.sh): what another driver can have made
 * before microcode_xen loads, on a kernel that has none of it itself.
 *
 *   dir=1           /sys/devices/system/cpu/microcode, as the kernel's own
 *                   loader's attribute group on the cpu root device, with
 *   reload=1        a reload file in it (the kernel's late loading), and/or
 *   force_reload=1  a file of that name
 *   minor=1         misc minor 184, the one /dev/cpu/microcode takes
 *
 * A write to its reload or force_reload is counted in writes.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/sysfs.h>

static bool dir, reload, force_reload, minor;
module_param(dir, bool, 0444);
module_param(reload, bool, 0444);
module_param(force_reload, bool, 0444);
module_param(minor, bool, 0444);
static uint writes;
module_param(writes, uint, 0444);

static ssize_t th_store(struct device *dev, struct device_attribute *attr,
			const char *buf, size_t count)
{
	writes++;
	return count;
}

static struct device_attribute th_reload = __ATTR(reload, 0200, NULL, th_store);
static struct device_attribute th_force_reload = __ATTR(force_reload, 0200, NULL, th_store);
static struct attribute *th_attrs[3];
static const struct attribute_group th_group = {
	.name	= "microcode",
	.attrs	= th_attrs,
};

static const struct file_operations th_fops = {
	.owner	= THIS_MODULE,
};

static struct miscdevice th_misc = {
	.minor	= 184,
	.name	= "mcx_testhelp",
	.fops	= &th_fops,
};

static struct device *th_root;

static struct device *th_get_cpu_root(void)
{
#ifdef MCX_HAVE_BUS_GET_DEV_ROOT
	return bus_get_dev_root(&cpu_subsys);
#else
	return get_device(cpu_subsys.dev_root);
#endif
}

static int __init th_init(void)
{
	int n = 0, ret;

	if (reload)
		th_attrs[n++] = &th_reload.attr;
	if (force_reload)
		th_attrs[n++] = &th_force_reload.attr;
	if (dir) {
		th_root = th_get_cpu_root();
		if (!th_root)
			return -ENODEV;
		ret = sysfs_create_group(&th_root->kobj, &th_group);
		if (ret) {
			put_device(th_root);
			return ret;
		}
	}
	if (minor) {
		ret = misc_register(&th_misc);
		if (ret) {
			if (dir) {
				sysfs_remove_group(&th_root->kobj, &th_group);
				put_device(th_root);
			}
			return ret;
		}
	}
	return 0;
}

static void __exit th_exit(void)
{
	if (minor)
		misc_deregister(&th_misc);
	if (dir) {
		sysfs_remove_group(&th_root->kobj, &th_group);
		put_device(th_root);
	}
}

module_init(th_init);
module_exit(th_exit);
MODULE_DESCRIPTION("microcode_xen's tests: a kernel microcode directory or minor 184 taken");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0
/*
 * Late microcode loading for a Xen dom0.
 *
 * Under Xen, dom0 runs on virtual CPUs and the kernel's own microcode loader
 * stays off.  This driver gives back the interfaces that tools expect:
 *
 *   /sys/devices/system/cpu/microcode/reload   write 1: load the vendor file
 *   /dev/cpu/microcode                         write(): one whole blob
 *
 * Either way the whole blob goes to Xen, unparsed, with the
 * XENPF_microcode_update platform op.  Xen sees the physical CPUs and does all
 * the matching, checking and applying; dom0 never interprets the blob.
 *
 * Synchronization:
 *
 * mcx_update_lock serialises every update: a write to reload, a write to
 * /dev/cpu/microcode and the update at module load.  It is held from the
 * firmware request (or the copy of the user's blob) to the end of the
 * hypercall, so one blob at a time is in flight and each caller is answered
 * with the verdict on its own blob.  Xen serialises updates as well; the lock
 * keeps a second caller from getting Xen's -EBUSY for someone else's update.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cpu.h>
#include <linux/device.h>
#include <linux/firmware.h>
#include <linux/fs.h>
#include <linux/kernfs.h>
#include <linux/limits.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>

#include <asm/processor.h>

#include "microcode_xen.h"
#include "hypercall.h"

/* The minor the kernel's own loader used for /dev/cpu/microcode. */
#define MCX_MISC_MINOR		184

static bool update_on_load = true;
module_param(update_on_load, bool, 0444);
MODULE_PARM_DESC(update_on_load,
		 "Send the boot CPU's vendor microcode file to Xen when the module loads (default: true)");

/* Serialises every update path; see "Synchronization" above. */
static DEFINE_MUTEX(mcx_update_lock);

/* /sys/devices/system/cpu, referenced for as long as the module is loaded. */
static struct device *mcx_cpu_root;

/*
 * What an answer of XENPF_microcode_update means to the admin, and the errno
 * the caller gets.  Xen explains itself only on its own console (xl dmesg),
 * so these lines are all dom0's log will say.  Answers that would collide
 * with the driver's own errors on the same call are translated, so that each
 * cause has an errno of its own (README: "Errors").
 */
struct mcx_verdict {
	int xen;
	int ret;
	const char *what;
};

static const struct mcx_verdict mcx_verdicts[] = {
	{ -EEXIST, 0, "the CPUs already run this revision or a newer one" },
	{ -ENOENT, -ENODATA,
	  "no update in it for these CPUs (on Xen < 4.19: or none newer than the one running)" },
	{ -EINVAL, -EBADMSG,
	  "Xen cannot use it: not microcode for this CPU vendor, or loading is off in Xen" },
	{ -EIO, -EIO, "a CPU did not take the update and keeps its revision (see xl dmesg)" },
	{ -EBUSY, -EBUSY,
	  "Xen could not update all CPUs together (busy, or another CPU failed; see xl dmesg)" },
	{ -ENOMEM, -ENOSPC, "Xen has no memory for a copy of it" },
	{ -EFAULT, -EREMOTEIO, "Xen could not read it from dom0's memory" },
	{ -EPERM, -EPERM, "Xen's XSM/FLASK policy does not allow dom0 to load microcode" },
	{ -EACCES, -EPROTO, "Xen does not accept this platform interface version" },
	{ -E2BIG, -E2BIG, "it is too large for Xen" },
	{ -MCX_XEN_ENOSYS, -EOPNOTSUPP, "this Xen cannot load microcode" },
};

static const struct mcx_verdict *mcx_find_verdict(int xen)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mcx_verdicts); i++)
		if (mcx_verdicts[i].xen == xen)
			return &mcx_verdicts[i];
	return NULL;
}

/*
 * Hands one blob to Xen and explains the answer.  @src names the blob in the
 * log: the firmware file, or the process that wrote /dev/cpu/microcode.
 */
static int mcx_send(const char *src, const void *data, size_t len)
{
	const struct mcx_verdict *v;
	int xen;

	lockdep_assert_held(&mcx_update_lock);

	if (len > U32_MAX) {
		pr_err("%s: %zu bytes do not fit Xen's 32-bit length\n", src, len);
		return -E2BIG;
	}

	xen = mcx_hv_microcode_update(data, len);
	if (!xen) {
		pr_info("%s: Xen applied the update (%zu bytes)\n", src, len);
		return 0;
	}

	v = mcx_find_verdict(xen);
	if (!v) {
		pr_err("%s: Xen refused the update with error %d\n", src, xen);
		return xen;
	}
	if (!v->ret)
		pr_info("%s: nothing to do: %s (Xen: %d)\n", src, v->what, xen);
	else
		pr_err("%s: update failed: %s (Xen: %d)\n", src, v->what, xen);
	return v->ret;
}

/*
 * /dev/cpu/microcode, the interface of the kernel's old loader that
 * iucode_tool -k and microcode_ctl write to: each write() carries one whole
 * blob, which goes to Xen as it is.  A blob split over several writes
 * arrives at Xen in pieces and is refused piece by piece.
 */
static int mcx_dev_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	return stream_open(inode, file);
}

static ssize_t mcx_dev_write(struct file *file, const char __user *buf,
			     size_t len, loff_t *ppos)
{
	char src[64];
	void *blob;
	int ret;

	snprintf(src, sizeof(src), "/dev/cpu/microcode (%s[%d])", current->comm,
		 task_pid_nr(current));
	if (!len) {
		pr_err("%s: empty write, nothing to send\n", src);
		return -EINVAL;
	}
	/* Checked before anything is allocated for the blob. */
	if (len > MCX_MAX_BLOB_SIZE) {
		pr_err("%s: %zu bytes exceed the %u byte limit of one write\n", src,
		       len, MCX_MAX_BLOB_SIZE);
		return -EFBIG;
	}

	blob = vmemdup_user(buf, len);
	if (IS_ERR(blob)) {
		ret = PTR_ERR(blob);
		pr_err("%s: cannot copy the %zu byte blob from user space: error %d\n",
		       src, len, ret);
		return ret;
	}

	ret = mutex_lock_interruptible(&mcx_update_lock);
	if (!ret) {
		ret = mcx_send(src, blob, len);
		mutex_unlock(&mcx_update_lock);
	}
	kvfree(blob);
	return ret ? ret : len;
}

static const struct file_operations mcx_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= mcx_dev_open,
	.write		= mcx_dev_write,
};

static struct miscdevice mcx_misc = {
	.minor		= MCX_MISC_MINOR,
	.name		= "microcode",
	.nodename	= "cpu/microcode",
	.mode		= 0600,
	.fops		= &mcx_dev_fops,
};

static enum mcx_vendor mcx_boot_vendor(void)
{
	switch (boot_cpu_data.x86_vendor) {
	case X86_VENDOR_INTEL:
		return MCX_VENDOR_INTEL;
	case X86_VENDOR_AMD:
	case X86_VENDOR_HYGON:
		return MCX_VENDOR_AMD;
	default:
		return MCX_VENDOR_UNKNOWN;
	}
}

/* Why the firmware loader could not produce @name, for the admin. */
static int mcx_fw_error(const char *name, int err)
{
	switch (err) {
	case -ENOENT:
		pr_err("%s: no such file under /lib/firmware (is the vendor's microcode package installed?)\n",
		       name);
		return -ENOENT;
	case -EINVAL:
		/* The loader refuses empty files and anything not a regular file. */
		pr_err("%s: the file is empty or not a regular file\n", name);
		return -ENOEXEC;
	case -EFBIG:
		pr_err("%s: the file is too large to load\n", name);
		return -EFBIG;
	default:
		pr_err("%s: the firmware loader failed with error %d\n", name, err);
		return err;
	}
}

/*
 * Sends the boot CPU's vendor file to Xen.  Xen picks what fits each
 * physical CPU out of it, so one file serves the whole host.
 */
static int mcx_update_from_firmware(void)
{
	char name[MCX_FW_NAME_LEN];
	const struct firmware *fw;
	int ret;

	lockdep_assert_held(&mcx_update_lock);

	if (mcx_fw_name(name, sizeof(name), mcx_boot_vendor(), boot_cpu_data.x86,
			boot_cpu_data.x86_model, boot_cpu_data.x86_stepping) < 0) {
		pr_err("no microcode files exist for this CPU vendor (%s)\n",
		       boot_cpu_data.x86_vendor_id);
		return -ENODEV;
	}

	/* The direct variant: no user-mode helper, no warning for a missing file. */
	ret = request_firmware_direct(&fw, name, mcx_misc.this_device);
	if (ret)
		return mcx_fw_error(name, ret);

	if (!fw->size) {
		pr_err("%s: the file is empty\n", name);
		ret = -ENOEXEC;
	} else if (fw->size > MCX_MAX_BLOB_SIZE) {
		pr_err("%s: %zu bytes exceed the %u byte limit\n", name, fw->size,
		       MCX_MAX_BLOB_SIZE);
		ret = -EFBIG;
	} else {
		/* fw->data stays valid until release: Xen copies it itself. */
		ret = mcx_send(name, fw->data, fw->size);
	}
	release_firmware(fw);
	return ret;
}

/*
 * /sys/devices/system/cpu/microcode/reload, as the kernel's own loader has
 * it; unlike that loader, the write returns the verdict on the update.
 */
static ssize_t reload_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	unsigned long val;
	int ret;

	ret = kstrtoul(buf, 0, &val);
	if (ret || val != 1) {
		pr_err_ratelimited("reload: only the value 1 is accepted\n");
		return -EINVAL;
	}

	ret = mutex_lock_interruptible(&mcx_update_lock);
	if (ret)
		return ret;
	ret = mcx_update_from_firmware();
	mutex_unlock(&mcx_update_lock);

	return ret ? ret : count;
}
static DEVICE_ATTR_WO(reload);

static struct attribute *mcx_cpu_attrs[] = {
	&dev_attr_reload.attr,
	NULL
};

static const struct attribute_group mcx_cpu_group = {
	.name	= "microcode",
	.attrs	= mcx_cpu_attrs,
};

static struct device *mcx_get_cpu_root(void)
{
#ifdef MCX_HAVE_BUS_GET_DEV_ROOT
	return bus_get_dev_root(&cpu_subsys);
#else
	return get_device(cpu_subsys.dev_root);
#endif
}

/*
 * Where the kernel's own loader is active, /sys/devices/system/cpu/microcode
 * is its directory; adding ours would clash (and sysfs would complain with a
 * stack trace), so step aside with a plain explanation instead.
 */
static int mcx_check_native_loader(void)
{
	struct kernfs_node *kn;

	kn = kernfs_find_and_get(mcx_cpu_root->kobj.sd, mcx_cpu_group.name);
	if (!kn)
		return 0;
	kernfs_put(kn);
	pr_err("not loaded: /sys/devices/system/cpu/microcode exists, so the kernel's own microcode loader is active; use it instead\n");
	return -EEXIST;
}

static int __init mcx_init(void)
{
	int ret;

	if (!mcx_hv_initial_domain()) {
		pr_err("not loaded: this kernel is not running as Xen's dom0; on bare metal the kernel's own loader updates microcode, and a domU cannot\n");
		return -ENODEV;
	}

	mcx_cpu_root = mcx_get_cpu_root();
	if (!mcx_cpu_root) {
		pr_err("not loaded: /sys/devices/system/cpu is missing\n");
		return -ENODEV;
	}

	ret = mcx_check_native_loader();
	if (ret)
		goto put_cpu_root;

	ret = misc_register(&mcx_misc);
	if (ret) {
		pr_err("not loaded: cannot register /dev/cpu/microcode (misc minor %d): error %d\n",
		       MCX_MISC_MINOR, ret);
		goto put_cpu_root;
	}

	ret = sysfs_create_group(&mcx_cpu_root->kobj, &mcx_cpu_group);
	if (ret) {
		pr_err("not loaded: cannot create /sys/devices/system/cpu/microcode: error %d\n",
		       ret);
		goto deregister_misc;
	}

	pr_info("ready: /sys/devices/system/cpu/microcode/reload and /dev/cpu/microcode send microcode to Xen\n");

	/* A failure here is logged; the admin can fix the file and reload. */
	if (update_on_load) {
		mutex_lock(&mcx_update_lock);
		mcx_update_from_firmware();
		mutex_unlock(&mcx_update_lock);
	}
	return 0;

deregister_misc:
	misc_deregister(&mcx_misc);
put_cpu_root:
	put_device(mcx_cpu_root);
	return ret;
}

static void __exit mcx_exit(void)
{
	sysfs_remove_group(&mcx_cpu_root->kobj, &mcx_cpu_group);
	misc_deregister(&mcx_misc);
	put_device(mcx_cpu_root);
}

module_init(mcx_init);
module_exit(mcx_exit);

MODULE_DESCRIPTION("Late microcode loading for a Xen dom0 through the hypervisor");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0
/*
 * Late microcode loading for a Xen dom0.
 *
 * Under Xen, dom0 runs on virtual CPUs and the kernel's own microcode loader
 * stays off.  This driver gives back the interfaces that tools expect:
 *
 *   /sys/devices/system/cpu/microcode/reload        write 1: load the vendor file
 *   /sys/devices/system/cpu/microcode/force_reload  the same, skipping Xen's
 *                                                   revision check (Xen 4.20+)
 *   /sys/devices/system/cpu/microcode/xen_cpuN/     signature, processor_flags,
 *                                                   version of physical CPU N
 *   /dev/cpu/microcode                              write(): one whole blob
 *
 * Either way the whole blob goes to Xen, unparsed, with the
 * XENPF_microcode_update platform op.  Xen sees the physical CPUs and does all
 * the matching, checking and applying; dom0 never interprets the blob.  The
 * vendor file is chosen from the physical boot CPU as Xen reports it, since
 * dom0's CPUID is a virtual view.
 *
 * Synchronization:
 *
 * mcx_update_lock serialises every update: a write to reload or force_reload,
 * a write to /dev/cpu/microcode and the update at module load.  It is held
 * from the firmware request (or, for the device, from after the copy of the
 * user's blob) to the end of the hypercall, so one blob at a time is in flight
 * and each caller is answered with the verdict on its own blob.  Xen
 * serialises updates as well; the lock keeps a second caller from getting
 * Xen's -EBUSY for someone else's update.
 *
 * Everything else is written once in mcx_init() before the interfaces appear
 * (the vendor file name, the list of physical CPUs) and only read afterwards;
 * sysfs removal waits for readers and writers in flight before mcx_exit()
 * frees anything.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cpu.h>
#include <linux/device.h>
#include <linux/firmware.h>
#include <linux/fs.h>
#include <linux/kernfs.h>
#include <linux/kobject.h>
#include <linux/list.h>
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

/* /sys/devices/system/cpu/microcode */
static struct kobject *mcx_kobj;

/* The vendor file for this host's CPUs; empty for a vendor without files. */
static char mcx_fw_file[MCX_FW_NAME_LEN];

/* Bounds the walk over Xen's physical CPU numbers. */
#define MCX_MAX_PCPUS		16384

/* A physical CPU's directory, /sys/devices/system/cpu/microcode/xen_cpuN. */
struct mcx_pcpu {
	struct kobject kobj;
	struct list_head node;
	u32 cpu;
};

static LIST_HEAD(mcx_pcpus);

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

static int mcx_send(const char *src, const void *data, size_t len, bool force);

/*
 * Takes mcx_update_lock for a write to reload, force_reload or the device.
 * A signal ends the wait: the write then starts over after a handler
 * installed with SA_RESTART (the shell's SIGCHLD handler, say) and fails
 * with EINTR otherwise, as the kernel does for any slow call.
 */
static int mcx_lock_update(void)
{
	if (mutex_lock_interruptible(&mcx_update_lock))
		return -ERESTARTSYS;
	return 0;
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

	/* A signal: see mcx_lock_update(); nothing was sent. */
	ret = mcx_lock_update();
	if (!ret) {
		ret = mcx_send(src, blob, len, false);
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

/*
 * Tells udev and monitoring that the CPUs run new microcode: a KOBJ_CHANGE
 * on /sys/class/misc/microcode, with what was loaded and, where Xen can
 * tell, the boot CPU's new revision.
 */
static void mcx_notify(const char *src, const struct mcx_ucode_revision *after)
{
	char source[MCX_FW_NAME_LEN + 48], revision[32];
	char *envp[3] = { source };

	snprintf(source, sizeof(source), "MICROCODE_SOURCE=%s", src);
	if (after) {
		snprintf(revision, sizeof(revision), "MICROCODE_REVISION=0x%x",
			 after->revision);
		envp[1] = revision;
	}
	kobject_uevent_env(&mcx_misc.this_device->kobj, KOBJ_CHANGE, envp);
}

/*
 * Hands one blob to Xen and explains the answer.  @src names the blob in the
 * log: the firmware file, or the process that wrote /dev/cpu/microcode.
 * With @force, Xen skips its revision check (same or older revisions load).
 */
static int mcx_send(const char *src, const void *data, size_t len, bool force)
{
	struct mcx_ucode_revision before, after;
	const struct mcx_verdict *v;
	char revs[64] = "";
	bool known;
	int xen;

	lockdep_assert_held(&mcx_update_lock);
	/* Both callers refuse larger blobs, so @len fits Xen's 32 bits. */
	BUILD_BUG_ON(MCX_MAX_BLOB_SIZE > U32_MAX);

	/* Xen 4.18+ tells revisions; older Xen leaves the log without them. */
	known = !mcx_hv_ucode_revision(0, &before);
	xen = mcx_hv_microcode_update(data, len, force);
	known = known && !mcx_hv_ucode_revision(0, &after);
	if (known)
		snprintf(revs, sizeof(revs), "; boot CPU revision 0x%x before, 0x%x after",
			 before.revision, after.revision);

	if (!xen) {
		pr_info("%s: Xen applied the update%s%s\n", src,
			force ? " (forced)" : "", revs);
		mcx_notify(src, known ? &after : NULL);
		return 0;
	}

	if (force && xen == -MCX_XEN_ENOSYS) {
		pr_err("%s: this hypervisor cannot force an update (Xen 4.20 and later can); reload still works (Xen: %d)\n",
		       src, xen);
		return -EOPNOTSUPP;
	}

	v = mcx_find_verdict(xen);
	if (!v) {
		pr_err("%s: Xen refused the update with error %d%s\n", src, xen, revs);
		return xen;
	}
	if (!v->ret)
		pr_info("%s: nothing to do: %s (Xen: %d)%s\n", src, v->what, xen, revs);
	else
		pr_err("%s: update failed: %s (Xen: %d)%s\n", src, v->what, xen, revs);
	return v->ret;
}

static enum mcx_vendor mcx_vendor_of(const char *id)
{
	if (!memcmp(id, "GenuineIntel", 12))
		return MCX_VENDOR_INTEL;
	if (!memcmp(id, "AuthenticAMD", 12) || !memcmp(id, "HygonGenuine", 12))
		return MCX_VENDOR_AMD;
	return MCX_VENDOR_UNKNOWN;
}

/*
 * Chooses the vendor file from the physical boot CPU as Xen sees it: dom0's
 * CPUID is a virtual view that Xen may change.  Xen reports an absent CPU
 * as zeroes; then, or when Xen does not answer, dom0's view is all there is.
 */
static void mcx_pick_fw_file(void)
{
	struct cpuinfo_x86 *c = &boot_cpu_data;
	struct mcx_cpu_version v;
	const char *from = "the physical boot CPU";
	int ret;

	ret = mcx_hv_cpu_version(0, &v);
	if (ret || !v.family) {
		pr_warn("Xen did not report the physical boot CPU (error %d); choosing the file from dom0's view of the CPU\n",
			ret);
		memcpy(v.vendor_id, c->x86_vendor_id, sizeof(v.vendor_id));
		v.family = c->x86;
		v.model = c->x86_model;
		v.stepping = c->x86_stepping;
		from = "dom0's view of the boot CPU";
	}

	if (mcx_fw_name(mcx_fw_file, sizeof(mcx_fw_file), mcx_vendor_of(v.vendor_id),
			v.family, v.model, v.stepping) < 0) {
		mcx_fw_file[0] = '\0';
		pr_warn("no microcode files exist for CPU vendor %.12s: reload is unavailable, /dev/cpu/microcode still works\n",
			v.vendor_id);
		return;
	}
	pr_info("vendor file %s, for family 0x%x model 0x%x stepping 0x%x (%s)\n",
		mcx_fw_file, v.family, v.model, v.stepping, from);
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
	case -ERESTARTSYS:
	case -EINTR:
		/* A FIFO in place of the file, say: the read waits for a signal. */
		pr_err("%s: reading the file was interrupted by a signal\n", name);
		return err;
	default:
		pr_err("%s: the firmware loader failed with error %d\n", name, err);
		return err;
	}
}

/*
 * Sends the host's vendor file to Xen.  Xen picks what fits each physical CPU
 * out of it, so one file serves the whole host.
 */
static int mcx_update_from_firmware(bool force)
{
	const char *name = mcx_fw_file;
	const struct firmware *fw;
	int ret;

	lockdep_assert_held(&mcx_update_lock);

	if (!name[0]) {
		pr_err("reload: no microcode files exist for this CPU vendor\n");
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
		ret = mcx_send(name, fw->data, fw->size, force);
	}
	release_firmware(fw);
	return ret;
}

/*
 * /sys/devices/system/cpu/microcode/reload, as the kernel's own loader has
 * it, and force_reload beside it; unlike the kernel's loader, the write
 * returns the verdict on the update.
 */
static ssize_t mcx_reload(const char *buf, size_t count, bool force)
{
	unsigned long val;
	int ret;

	ret = kstrtoul(buf, 0, &val);
	if (ret || val != 1) {
		pr_err_ratelimited("%s: only the value 1 is accepted\n",
				   force ? "force_reload" : "reload");
		return -EINVAL;
	}

	ret = mcx_lock_update();
	if (ret)
		return ret;
	ret = mcx_update_from_firmware(force);
	mutex_unlock(&mcx_update_lock);

	return ret ? ret : count;
}

static ssize_t reload_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	return mcx_reload(buf, count, false);
}

static ssize_t force_reload_store(struct kobject *kobj, struct kobj_attribute *attr,
				  const char *buf, size_t count)
{
	return mcx_reload(buf, count, true);
}

static struct kobj_attribute mcx_reload_attr = __ATTR_WO(reload);
static struct kobj_attribute mcx_force_reload_attr = __ATTR_WO(force_reload);

static struct attribute *mcx_attrs[] = {
	&mcx_reload_attr.attr,
	&mcx_force_reload_attr.attr,
	NULL
};

static const struct attribute_group mcx_group = {
	.attrs	= mcx_attrs,
};

/*
 * /sys/devices/system/cpu/microcode/xen_cpuN: what Xen 4.18+ reports of
 * physical CPU N, read afresh on every read.  Older Xen cannot tell, and a
 * read fails rather than show a value nobody measured.
 */
static int mcx_pcpu_read(u32 cpu, struct mcx_ucode_revision *r)
{
	int ret = mcx_hv_ucode_revision(cpu, r);

	switch (ret) {
	case 0:
		return 0;
	case -MCX_XEN_ENOSYS:
		pr_notice_once("this hypervisor cannot report microcode revisions (Xen 4.18 and later can): xen_cpu* files read as EOPNOTSUPP\n");
		return -EOPNOTSUPP;
	case -ENOENT:
		pr_notice_ratelimited("xen_cpu%u: the physical CPU is offline\n", cpu);
		return -ENODEV;
	case -EPERM:
		pr_notice_once("Xen's XSM/FLASK policy does not allow dom0 to read microcode revisions\n");
		return -EPERM;
	default:
		pr_err_ratelimited("xen_cpu%u: Xen cannot report the revision: error %d\n",
				   cpu, ret);
		return ret;
	}
}

enum mcx_pcpu_field { MCX_SIGNATURE, MCX_PF, MCX_REVISION };

static ssize_t mcx_pcpu_show(struct kobject *kobj, char *buf, enum mcx_pcpu_field field)
{
	struct mcx_pcpu *pcpu = container_of(kobj, struct mcx_pcpu, kobj);
	struct mcx_ucode_revision r;
	int ret;

	ret = mcx_pcpu_read(pcpu->cpu, &r);
	if (ret)
		return ret;
	switch (field) {
	case MCX_SIGNATURE:
		return sysfs_emit(buf, "0x%x\n", r.signature);
	case MCX_PF:
		return sysfs_emit(buf, "0x%x\n", r.pf);
	default:
		return sysfs_emit(buf, "0x%x\n", r.revision);
	}
}

static ssize_t signature_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return mcx_pcpu_show(kobj, buf, MCX_SIGNATURE);
}

static ssize_t processor_flags_show(struct kobject *kobj, struct kobj_attribute *attr,
				    char *buf)
{
	return mcx_pcpu_show(kobj, buf, MCX_PF);
}

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return mcx_pcpu_show(kobj, buf, MCX_REVISION);
}

static struct kobj_attribute mcx_signature_attr = __ATTR_RO(signature);
static struct kobj_attribute mcx_processor_flags_attr = __ATTR_RO(processor_flags);
static struct kobj_attribute mcx_version_attr = __ATTR_RO(version);

static struct attribute *mcx_pcpu_attrs[] = {
	&mcx_signature_attr.attr,
	&mcx_processor_flags_attr.attr,
	&mcx_version_attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(mcx_pcpu);

static void mcx_pcpu_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct mcx_pcpu, kobj));
}

static const struct kobj_type mcx_pcpu_ktype = {
	.release	= mcx_pcpu_release,
	.sysfs_ops	= &kobj_sysfs_ops,
	.default_groups	= mcx_pcpu_groups,
};

static int mcx_add_pcpu(u32 cpu)
{
	struct mcx_pcpu *pcpu;
	int ret;

	pcpu = kzalloc(sizeof(*pcpu), GFP_KERNEL);
	if (!pcpu)
		return -ENOMEM;
	pcpu->cpu = cpu;
	ret = kobject_init_and_add(&pcpu->kobj, &mcx_pcpu_ktype, mcx_kobj,
				   "xen_cpu%u", cpu);
	if (ret) {
		kobject_put(&pcpu->kobj);
		return ret;
	}
	list_add_tail(&pcpu->node, &mcx_pcpus);
	return 0;
}

static void mcx_remove_pcpus(void)
{
	struct mcx_pcpu *pcpu, *tmp;

	list_for_each_entry_safe(pcpu, tmp, &mcx_pcpus, node) {
		list_del(&pcpu->node);
		kobject_put(&pcpu->kobj);
	}
}

/*
 * One directory for every physical CPU that is present and online when the
 * module loads.  Without them the driver still updates microcode, so a
 * failure here is logged, not fatal.
 */
static void mcx_add_pcpus(void)
{
	u32 cpu = 0, max_present = 0, flags;
	unsigned int added = 0;
	int ret;

	do {
		ret = mcx_hv_cpuinfo(cpu, &max_present, &flags);
		if (ret) {
			pr_warn("Xen did not list physical CPU %u (error %d)\n", cpu, ret);
			break;
		}
		if ((flags & XEN_PCPU_FLAGS_INVALID) || !(flags & XEN_PCPU_FLAGS_ONLINE))
			continue;
		ret = mcx_add_pcpu(cpu);
		if (ret) {
			pr_warn("cannot create xen_cpu%u: error %d\n", cpu, ret);
			break;
		}
		added++;
	} while (++cpu <= max_present && cpu < MCX_MAX_PCPUS);

	pr_info("%u physical CPUs listed under /sys/devices/system/cpu/microcode\n", added);
}

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
static int mcx_check_native_loader(struct device *cpu_root)
{
	struct kernfs_node *kn;

	kn = kernfs_find_and_get(cpu_root->kobj.sd, "microcode");
	if (!kn)
		return 0;
	kernfs_put(kn);
	pr_err("not loaded: /sys/devices/system/cpu/microcode exists, so the kernel's own microcode loader is active; use it instead\n");
	return -EEXIST;
}

/* The directory keeps its parent, /sys/devices/system/cpu, referenced. */
static int mcx_add_sysfs(struct device *cpu_root)
{
	int ret;

	mcx_kobj = kobject_create_and_add("microcode", &cpu_root->kobj);
	if (!mcx_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(mcx_kobj, &mcx_group);
	if (ret) {
		kobject_put(mcx_kobj);
		mcx_kobj = NULL;
		return ret;
	}
	mcx_add_pcpus();
	return 0;
}

static void mcx_remove_sysfs(void)
{
	if (!mcx_kobj)
		return;
	mcx_remove_pcpus();
	sysfs_remove_group(mcx_kobj, &mcx_group);
	kobject_put(mcx_kobj);
}

static int __init mcx_init(void)
{
	struct device *cpu_root;
	int ret;

	if (!mcx_hv_initial_domain()) {
		pr_err("not loaded: this kernel is not running as Xen's dom0; on bare metal the kernel's own loader updates microcode, and a domU cannot\n");
		return -ENODEV;
	}

	cpu_root = mcx_get_cpu_root();
	if (!cpu_root) {
		pr_err("not loaded: /sys/devices/system/cpu is missing\n");
		return -ENODEV;
	}

	ret = mcx_check_native_loader(cpu_root);
	if (ret)
		goto put_cpu_root;

	ret = misc_register(&mcx_misc);
	if (ret) {
		pr_err("not loaded: cannot register /dev/cpu/microcode (misc minor %d): error %d\n",
		       MCX_MISC_MINOR, ret);
		goto put_cpu_root;
	}

	mcx_pick_fw_file();

	/*
	 * Nothing may fail once /dev/cpu/microcode exists: a file opened in
	 * that instant would outlive a module whose init failed.  Without
	 * sysfs the device still works.
	 */
	ret = mcx_add_sysfs(cpu_root);
	put_device(cpu_root);
	if (ret)
		pr_err("cannot create /sys/devices/system/cpu/microcode (error %d): only /dev/cpu/microcode is available\n",
		       ret);
	else
		pr_info("ready: /sys/devices/system/cpu/microcode/reload and /dev/cpu/microcode send microcode to Xen\n");

	/* A failure here is logged; the admin can fix the file and reload. */
	if (update_on_load) {
		mutex_lock(&mcx_update_lock);
		mcx_update_from_firmware(false);
		mutex_unlock(&mcx_update_lock);
	}
	return 0;

put_cpu_root:
	put_device(cpu_root);
	return ret;
}

static void __exit mcx_exit(void)
{
	mcx_remove_sysfs();
	misc_deregister(&mcx_misc);
}

module_init(mcx_init);
module_exit(mcx_exit);

MODULE_DESCRIPTION("Late microcode loading for a Xen dom0 through the hypervisor");
MODULE_LICENSE("GPL");
#ifdef MCX_VERSION
MODULE_VERSION(MCX_VERSION);
#endif
MODULE_AUTHOR("microcode_xen developers <microcode-xen@localhost>");

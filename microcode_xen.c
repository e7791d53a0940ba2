// SPDX-License-Identifier: GPL-2.0
/*
 * Late microcode loading for a Xen dom0.
 *
 * Under Xen, dom0 runs on virtual CPUs and the kernel's own microcode loader
 * cannot reach the physical CPUs.  This driver gives back the interfaces that
 * tools expect:
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
 * from the firmware request (or, for the device, from after the pin of the
 * user's blob) to the end of the hypercall, so one blob at a time is in flight
 * and each caller is answered with the verdict on its own blob.  Xen
 * serialises updates as well; the lock keeps a second caller from getting
 * Xen's -EBUSY for someone else's update.
 *
 * It also covers the list of physical CPUs while mcx_init() builds it:
 * /dev/cpu/microcode and reload exist before the list is complete, and an
 * update walks the list.
 *
 * mcx_rev_lock protects each physical CPU's last answer from Xen (its
 * revision, or the error), which readers without CAP_SYS_RAWIO are given:
 * every question to Xen takes its global platform-op lock, and no local
 * user may hammer it.  It is held across the question, so that an answer
 * is stored in the order Xen gave it, never an older one over a newer.  It
 * also protects mcx_last, the time and errno of the last update, which
 * anyone may read, and the list of physical CPUs against a reader of
 * xen_cpuN that looks its directory up while mcx_init() adds the next.
 *
 * The vendor file name is written once in mcx_init() before any update and
 * only read afterwards; sysfs removal waits for readers and writers in
 * flight before mcx_exit() frees anything.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/cpu.h>
#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/firmware.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/kernfs.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/limits.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include <xen/xen.h>

#include <asm/processor.h>

#include "microcode_xen.h"
#include "hypercall.h"

/* The minor the kernel's own loader used for /dev/cpu/microcode. */
#define MCX_MISC_MINOR		184

/*
 * How an update's source is named in the log: the vendor file, or
 * "/dev/cpu/microcode (COMM[PID])" with every byte of COMM escaped.
 */
#define MCX_SRC_LEN		(MCX_FW_NAME_LEN + 4 * TASK_COMM_LEN + 32)

static bool update_on_load = true;
module_param(update_on_load, bool, 0444);
MODULE_PARM_DESC(update_on_load,
		 "Send the vendor microcode file to Xen when the module loads (default: true; the module is loaded as a boot-time loader, unlike Linux's opt-in late loading)");

/* Serialises every update path; see "Synchronization" above. */
static DEFINE_MUTEX(mcx_update_lock);

/*
 * Where reload, force_reload and xen_cpuN live (mcx_native_loader()):
 *  MCX_HOME_OWN     alone, the driver makes /sys/devices/system/cpu/microcode
 *                   itself: mcx_kobj.
 *  MCX_HOME_SHARED  the directory is the kernel's own loader's attribute
 *                   group on the cpu root device, held in mcx_cpu_root:
 *                   reload and force_reload are merged into it and each
 *                   xen_cpuN there is a link to the directory under the misc
 *                   device (/sys/devices/virtual/misc/microcode).
 *  MCX_HOME_DEVICE  the kernel's directory has a reload of its own, which
 *                   cannot reach Xen's CPUs: the driver's files are on the
 *                   misc device, /sys/class/misc/microcode.
 */
enum mcx_home { MCX_HOME_OWN, MCX_HOME_SHARED, MCX_HOME_DEVICE };

static enum mcx_home mcx_home;
static struct kobject *mcx_kobj;
static struct device *mcx_cpu_root;

/* The vendor file for this host's CPUs; empty for a vendor without files. */
static char mcx_fw_file[MCX_FW_NAME_LEN];

/* Kernels without kzalloc_obj() (6.1, 6.12) get the same from kzalloc(). */
#ifndef kzalloc_obj
#define kzalloc_obj(obj, gfp)	kzalloc(sizeof(obj), gfp)
#endif

/* Xen's extraversion (".4", "-rc") and its NUL. */
#define MCX_XEN_EXTRA_LEN	16

/* Bounds the walk over Xen's physical CPU numbers. */
#define MCX_MAX_PCPUS		16384

/*
 * A physical CPU, with its directory /sys/devices/system/cpu/microcode/xen_cpuN
 * (or its link).  The directory is a plain kobject of the kernel's, whose
 * release is the kernel's code, so none may run in this module after
 * mcx_exit(); its files find their CPU by the kobject (mcx_pcpu_of()).
 */
struct mcx_pcpu {
	struct kobject *kobj;
	struct list_head node;
	u32 cpu;
	/* Xen's last answer for this CPU: err, or 0 and rev (mcx_rev_lock). */
	struct mcx_ucode_revision rev;
	int err;
	/* Its revision right before the update in flight (mcx_update_lock). */
	bool base_known;
	u32 base;
	/* CPUID.1.EAX from XENPF_get_cpu_version, 0 if Xen did not tell. */
	u32 signature;
};

static LIST_HEAD(mcx_pcpus);

/* Protects every mcx_pcpu's rev and err, and mcx_last. */
static DEFINE_MUTEX(mcx_rev_lock);

/*
 * The last blob handed to Xen: when (seconds since the epoch, 0 before the
 * first) and the errno its writer got (0 for success), for monitoring
 * (/sys/class/misc/microcode/last_update_*).
 */
static struct {
	time64_t time;
	int result;
} mcx_last;

/* What the physical CPUs run after an update: mcx_tally(). */
struct mcx_tally {
	unsigned int known;	/* CPUs whose revision Xen told */
	unsigned int changed;	/* of those, CPUs whose revision changed in this update */
	u32 rev[2];		/* the first two revisions found */
	unsigned int count[2];	/* and how many CPUs run each */
	bool boot_known;	/* physical CPU 0 was among those known */
	struct mcx_ucode_revision boot;	/* and its revision */
	/* CPUs of the boot CPU's model (signature, flags) on another revision */
	unsigned int lagging;
};

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
	/* On some releases these three can also mean "up to date": mcx_stale_at(). */
	{ -ENOENT, -ENODATA, "no update in it for these CPUs" },
	{ -EINVAL, -EBADMSG, "Xen cannot use it (malformed, or another vendor's)" },
	{ -EIO, -EIO, "a CPU did not take the update (see xl dmesg)" },
	{ -EBUSY, -EBUSY, "Xen could not update all CPUs together" },
	{ -ENXIO, -ENXIO, "Xen finds updating these AMD CPUs from their revision unsafe" },
	/*
	 * xmalloc_whole_pages(): one block, the blob's size rounded up to a
	 * power of 2 (a 20 MiB blob takes 32 MiB).
	 */
	{ -ENOMEM, -ENOSPC, "Xen has no memory for a copy of it" },
	{ -EFAULT, -EREMOTEIO, "Xen could not read it from dom0's memory" },
	/* XSM: the default policy, for a domain other than the control domain. */
	{ -EPERM, -EPERM, "Xen does not allow this domain to load microcode (XSM)" },
	/* FLASK denies xen:microcode; Linux always sends the right version. */
	{ -EACCES, -EACCES, "Xen's FLASK policy denies dom0 the xen:microcode permission" },
	{ -EOPNOTSUPP, -EOPNOTSUPP, "this Xen was built without microcode loading" },
};

/*
 * The running Xen's release, read once at load.  A "-pre" build of X.Y.Z is
 * X.Y.(Z-1) with some later commits: either patch level, patch_lo or
 * patch_hi.  No patch level in the extraversion: 0.
 */
static struct {
	unsigned int major, minor, patch_lo, patch_hi;
} mcx_xen;

/*
 * Whether Xen X.Y.@patch answers @xen also when the CPUs already run the
 * file's revision (Documentation/xen-releases.txt, "Xen's answer to an
 * update"; the package's metrics program applies the same rule):
 *  - before -EEXIST (4.19, backported to 4.18.3 and 4.17.5), "up to date"
 *    was -ENOENT with a newer patch cached, else -EINVAL (Intel and AMD);
 *  - with several CPUs and no patch cached, 4.17.6+, 4.18.6+, 4.20.2 and
 *    4.21.0 abort the rendezvous on the lead CPU's -EEXIST and report the
 *    abort as -EBUSY.
 */
static bool mcx_stale_at(int xen, unsigned int patch)
{
	unsigned int major = mcx_xen.major, minor = mcx_xen.minor;

	switch (xen) {
	case -ENOENT:
	case -EINVAL:
		return major < 4 || (major == 4 && minor < 17) ||
		       (major == 4 && minor == 17 && patch < 5) ||
		       (major == 4 && minor == 18 && patch < 3);
	case -EBUSY:
		if (major != 4)
			return false;
		return ((minor == 17 || minor == 18) && patch >= 6) ||
		       (minor == 20 && patch == 2) || (minor == 21 && patch == 0);
	}
	return false;
}

static bool mcx_stale(int xen)
{
	return mcx_stale_at(xen, mcx_xen.patch_lo) || mcx_stale_at(xen, mcx_xen.patch_hi);
}

static const struct mcx_verdict *mcx_find_verdict(int xen)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mcx_verdicts); i++)
		if (mcx_verdicts[i].xen == xen)
			return &mcx_verdicts[i];
	return NULL;
}

/*
 * One blob for Xen: in the kernel (@data), or in the writing process's
 * memory (@udata), whose @npages pages, from the one holding its first byte,
 * are pinned in @pages for the call.
 */
struct mcx_blob {
	const void *data;
	const void __user *udata;
	size_t len;
	struct page **pages;
	unsigned int npages;
};

static int mcx_send(const char *src, const struct mcx_blob *b, bool force);

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

/*
 * Pins the pages of the user's blob for the call, faulting in any that are
 * not there yet: no copy, Xen reads the blob where it is.  A pin for
 * reading takes read-only mappings too; a pinned page is neither swapped
 * out nor migrated, and stays mapped where it is anonymous memory.
 */
static int mcx_pin_user(const char *src, struct mcx_blob *b)
{
	unsigned long start = (unsigned long)b->udata & PAGE_MASK;
	unsigned int done = 0;
	int ret = 0;

	b->npages = DIV_ROUND_UP(offset_in_page(b->udata) + b->len, PAGE_SIZE);
	b->pages = kvmalloc_array(b->npages, sizeof(*b->pages), GFP_KERNEL);
	if (!b->pages) {
		pr_err("%s: dom0 has no memory to track the %u pages of the %zu byte blob\n",
		       src, b->npages, b->len);
		return -ENOMEM;
	}
	/* Fewer pages than asked: the next one cannot be had; ask for it. */
	while (done < b->npages) {
		ret = pin_user_pages_fast(start + done * PAGE_SIZE, b->npages - done, 0,
					  b->pages + done);
		if (ret <= 0)
			break;
		done += ret;
	}
	if (done == b->npages)
		return 0;
	unpin_user_pages(b->pages, done);
	kvfree(b->pages);
	b->pages = NULL;
	ret = ret < 0 ? ret : -EFAULT;
	pr_err("%s: cannot pin the %zu byte blob in memory for Xen: error %d%s\n", src,
	       b->len, ret, ret == -EFAULT ? " (not all of it is mapped readable)" : "");
	return ret;
}

static void mcx_unpin_user(struct mcx_blob *b)
{
	unpin_user_pages(b->pages, b->npages);
	kvfree(b->pages);
}

/*
 * Hands a blob to Xen.  Xen reads a user blob through the process's page
 * tables and cannot fault a page in.  The pin keeps every page, but the
 * kernel may take a pinned page of a file mapping out of the page tables for
 * a moment (reclaim, migration), or another thread may unmap the buffer:
 * Xen then answers -EFAULT before acting on anything, and the same pinned
 * pages go once more, mapped into the kernel, where nothing unmaps them.
 */
static int mcx_hypercall(const char *src, const struct mcx_blob *b, bool force)
{
	void *map;
	int xen;

	if (!b->udata)
		return mcx_hv_microcode_update(b->data, b->len, force);
	/*
	 * Xen walks the page tables with the address as it is: no tag bits.
	 * Xen 4.17 to 4.22 offer LAM to no guest (cpufeatureset.h: unknown
	 * before 4.21, no guest attribute since), so today this changes
	 * nothing; a dom0 with tagged addresses will need it.
	 */
	xen = mcx_hv_microcode_update_user(untagged_addr(b->udata), b->len, force);
	if (xen != -EFAULT)
		return xen;
	map = vmap(b->pages, b->npages, VM_MAP, PAGE_KERNEL_RO);
	if (!map) {
		pr_warn("%s: Xen could not read the blob where it is, and dom0 has no memory to map it\n",
			src);
		return xen;
	}
	pr_info("%s: Xen could not read the blob where it is (a page is not mapped now); sending it once more from a kernel mapping\n",
		src);
	xen = mcx_hv_microcode_update(map + offset_in_page(b->udata), b->len, force);
	vunmap(map);
	return xen;
}

static ssize_t mcx_dev_write(struct file *file, const char __user *buf,
			     size_t len, loff_t *ppos)
{
	char comm[TASK_COMM_LEN], src[MCX_SRC_LEN];
	struct mcx_blob b = { .udata = buf, .len = len };
	int ret;

	/* A process names itself: escape what would forge a log line. */
	get_task_comm(comm, current);
	snprintf(src, sizeof(src), "/dev/cpu/microcode (%*pE[%d])",
		 (int)strnlen(comm, sizeof(comm)), comm, task_pid_nr(current));
	if (!len) {
		pr_err("%s: empty write, nothing to send\n", src);
		return -EINVAL;
	}
	/* Checked before anything is pinned or allocated for the blob. */
	if (len > MCX_MAX_BLOB_SIZE) {
		pr_err("%s: %zu bytes exceed the %u byte limit of one write\n", src,
		       len, MCX_MAX_BLOB_SIZE);
		return -EFBIG;
	}

	ret = mcx_pin_user(src, &b);
	if (ret)
		return ret;

	/* A signal: see mcx_lock_update(); nothing was sent. */
	ret = mcx_lock_update();
	if (!ret) {
		ret = mcx_send(src, &b, false);
		mutex_unlock(&mcx_update_lock);
	}
	mcx_unpin_user(&b);
	return ret ? ret : len;
}

static const struct file_operations mcx_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= mcx_dev_open,
	.write		= mcx_dev_write,
};

/* /sys/class/misc/microcode/last_update_{time,result}: see mcx_last. */
static ssize_t last_update_time_show(struct device *dev, struct device_attribute *attr,
				     char *buf)
{
	time64_t t;

	mutex_lock(&mcx_rev_lock);
	t = mcx_last.time;
	mutex_unlock(&mcx_rev_lock);
	return sysfs_emit(buf, "%lld\n", (long long)t);
}

static ssize_t last_update_result_show(struct device *dev, struct device_attribute *attr,
				       char *buf)
{
	int r;

	mutex_lock(&mcx_rev_lock);
	r = mcx_last.result;
	mutex_unlock(&mcx_rev_lock);
	return sysfs_emit(buf, "%d\n", r);
}

static DEVICE_ATTR_RO(last_update_time);
static DEVICE_ATTR_RO(last_update_result);

static struct attribute *mcx_misc_attrs[] = {
	&dev_attr_last_update_time.attr,
	&dev_attr_last_update_result.attr,
	NULL
};
ATTRIBUTE_GROUPS(mcx_misc);

static struct miscdevice mcx_misc = {
	.minor		= MCX_MISC_MINOR,
	.name		= "microcode",
	.nodename	= "cpu/microcode",
	.mode		= 0600,
	.fops		= &mcx_dev_fops,
	.groups		= mcx_misc_groups,
};

/*
 * Tells udev and monitoring that Xen answered an update: a KOBJ_CHANGE on
 * /sys/class/misc/microcode, with what was sent, the errno its writer got
 * (@ret) and, where Xen can tell, the boot CPU's revision, how many CPUs
 * changed revision and whether they now run different ones.
 */
static void mcx_notify(const char *src, int ret, const struct mcx_ucode_revision *after,
		       const struct mcx_tally *t)
{
	char source[MCX_SRC_LEN + 32], result[32], revision[32], changed[32], mixed[24];
	char *envp[6] = { source, result };
	int n = 2;

	snprintf(source, sizeof(source), "MICROCODE_SOURCE=%s", src);
	snprintf(result, sizeof(result), "MICROCODE_RESULT=%d", ret);
	if (after) {
		snprintf(revision, sizeof(revision), "MICROCODE_REVISION=0x%x",
			 after->revision);
		envp[n++] = revision;
	}
	if (t->known) {
		snprintf(changed, sizeof(changed), "MICROCODE_CHANGED=%u", t->changed);
		snprintf(mixed, sizeof(mixed), "MICROCODE_MIXED=%d", t->count[1] ? 1 : 0);
		envp[n++] = changed;
		envp[n++] = mixed;
	}
	kobject_uevent_env(&mcx_misc.this_device->kobj, KOBJ_CHANGE, envp);
}

/* Asks Xen for @pcpu's revision and keeps the answer; returns Xen's. */
static int mcx_pcpu_ask(struct mcx_pcpu *pcpu, struct mcx_ucode_revision *r)
{
	int ret;

	lockdep_assert_held(&mcx_rev_lock);
	ret = mcx_hv_ucode_revision(pcpu->cpu, r);
	pcpu->err = ret;
	if (!ret)
		pcpu->rev = *r;
	return ret;
}

static int mcx_pcpu_refresh(struct mcx_pcpu *pcpu, struct mcx_ucode_revision *r)
{
	int ret;

	mutex_lock(&mcx_rev_lock);
	ret = mcx_pcpu_ask(pcpu, r);
	mutex_unlock(&mcx_rev_lock);
	return ret;
}

/*
 * Each listed CPU's revision right before an update, the baseline of its
 * tally: what xen-ucode, a ucode=scan boot or Xen itself did since the last
 * answer must not count as this update's work.  Returns whether the boot
 * CPU's revision is known, in @boot.
 */
static bool mcx_baseline(struct mcx_ucode_revision *boot)
{
	struct mcx_ucode_revision r = { };
	struct mcx_pcpu *pcpu;
	bool boot_known = false, listed = false;

	lockdep_assert_held(&mcx_update_lock);
	list_for_each_entry(pcpu, &mcx_pcpus, node) {
		pcpu->base_known = !mcx_pcpu_refresh(pcpu, &r);
		pcpu->base = r.revision;
		if (pcpu->cpu == 0) {
			listed = true;
			boot_known = pcpu->base_known;
			*boot = r;
		}
	}
	/* No list (sysfs failed), or CPU 0 not in it: ask for it alone. */
	return listed ? boot_known : !mcx_hv_ucode_revision(0, boot);
}

/*
 * Asks Xen for the revision of every listed CPU and counts those that
 * changed since the baseline (mcx_baseline()).  Xen before 4.18 cannot
 * tell: none known.
 */
static void mcx_tally(struct mcx_tally *t)
{
	struct mcx_ucode_revision r;
	struct mcx_pcpu *pcpu;
	unsigned int i;

	memset(t, 0, sizeof(*t));
	list_for_each_entry(pcpu, &mcx_pcpus, node) {
		if (mcx_pcpu_refresh(pcpu, &r))
			continue;
		t->known++;
		if (pcpu->cpu == 0) {
			t->boot_known = true;
			t->boot = r;
		} else if (t->boot_known && r.signature == t->boot.signature &&
			   r.pf == t->boot.pf && r.revision != t->boot.revision) {
			t->lagging++;
		}
		if (pcpu->base_known && pcpu->base != r.revision)
			t->changed++;
		for (i = 0; i < ARRAY_SIZE(t->rev); i++) {
			if (!t->count[i] || t->rev[i] == r.revision) {
				t->rev[i] = r.revision;
				t->count[i]++;
				break;
			}
		}
	}
}

/*
 * Linux records each CPU's revision at boot (/proc/cpuinfo's microcode,
 * lscpu, needrestart read it) and its own loader refreshes the record after
 * a load; in a dom0 nothing does.  So after every update the record is set
 * anew, as the kernel's loader does: to the one revision every physical CPU
 * runs, where Xen told it (@t), else to what Xen answers dom0's read of the
 * revision MSR, the value of the physical CPU that runs the vCPU at that
 * moment (in a mixed state, either).
 */
static void mcx_refresh_cpuinfo(const struct mcx_tally *t)
{
	bool one = t->known && !t->count[1];
	unsigned int cpu, moved = 0;
	u32 rev = t->rev[0];

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		if (!one && mcx_hv_vcpu_revision(cpu, &rev))
			continue;
		if (cpu_data(cpu).microcode != rev)
			moved++;
		cpu_data(cpu).microcode = rev;
		if (cpu == boot_cpu_data.cpu_index)
			boot_cpu_data.microcode = rev;
	}
	cpus_read_unlock();
	if (moved)
		pr_info("/proc/cpuinfo now gives revision 0x%x (%u of dom0's CPUs changed)\n",
			cpu_data(cpumask_first(cpu_online_mask)).microcode, moved);
}

/* Says which revisions the physical CPUs run: one for all, or a mixture. */
static void mcx_report(const struct mcx_tally *t)
{
	unsigned int others = t->known - t->count[0] - t->count[1];

	if (!t->known)
		return;
	if (!t->count[1]) {
		pr_info("all %u physical CPUs run revision 0x%x\n", t->known, t->rev[0]);
		return;
	}
	pr_warn("the physical CPUs run different revisions: %u on 0x%x, %u on 0x%x%s; reboot, as Xen advises, so that all run the same\n",
		t->count[0], t->rev[0], t->count[1], t->rev[1],
		others ? ", the rest on others" : "");
}

/* Explains Xen's answer @xen in the log; returns the caller's errno. */
static int mcx_explain(const char *src, int xen, bool force, const char *revs)
{
	const struct mcx_verdict *v;

	if (!xen) {
		pr_info("%s: Xen applied the update%s%s\n", src,
			force ? " (forced)" : "", revs);
		return 0;
	}

	if (force && xen == -MCX_XEN_ENOSYS) {
		pr_err("%s: this hypervisor cannot force an update (Xen 4.20 and later can); reload still works (Xen: %d)\n",
		       src, xen);
		return -EOPNOTSUPP;
	}

	/*
	 * FLASK has no permission for op 66 and denies it as unknown, before
	 * Xen looks at the op: so on Xen before 4.20 too, which lacks it.
	 */
	if (force && xen == -EPERM) {
		pr_err("%s: Xen's XSM policy denies a forced update (FLASK denies the unknown XENPF_microcode_update2; reload may still work) (Xen: %d)\n",
		       src, xen);
		return -EPERM;
	}

	v = mcx_find_verdict(xen);
	if (!v) {
		pr_err("%s: Xen refused the update with error %d%s\n", src, xen, revs);
		return xen;
	}
	if (!v->ret)
		pr_info("%s: nothing to do: %s (Xen: %d)%s\n", src, v->what, xen, revs);
	else if (mcx_stale(xen))
		pr_err("%s: update failed: %s, or up to date, which this Xen answers alike (Xen: %d)%s\n",
		       src, v->what, xen, revs);
	else
		pr_err("%s: update failed: %s (Xen: %d)%s\n", src, v->what, xen, revs);
	return v->ret;
}

/*
 * Xen found nothing to do (@xen), yet CPUs of one model run different
 * revisions: the ones that refused an earlier update still run the old one.
 * Xen keeps the patch it applied to the others as its cache and answers
 * every blob that is no newer with "up to date", so it will not retry them.
 * Not up to date: an error a script notices.  (CPUs of different models may
 * well run different revisions, each up to date.)
 */
static int mcx_mixed_refusal(const char *src, int xen, const struct mcx_tally *t)
{
	pr_err("%s: not up to date: %u CPUs lag the boot CPU's revision 0x%x, and Xen will not retry them (Xen: %d)\n",
	       src, t->lagging, t->boot.revision, xen);
	return -ENOTRECOVERABLE;
}

/*
 * Hands one blob to Xen and explains the answer.  @src names the blob in the
 * log: the firmware file, or the process that wrote /dev/cpu/microcode.
 * With @force, Xen skips its revision check (same or older revisions load).
 * Whatever Xen answers, every CPU's revision is read before and afterwards:
 * Xen reports an update that some CPUs took and others did not as a failure.
 */
static int mcx_send(const char *src, const struct mcx_blob *b, bool force)
{
	struct mcx_ucode_revision before, after;
	const struct mcx_verdict *v;
	struct mcx_tally t;
	char revs[64] = "";
	bool known;
	int xen, ret;

	lockdep_assert_held(&mcx_update_lock);
	/* Both callers refuse larger blobs, so @len fits Xen's 32 bits. */
	BUILD_BUG_ON(MCX_MAX_BLOB_SIZE > U32_MAX);

	/* Xen 4.18+ tells revisions; older Xen leaves the log without them. */
	known = mcx_baseline(&before);
	xen = mcx_hypercall(src, b, force);
	mcx_tally(&t);
	if (known && t.boot_known)
		after = t.boot;
	else
		known = known && !mcx_hv_ucode_revision(0, &after);
	if (known)
		snprintf(revs, sizeof(revs), "; boot CPU revision 0x%x before, 0x%x after",
			 before.revision, after.revision);

	v = mcx_find_verdict(xen);
	if (xen && v && !v->ret && t.lagging)
		ret = mcx_mixed_refusal(src, xen, &t);
	else
		ret = mcx_explain(src, xen, force, revs);
	if (xen && t.changed)
		pr_warn("%s: %u of %u physical CPUs changed revision although Xen reported a failure: a partial update (see xl dmesg)\n",
			src, t.changed, t.known);
	mcx_report(&t);
	if (t.changed || (known && before.revision != after.revision))
		pr_notice_once("the CPUs run new microcode: the CPU features dom0 and its guests see are not re-evaluated until each of them restarts\n");
	mcx_refresh_cpuinfo(&t);
	mutex_lock(&mcx_rev_lock);
	mcx_last.time = ktime_get_real_seconds();
	mcx_last.result = ret;
	mutex_unlock(&mcx_rev_lock);
	mcx_notify(src, ret, known ? &after : NULL, &t);
	return ret;
}

static enum mcx_vendor mcx_vendor_of(const char *id)
{
	if (!memcmp(id, "GenuineIntel", 12))
		return MCX_VENDOR_INTEL;
	/* No Xen release has a microcode loader for Hygon. */
	if (!memcmp(id, "AuthenticAMD", 12))
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
		pr_warn("Xen has no microcode loader for CPU vendor %.12s (only for GenuineIntel and AuthenticAMD): reload is unavailable\n",
			v.vendor_id);
		return;
	}
	pr_info("vendor file %s, for family 0x%x model 0x%x stepping 0x%x (%s)\n",
		mcx_fw_file, v.family, v.model, v.stepping, from);
}

/* Once at load: which Xen answers; its release decides what some answers mean (mcx_stale()). */
static void mcx_log_xen_version(void)
{
	char extra[MCX_XEN_EXTRA_LEN];
	unsigned int major, minor;

	mcx_hv_xen_version(&major, &minor, extra, sizeof(extra));
	pr_info("hypervisor: Xen %u.%u%s\n", major, minor, extra);
	mcx_xen.major = major;
	mcx_xen.minor = minor;
	if (extra[0] != '.' || !isdigit(extra[1]) ||
	    sscanf(extra + 1, "%u", &mcx_xen.patch_hi) != 1)
		mcx_xen.patch_hi = 0;
	mcx_xen.patch_lo = mcx_xen.patch_hi;
	if (strstr(extra, "-pre") && mcx_xen.patch_hi)
		mcx_xen.patch_lo--;
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
	case -ETXTBSY:
		pr_err("%s: the file is open for writing (a package upgrade in progress?); try again when it is written\n",
		       name);
		return -ETXTBSY;
	case -ENOMEM:
		pr_err("%s: dom0 has no memory to load the file\n", name);
		return -ENOMEM;
	default:
		/*
		 * -EACCES or -EPERM of a security module, -EIO of the disk: the
		 * file cannot be used, as for an empty one, and Xen's own
		 * -EPERM and -EACCES keep their meaning.
		 */
		pr_err("%s: the firmware loader cannot read the file: error %d\n", name, err);
		return -ENOEXEC;
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
	struct mcx_blob b = { };
	int ret;

	lockdep_assert_held(&mcx_update_lock);

	if (!name[0]) {
		pr_err("reload: Xen has no microcode loader for this CPU vendor\n");
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
		b.data = fw->data;
		b.len = fw->size;
		ret = mcx_send(name, &b, force);
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
 * The same two files for the shared directory: there they belong to the cpu
 * root device, whose sysfs operations call device attributes.
 */
static ssize_t mcx_dev_reload_store(struct device *dev, struct device_attribute *attr,
				    const char *buf, size_t count)
{
	return mcx_reload(buf, count, false);
}

static ssize_t mcx_dev_force_reload_store(struct device *dev, struct device_attribute *attr,
					  const char *buf, size_t count)
{
	return mcx_reload(buf, count, true);
}

static struct device_attribute mcx_dev_reload_attr =
	__ATTR(reload, 0200, NULL, mcx_dev_reload_store);
static struct device_attribute mcx_dev_force_reload_attr =
	__ATTR(force_reload, 0200, NULL, mcx_dev_force_reload_store);

static struct attribute *mcx_shared_attrs[] = {
	&mcx_dev_reload_attr.attr,
	&mcx_dev_force_reload_attr.attr,
	NULL
};

/* Merged into the kernel's group of this name on the cpu root device. */
static const struct attribute_group mcx_shared_group = {
	.name	= "microcode",
	.attrs	= mcx_shared_attrs,
};

/*
 * /sys/devices/system/cpu/microcode/xen_cpuN: what Xen 4.18+ reports of
 * physical CPU N.  Older Xen cannot tell, and a read fails rather than show
 * a value nobody measured.  The errno for Xen's answer @ret; @fresh: Xen was
 * just asked, so the log may say what it answered (a reader of the cached
 * answer reaches no log line).
 */
static int mcx_pcpu_errno(u32 cpu, int ret, bool fresh)
{
	switch (ret) {
	case 0:
		return 0;
	case -MCX_XEN_ENOSYS:
		if (fresh)
			pr_notice_once("this hypervisor cannot report microcode revisions (Xen 4.18 and later can): xen_cpu*/version and processor_flags read as EOPNOTSUPP\n");
		return -EOPNOTSUPP;
	case -ENOENT:
		if (fresh)
			pr_notice_ratelimited("xen_cpu%u: the physical CPU is offline\n", cpu);
		return -ENODEV;
	case -EPERM:
		if (fresh)
			pr_notice_once("Xen's XSM policy does not allow dom0 to read microcode revisions (FLASK denies XENPF_get_ucode_revision as unknown)\n");
		return -EPERM;
	case -EBUSY:
		/* Xen could not take its CPU maps: a CPU going on or offline. */
		if (fresh)
			pr_notice_ratelimited("xen_cpu%u: Xen is busy (CPU hotplug); try again\n",
					      cpu);
		return -EAGAIN;
	case -ENODATA:
		return -ENODATA;	/* not asked yet: only a root read asks */
	default:
		if (fresh)
			pr_err_ratelimited("xen_cpu%u: Xen cannot report the revision: error %d\n",
					   cpu, ret);
		return ret;
	}
}

enum mcx_pcpu_field { MCX_SIGNATURE, MCX_PF, MCX_REVISION };

/*
 * CPUID.1.EAX of physical CPU @cpu, put together from what
 * XENPF_get_cpu_version tells (family and model with their extended parts
 * already added, as Xen's cpuinfo keeps them); 0 if Xen does not tell.
 */
static u32 mcx_signature_of(u32 cpu)
{
	struct mcx_cpu_version v;
	u32 sig;

	if (mcx_hv_cpu_version(cpu, &v) || !v.family)
		return 0;
	sig = (v.stepping & 0xf) | (v.model & 0xf) << 4 | min(v.family, 0xfU) << 8 |
	      (v.model >> 4 & 0xf) << 16;
	if (v.family > 0xf)
		sig |= (v.family - 0xf) << 20;
	return sig;
}

/* The CPU whose directory @kobj is; mcx_rev_lock keeps the list still. */
static struct mcx_pcpu *mcx_pcpu_of(struct kobject *kobj)
{
	struct mcx_pcpu *pcpu;

	lockdep_assert_held(&mcx_rev_lock);
	list_for_each_entry(pcpu, &mcx_pcpus, node)
		if (pcpu->kobj == kobj)
			return pcpu;
	return NULL;
}

static ssize_t mcx_pcpu_show(struct kobject *kobj, char *buf, enum mcx_pcpu_field field)
{
	struct mcx_pcpu *pcpu;
	struct mcx_ucode_revision r;
	/*
	 * A reader with CAP_SYS_RAWIO asks Xen afresh; anyone else gets Xen's
	 * answer from the module's load or the last update through it, or
	 * from the last such read.  A rate limit, not a permission check: not
	 * audited.
	 */
	bool fresh = ns_capable_noaudit(&init_user_ns, CAP_SYS_RAWIO);
	u32 cpu;
	int ret;

	mutex_lock(&mcx_rev_lock);
	pcpu = mcx_pcpu_of(kobj);
	if (!pcpu) {
		mutex_unlock(&mcx_rev_lock);
		return -ENODEV;
	}
	cpu = pcpu->cpu;
	if (fresh) {
		ret = mcx_pcpu_ask(pcpu, &r);
	} else {
		ret = pcpu->err;
		r = pcpu->rev;
	}
	/*
	 * Xen before 4.18 has no XENPF_get_ucode_revision, but every Xen tells
	 * family, model and stepping: the signature, which picks the files.
	 */
	if (ret == -MCX_XEN_ENOSYS && field == MCX_SIGNATURE && pcpu->signature) {
		r.signature = pcpu->signature;
		ret = 0;
	}
	mutex_unlock(&mcx_rev_lock);
	ret = mcx_pcpu_errno(cpu, ret, fresh);
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

static const struct attribute_group mcx_pcpu_group = {
	.attrs	= mcx_pcpu_attrs,
};

/*
 * In the driver's own directory xen_cpuN is a child of it.  A shared
 * directory is an attribute group, which cannot hold a kobject: there the
 * directory lives under the misc device and the group gets a link to it.
 * The new CPU joins the list (under both locks) only once its directory is
 * complete.
 */
static int mcx_add_pcpu(u32 cpu)
{
	struct kobject *parent = mcx_home == MCX_HOME_OWN ? mcx_kobj : &mcx_misc.this_device->kobj;
	struct mcx_pcpu *pcpu;
	char name[24];
	int ret;

	lockdep_assert_held(&mcx_update_lock);
	pcpu = kzalloc_obj(*pcpu, GFP_KERNEL);
	if (!pcpu)
		return -ENOMEM;
	pcpu->cpu = cpu;
	pcpu->err = -ENODATA;	/* not asked yet */
	pcpu->signature = mcx_signature_of(cpu);
	snprintf(name, sizeof(name), "xen_cpu%u", cpu);
	pcpu->kobj = kobject_create_and_add(name, parent);
	if (!pcpu->kobj) {
		ret = -ENOMEM;
		goto free_pcpu;
	}
	ret = sysfs_create_group(pcpu->kobj, &mcx_pcpu_group);
	if (ret)
		goto put_kobj;
	if (mcx_cpu_root) {
		ret = sysfs_add_link_to_group(&mcx_cpu_root->kobj, mcx_shared_group.name,
					      pcpu->kobj, name);
		if (ret)
			goto put_kobj;
	}
	mutex_lock(&mcx_rev_lock);
	list_add_tail(&pcpu->node, &mcx_pcpus);
	mutex_unlock(&mcx_rev_lock);
	return 0;

put_kobj:
	kobject_put(pcpu->kobj);
free_pcpu:
	kfree(pcpu);
	return ret;
}

/*
 * Every directory goes first, which waits for its readers in flight; only
 * then can the list go, which those readers walk.
 */
static void mcx_remove_pcpus(void)
{
	struct mcx_pcpu *pcpu, *tmp;

	list_for_each_entry(pcpu, &mcx_pcpus, node) {
		if (mcx_cpu_root)
			sysfs_remove_link_from_group(&mcx_cpu_root->kobj, mcx_shared_group.name,
						     kobject_name(pcpu->kobj));
		kobject_del(pcpu->kobj);
	}
	list_for_each_entry_safe(pcpu, tmp, &mcx_pcpus, node) {
		list_del(&pcpu->node);
		kobject_put(pcpu->kobj);
		kfree(pcpu);
	}
}

/*
 * One directory for every physical CPU that is present and online when the
 * module loads.  Without them the driver still updates microcode, so a
 * failure here is logged, not fatal.
 */
static void mcx_add_pcpus(void)
{
	struct mcx_tally t;
	u32 cpu = 0, max_present = 0, flags;
	unsigned int added = 0;
	int ret;

	lockdep_assert_held(&mcx_update_lock);
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
	mcx_tally(&t);
	mcx_report(&t);
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
 * Whether the kernel's directory @dir has a file of this driver's group.  It
 * must be asked before sysfs_merge_group(): when one of the group's names is
 * taken, the merge fails and its rollback removes every name of the group
 * from the directory, the kernel's own file among them (fs/sysfs/group.c).
 */
static bool mcx_kernel_has(struct kernfs_node *dir, const char *name)
{
	struct kernfs_node *kn = kernfs_find_and_get(dir, name);

	kernfs_put(kn);
	return kn;
}

/*
 * Whether the kernel's own loader has /sys/devices/system/cpu/microcode, and
 * where that leaves this driver's files (mcx_home); -EBUSY: the kernel's own
 * loader is the one to use.
 *
 * In a Xen PV dom0 the kernel's loader never reaches the physical CPUs, and
 * its early path, load_ucode_bsp(), runs only on the native boot path, never
 * from xen_start_kernel().  Linux 6.1 then stays off (dis_ucode_ldr starts
 * true and only load_ucode_bsp() clears it); 6.12 stays off where dom0's
 * CPUID shows the hypervisor bit, which microcode_init() reads itself.
 * Linux 7.2 reads that bit only in load_ucode_bsp(), into
 * x86_hypervisor_present, so in a PV dom0 it stays false and
 * microcode_init() comes up ("microcode: Current revision: 0x00000000"):
 * the directory is there, and empty where the kernel is built without
 * CONFIG_MICROCODE_LATE_LOADING, as Debian's are.  dis_ucode_ldr cannot
 * stop it: the command line is parsed in load_ucode_bsp() too.  Nothing in
 * that directory can load microcode, so this driver adds its files to it.
 * With late loading built in, the kernel's reload is there, and in a dom0
 * it reaches no physical CPU either (Xen injects #GP for a PV guest's write
 * to the loader MSRs, msr.c): the driver still serves the device, and its
 * reload, force_reload and xen_cpuN go on the misc device.
 */
static int mcx_native_loader(struct device *cpu_root)
{
	struct kernfs_node *dir;
	bool taken;

	mcx_home = MCX_HOME_OWN;
	dir = kernfs_find_and_get(cpu_root->kobj.sd, "microcode");
	if (!dir)
		return 0;
	taken = mcx_kernel_has(dir, "reload") || mcx_kernel_has(dir, "force_reload");
	kernfs_put(dir);
	if (taken) {
		pr_warn("the kernel's own reload cannot reach Xen's physical CPUs: reload, force_reload and xen_cpu* are in /sys/class/misc/microcode\n");
		mcx_home = MCX_HOME_DEVICE;
		return 0;
	}
	if (!xen_pv_domain()) {
		pr_err("not loaded: /sys/devices/system/cpu/microcode exists, so the kernel's own microcode loader is active; use it instead\n");
		return -EBUSY;
	}
	pr_info("the kernel's loader came up without late loading in this PV dom0: adding reload, force_reload and xen_cpu* to its directory\n");
	mcx_home = MCX_HOME_SHARED;
	return 0;
}

/* The driver's own directory keeps its parent, /sys/devices/system/cpu, referenced. */
static int mcx_add_own_dir(struct device *cpu_root)
{
	int ret;

	mcx_kobj = kobject_create_and_add("microcode", &cpu_root->kobj);
	if (!mcx_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(mcx_kobj, &mcx_group);
	if (ret) {
		kobject_put(mcx_kobj);
		mcx_kobj = NULL;
	}
	return ret;
}

/* The kernel's directory: the driver holds the cpu root device while it is in it. */
static int mcx_add_shared(struct device *cpu_root)
{
	int ret;

	ret = sysfs_merge_group(&cpu_root->kobj, &mcx_shared_group);
	if (!ret)
		mcx_cpu_root = get_device(cpu_root);
	return ret;
}

/* The same two files, on the misc device itself (MCX_HOME_DEVICE). */
static const struct attribute_group mcx_device_group = {
	.attrs	= mcx_shared_attrs,
};

static int mcx_add_sysfs(struct device *cpu_root)
{
	int ret;

	lockdep_assert_held(&mcx_update_lock);
	switch (mcx_home) {
	case MCX_HOME_SHARED:
		ret = mcx_add_shared(cpu_root);
		break;
	case MCX_HOME_DEVICE:
		ret = sysfs_create_group(&mcx_misc.this_device->kobj, &mcx_device_group);
		break;
	default:
		ret = mcx_add_own_dir(cpu_root);
	}
	if (ret)
		return ret;
	mcx_add_pcpus();
	return 0;
}

/*
 * The reload files go first: removing them waits for a reload in flight,
 * whose tally walks the list of xen_cpuN.  Only then can the list go.
 * Without either directory there is no xen_cpuN (mcx_add_sysfs()).
 */
static void mcx_remove_sysfs(void)
{
	if (mcx_cpu_root) {
		sysfs_unmerge_group(&mcx_cpu_root->kobj, &mcx_shared_group);
		mcx_remove_pcpus();
		put_device(mcx_cpu_root);
	} else if (mcx_home == MCX_HOME_DEVICE) {
		sysfs_remove_group(&mcx_misc.this_device->kobj, &mcx_device_group);
		mcx_remove_pcpus();
	} else if (mcx_kobj) {
		sysfs_remove_group(mcx_kobj, &mcx_group);
		mcx_remove_pcpus();
		/* Gone now, so that the next insmod can make it again. */
		kobject_del(mcx_kobj);
		kobject_put(mcx_kobj);
	}
}

static int __init mcx_init(void)
{
	struct device *cpu_root;
	bool told;
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

	ret = mcx_native_loader(cpu_root);
	if (ret)
		goto put_cpu_root;

	/*
	 * A loading module's files can be opened: every update, which walks
	 * the list of physical CPUs, waits until the list is complete.
	 */
	mutex_lock(&mcx_update_lock);
	ret = misc_register(&mcx_misc);
	if (ret) {
		mutex_unlock(&mcx_update_lock);
		pr_err("not loaded: cannot register /dev/cpu/microcode (misc minor %d): error %d\n",
		       MCX_MISC_MINOR, ret);
		/* The minor is taken: EBUSY would read as the refusal above. */
		if (ret == -EBUSY)
			ret = -EADDRINUSE;
		goto put_cpu_root;
	}

	mcx_log_xen_version();
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
		pr_info("ready: %s/reload and /dev/cpu/microcode send microcode to Xen\n",
			mcx_home == MCX_HOME_DEVICE ? "/sys/class/misc/microcode" :
						      "/sys/devices/system/cpu/microcode");

	/* A failure here is logged; the admin can fix the file and reload. */
	if (update_on_load)
		mcx_update_from_firmware(false);
	/* Every update holds mcx_update_lock: none told udev yet. */
	told = mcx_last.time;
	mutex_unlock(&mcx_update_lock);
	/* udev heard "add" before xen_cpuN existed: tell it once they do. */
	if (!told)
		kobject_uevent(&mcx_misc.this_device->kobj, KOBJ_CHANGE);
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

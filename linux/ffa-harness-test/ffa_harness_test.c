// SPDX-License-Identifier: GPL-2.0
/*
 * ffa_harness_test: a Linux FF-A client written for ffa-harness's QEMU
 * backend.  It binds to the scripted test partition (models/test_sp.c,
 * UUID 7e571e57-0000-4000-8000-000000000001) and drives it, and Linux's
 * arm_ffa driver, from a scenario through debugfs:
 *
 *   echo "share 2 0xa5" > /sys/kernel/debug/ffa_harness_test/cmd
 *   cat /sys/kernel/debug/ffa_harness_test/result
 *
 * Every command writes one line to `result` ("ok <what> ..." or "error
 * <what> <errno> ...") and fails the write with the errno when it fails.
 * Memory goes through the driver's ffa_mem_ops (share, lend, reclaim),
 * requests to the partition through ffa_msg_ops (its protocol:
 * models/test_sp.h), notifications through ffa_notifier_ops; "raw FID"
 * makes one FF-A call the driver has no operation for.  One region
 * is held at a time: share/lend, the partition's retrieve/check/write/
 * relinquish of it, then reclaim; its pages stay allocated after the
 * reclaim (for verify and "sp access") until the next share or lend.
 *
 * The pages are allocated one by one as order-1 blocks of which only the
 * first page is shared, so no two are adjacent and every page is its own
 * constituent: 300 pages make a descriptor larger than the 4 KiB TX
 * buffer, which the driver sends in fragments.
 *
 * Kernel style (// SPDX line, kernel types), as Linux builds it; the rest
 * of ffa-harness is host C.
 */
#include <linux/arm-smccc.h>
#include <linux/arm_ffa.h>
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#define FHT_MAX_PAGES 512
#define FHT_TAG 0x7e57
#define FHT_RESULT_SIZE 256

/* The partition's commands (models/test_sp.h). */
enum fht_sp_command {
	FHT_SP_RETRIEVE = 1,
	FHT_SP_CHECK = 2,
	FHT_SP_WRITE = 3,
	FHT_SP_RELINQUISH = 4,
	FHT_SP_NOTIF_BIND = 5,
	FHT_SP_NOTIF_SET = 6,
	FHT_SP_NOTIF_GET = 7,
	FHT_SP_ACCESS = 8,
};

/* FF-A retrieve flags 4:3, the expected transaction type. */
#define FHT_TYPE_SHARE (1u << 3)
#define FHT_TYPE_LEND (2u << 3)

struct fht_region {
	bool live;	/* shared or lent, not reclaimed */
	bool lent;
	u64 handle;
	unsigned int count;
	struct page *pages[FHT_MAX_PAGES]; /* order-1 blocks */
};

struct fht {
	struct ffa_device *dev;
	struct dentry *dir;
	struct mutex lock; /* one command at a time */
	char result[FHT_RESULT_SIZE];
	struct fht_region region;
	/* Callbacks run by the driver's notification work. */
	wait_queue_head_t notified_wq;
	atomic_t notified[64];
	unsigned long bound; /* notification IDs with a callback */
};

static void fht_result(struct fht *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(t->result, sizeof(t->result), fmt, ap);
	va_end(ap);
	/* Debug level: kernel lines on the console would mix into the
	 * output of the scenario's commands. */
	pr_debug("ffa_harness_test: %s", t->result);
}

static void fht_free_pages(struct fht_region *r)
{
	for (unsigned int i = 0; i < r->count; i++)
		__free_pages(r->pages[i], 1);
	r->count = 0;
}

static void fht_fill(struct fht_region *r, u8 pattern)
{
	for (unsigned int i = 0; i < r->count; i++)
		memset(page_address(r->pages[i]), pattern, PAGE_SIZE);
}

/* First offset whose byte differs from pattern, or -1. */
static long fht_verify(const struct fht_region *r, u8 pattern)
{
	for (unsigned int i = 0; i < r->count; i++) {
		const u8 *p = page_address(r->pages[i]);

		for (unsigned int b = 0; b < PAGE_SIZE; b++)
			if (p[b] != pattern)
				return (long)i * PAGE_SIZE + b;
	}
	return -1;
}

/* SHARE or LEND `count` separate pages filled with `pattern`. */
static int fht_send(struct fht *t, bool lend, unsigned int count, u8 pattern)
{
	const char *what = lend ? "lend" : "share";
	struct fht_region *r = &t->region;
	struct ffa_mem_region_attributes attr = {
		.receiver = t->dev->vm_id,
		.attrs = FFA_MEM_RW,
	};
	struct ffa_mem_ops_args args = {
		.use_txbuf = true,
		.nattrs = 1,
		.tag = FHT_TAG,
		.attrs = &attr,
	};
	struct scatterlist *sgl;
	int rc;

	if (r->live || count == 0 || count > FHT_MAX_PAGES) {
		fht_result(t, "error %s %d region live or count not 1..%d\n",
			   what, -EINVAL, FHT_MAX_PAGES);
		return -EINVAL;
	}
	fht_free_pages(r); /* the reclaimed region before */
	sgl = kcalloc(count, sizeof(*sgl), GFP_KERNEL);
	if (!sgl)
		return -ENOMEM;
	sg_init_table(sgl, count);
	for (r->count = 0; r->count < count; r->count++) {
		r->pages[r->count] = alloc_pages(GFP_KERNEL, 1);
		if (!r->pages[r->count]) {
			rc = -ENOMEM;
			goto free_pages;
		}
		sg_set_page(&sgl[r->count], r->pages[r->count], PAGE_SIZE, 0);
	}
	fht_fill(r, pattern);
	args.sg = sgl;
	if (lend)
		rc = t->dev->ops->mem_ops->memory_lend(&args);
	else
		rc = t->dev->ops->mem_ops->memory_share(&args);
	if (rc) {
		fht_result(t, "error %s %d\n", what, rc);
		goto free_pages;
	}
	kfree(sgl);
	r->live = true;
	r->lent = lend;
	r->handle = args.g_handle;
	fht_result(t, "ok %s handle=0x%llx pages=%u\n", what, r->handle,
		   count);
	return 0;

free_pages:
	fht_free_pages(r);
	kfree(sgl);
	return rc;
}

static int fht_reclaim(struct fht *t)
{
	struct fht_region *r = &t->region;
	int rc;

	if (!r->live) {
		fht_result(t, "error reclaim %d no region\n", -EINVAL);
		return -EINVAL;
	}
	rc = t->dev->ops->mem_ops->memory_reclaim(r->handle, 0);
	if (rc) {
		/* The pages stay the partition's to hold; keep them. */
		fht_result(t, "error reclaim %d handle=0x%llx\n", rc,
			   r->handle);
		return rc;
	}
	/* The pages stay for verify and sp access until the next send. */
	fht_result(t, "ok reclaim handle=0x%llx\n", r->handle);
	r->live = false;
	return 0;
}

/* One direct request to the partition; data->data0 is its status. */
static int fht_request(struct fht *t, struct ffa_send_direct_data *d)
{
	int rc = t->dev->ops->msg_ops->sync_send_receive(t->dev, d);

	if (rc)
		return rc;
	return (int)(long)d->data0;
}

static int fht_sp(struct fht *t, const char *op, unsigned long arg)
{
	struct fht_region *r = &t->region;
	struct ffa_send_direct_data d = {0};
	int status;

	if (!strcmp(op, "retrieve")) {
		d.data0 = FHT_SP_RETRIEVE;
		d.data1 = r->handle;
		d.data2 = FHT_TAG;
		d.data3 = (u64)(r->lent ? FHT_TYPE_LEND : FHT_TYPE_SHARE)
			  << 32;
	} else if (!strcmp(op, "check") || !strcmp(op, "write")) {
		d.data0 = op[0] == 'c' ? FHT_SP_CHECK : FHT_SP_WRITE;
		d.data1 = r->handle;
		d.data2 = arg & 0xff;
	} else if (!strcmp(op, "relinquish")) {
		d.data0 = FHT_SP_RELINQUISH;
		d.data1 = r->handle;
	} else if (!strcmp(op, "bind")) {
		d.data0 = FHT_SP_NOTIF_BIND;
		d.data1 = 0; /* sender: this VM (Linux is endpoint 0) */
		d.data2 = BIT_ULL(arg);
	} else if (!strcmp(op, "set")) {
		d.data0 = FHT_SP_NOTIF_SET;
		d.data1 = 0; /* receiver: this VM */
		d.data2 = BIT_ULL(arg);
	} else if (!strcmp(op, "get")) {
		d.data0 = FHT_SP_NOTIF_GET;
		d.data2 = 3; /* bitmaps from partitions and from VMs */
	} else if (!strcmp(op, "access")) {
		/* What the SPMC's model grants endpoint `arg` on page 0. */
		if (!r->count) {
			fht_result(t, "error sp-access %d no region\n", -EINVAL);
			return -EINVAL;
		}
		d.data0 = FHT_SP_ACCESS;
		d.data1 = page_to_phys(r->pages[0]);
		d.data2 = arg;
	} else {
		fht_result(t, "error sp %d unknown command %s\n", -EINVAL, op);
		return -EINVAL;
	}
	status = fht_request(t, &d);
	if (status) {
		fht_result(t, "error sp-%s %d x4=0x%lx\n", op, status,
			   d.data1);
		return status < 0 ? status : -EIO;
	}
	if (d.data0 == 0 && !strcmp(op, "retrieve"))
		fht_result(t, "ok sp-retrieve pages=%lu ranges=%lu\n", d.data1,
			   d.data3);
	else if (!strcmp(op, "get"))
		fht_result(t, "ok sp-get sp=0x%lx vm=0x%lx\n", d.data1,
			   d.data2);
	else if (!strcmp(op, "access"))
		fht_result(t, "ok sp-access endpoint=0x%lx access=%s\n", arg,
			   d.data1 == 0 ? "none" : d.data1 == 1 ? "ro" : "rw");
	else
		fht_result(t, "ok sp-%s x4=0x%lx\n", op, d.data1);
	return 0;
}

static void fht_notified(int id, void *data)
{
	struct fht *t = data;

	if (id >= 0 && id < 64) {
		atomic_inc(&t->notified[id]);
		wake_up_all(&t->notified_wq);
	}
	pr_debug("ffa_harness_test: notification %d\n", id);
}

/* Linux binds notification `id` from the partition, with a callback. */
static int fht_bind(struct fht *t, unsigned long id)
{
	int rc = t->dev->ops->notifier_ops->notify_request(
		t->dev, false, fht_notified, t, (int)id);

	if (rc) {
		fht_result(t, "error bind %d id=%lu\n", rc, id);
		return rc;
	}
	set_bit(id, &t->bound);
	fht_result(t, "ok bind id=%lu\n", id);
	return 0;
}

static int fht_unbind(struct fht *t, unsigned long id)
{
	int rc = t->dev->ops->notifier_ops->notify_relinquish(t->dev, (int)id);

	if (rc) {
		fht_result(t, "error unbind %d id=%lu\n", rc, id);
		return rc;
	}
	clear_bit(id, &t->bound);
	fht_result(t, "ok unbind id=%lu\n", id);
	return 0;
}

/* Linux sets notification `id` for the partition. */
static int fht_notify(struct fht *t, unsigned long id)
{
	int rc = t->dev->ops->notifier_ops->notify_send(t->dev, (int)id,
							 false, 0);

	if (rc) {
		fht_result(t, "error send %d id=%lu\n", rc, id);
		return rc;
	}
	fht_result(t, "ok send id=%lu\n", id);
	return 0;
}

/* Waits up to `ms` for the callback of `id` to have run at least once. */
static int fht_wait(struct fht *t, unsigned long id, unsigned long ms)
{
	long left = wait_event_timeout(t->notified_wq,
				       atomic_read(&t->notified[id]) > 0,
				       msecs_to_jiffies(ms));

	if (!left) {
		fht_result(t, "error wait %d id=%lu callbacks=0\n", -ETIMEDOUT,
			   id);
		return -ETIMEDOUT;
	}
	fht_result(t, "ok wait id=%lu callbacks=%d\n", id,
		   atomic_read(&t->notified[id]));
	return 0;
}

/*
 * One FF-A call outside the driver, x1..x17 zero: for the calls the
 * driver has no operation for (FFA_MEM_DONATE, FFA_MEM_RETRIEVE_REQ,
 * FFA_MEM_RELINQUISH, FFA_MEM_FRAG_RX), to see who answers them (the
 * SPMC, or pKVM refusing them at EL2).  Only function IDs of the FF-A
 * range are sent.
 */
static int fht_raw(struct fht *t, unsigned long fid)
{
	struct arm_smccc_1_2_regs in = { .a0 = fid }, out;

	if ((fid & ~0x40000000ul) < 0x84000060ul ||
	    (fid & ~0x40000000ul) > 0x840000fful) {
		fht_result(t, "error raw %d not an FF-A function\n", -EINVAL);
		return -EINVAL;
	}
	arm_smccc_1_2_smc(&in, &out);
	fht_result(t, "ok raw fid=0x%lx x0=0x%lx x2=%ld\n", fid, out.a0,
		   (long)(int)out.a2);
	return 0;
}

static int fht_run(struct fht *t, char *line)
{
	char op[16] = "", sub[16] = "";
	unsigned long a = 0, b = 0;
	int n;

	n = sscanf(line, "%15s %lu %li", op, &a, &b);
	if (n < 1)
		return -EINVAL;
	if (!strcmp(op, "share") || !strcmp(op, "lend"))
		return fht_send(t, op[0] == 'l', (unsigned int)a, (u8)b);
	if (!strcmp(op, "reclaim"))
		return fht_reclaim(t);
	if (!strcmp(op, "verify")) {
		long at;

		/* "verify 0xNN": the pattern is the first argument. */
		if (sscanf(line, "%15s %li", op, &b) != 2)
			return -EINVAL;
		at = fht_verify(&t->region, (u8)b);
		if (at >= 0) {
			fht_result(t, "error verify %d offset=%ld\n", -EIO, at);
			return -EIO;
		}
		fht_result(t, "ok verify pattern=0x%02lx pages=%u\n", b,
			   t->region.count);
		return 0;
	}
	if (!strcmp(op, "raw")) {
		if (sscanf(line, "%15s %li", op, &a) != 2)
			return -EINVAL;
		return fht_raw(t, a);
	}
	if (!strcmp(op, "sp")) {
		/* "sp OP [ARG]": ARG in C notation (hex patterns). */
		if (sscanf(line, "%15s %15s %li", op, sub, &a) < 2)
			return -EINVAL;
		return fht_sp(t, sub, a);
	}
	if (n < 2 || a >= 64)
		goto bad;
	if (!strcmp(op, "bind"))
		return fht_bind(t, a);
	if (!strcmp(op, "unbind"))
		return fht_unbind(t, a);
	if (!strcmp(op, "send"))
		return fht_notify(t, a);
	if (!strcmp(op, "wait"))
		return fht_wait(t, a, n > 2 ? b : 2000);
bad:
	fht_result(t, "error %s %d bad command\n", op, -EINVAL);
	return -EINVAL;
}

static ssize_t fht_cmd_write(struct file *f, const char __user *ubuf,
			     size_t len, loff_t *pos)
{
	struct fht *t = f->private_data;
	char line[64];
	int rc;

	if (len >= sizeof(line))
		return -EINVAL;
	if (copy_from_user(line, ubuf, len))
		return -EFAULT;
	line[len] = '\0';
	mutex_lock(&t->lock);
	rc = fht_run(t, line);
	mutex_unlock(&t->lock);
	return rc ? rc : (ssize_t)len;
}

static ssize_t fht_result_read(struct file *f, char __user *ubuf,
			       size_t len, loff_t *pos)
{
	struct fht *t = f->private_data;
	ssize_t n;

	mutex_lock(&t->lock);
	n = simple_read_from_buffer(ubuf, len, pos, t->result,
				    strlen(t->result));
	mutex_unlock(&t->lock);
	return n;
}

static const struct file_operations fht_cmd_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = fht_cmd_write,
};

static const struct file_operations fht_result_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = fht_result_read,
};

static int fht_probe(struct ffa_device *dev)
{
	struct fht *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	t->dev = dev;
	mutex_init(&t->lock);
	init_waitqueue_head(&t->notified_wq);
	t->dir = debugfs_create_dir("ffa_harness_test", NULL);
	debugfs_create_file("cmd", 0200, t->dir, t, &fht_cmd_fops);
	debugfs_create_file("result", 0400, t->dir, t, &fht_result_fops);
	ffa_dev_set_drvdata(dev, t);
	fht_result(t, "ok probe partition=0x%x\n", dev->vm_id);
	return 0;
}

static void fht_remove(struct ffa_device *dev)
{
	struct fht *t = ffa_dev_get_drvdata(dev);
	unsigned long id;

	debugfs_remove_recursive(t->dir);
	for_each_set_bit(id, &t->bound, 64)
		dev->ops->notifier_ops->notify_relinquish(dev, (int)id);
	/* A region still live belongs to the partition: leak it. */
	if (!t->region.live)
		fht_free_pages(&t->region);
	kfree(t);
}

static const struct ffa_device_id fht_ids[] = {
	{ UUID_INIT(0x7e571e57, 0x0000, 0x4000,
		    0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01) },
	{}
};

static struct ffa_driver fht_driver = {
	.name = "ffa_harness_test",
	.probe = fht_probe,
	.remove = fht_remove,
	.id_table = fht_ids,
};

module_ffa_driver(fht_driver);

MODULE_DESCRIPTION("ffa-harness test client of the scripted test partition");
MODULE_LICENSE("GPL");

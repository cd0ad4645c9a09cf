// SPDX-License-Identifier: GPL-2.0
/*
 * TEMPORARY test-only interface (debugfs "test"), see <v4v/testif.h>.
 * It lets the VM tests drive rings over real Argo until AF_V4V sockets exist.
 *
 * Locking: tf->lock protects tf->ring (bind/unbind) and is only ever held
 * briefly: a reader takes its own reference on the ring and sleeps on
 * tf->wq without any lock, so poll, epoll, unbind and other ioctls never
 * wait for it.  tf->wq lives as long as the file, so an unbind cannot free
 * what a poller or reader waits on.  Order: tf->lock before rings.lock
 * (taken inside create and the last put); rx_lock is taken without tf->lock.
 * Sends read only tf->port, without the lock.
 */
#include <linux/fs.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <v4v/testif.h>

#include "backend.h"
#include "debugfs.h"
#include "rings.h"

struct testif_file {
	struct mutex lock;		/* see the file comment */
	struct v4v_ring *ring;		/* bound ring or NULL; holds a reference */
	u32 port;			/* its port, 0 if unbound; read locklessly */
	wait_queue_head_t wq;		/* readers and pollers of this file */
};

static int testif_open(struct inode *inode, struct file *file)
{
	struct testif_file *tf = kzalloc(sizeof(*tf), GFP_KERNEL);

	if (!tf)
		return -ENOMEM;
	mutex_init(&tf->lock);
	init_waitqueue_head(&tf->wq);
	file->private_data = tf;
	return 0;
}

static int testif_release(struct inode *inode, struct file *file)
{
	struct testif_file *tf = file->private_data;

	/* No ioctl is running: nobody else holds a reference now. */
	if (tf->ring)
		v4v_ring_put(tf->ring);
	kfree(tf);
	return 0;
}

static long testif_bind(struct testif_file *tf, void __user *arg)
{
	struct v4v_test_bind b;
	struct v4v_ring *ring;
	int err;

	if (copy_from_user(&b, arg, sizeof(b)))
		return -EFAULT;
	if (b.pad || b.flags)
		return -EINVAL;
	mutex_lock(&tf->lock);
	if (tf->ring) {
		err = -EISCONN;
	} else {
		ring = v4v_ring_create(b.port, b.partner, b.ring_len, &tf->wq, &err);
		if (ring) {
			WRITE_ONCE(tf->ring, ring);
			WRITE_ONCE(tf->port, ring->port);
		}
	}
	mutex_unlock(&tf->lock);
	return err;
}

static long testif_unbind(struct testif_file *tf)
{
	struct v4v_ring *ring;

	mutex_lock(&tf->lock);
	ring = tf->ring;
	WRITE_ONCE(tf->ring, NULL);
	WRITE_ONCE(tf->port, 0);
	mutex_unlock(&tf->lock);
	if (!ring)
		return -ENOTCONN;
	/* Sleeping readers see the ring is no longer bound and give up theirs. */
	wake_up_interruptible_all(&tf->wq);
	v4v_ring_put(ring);
	return 0;
}

/* The bound ring with a reference for the caller, or NULL. */
static struct v4v_ring *testif_get_ring(struct testif_file *tf)
{
	struct v4v_ring *ring;

	mutex_lock(&tf->lock);
	ring = tf->ring;
	if (ring)
		v4v_ring_get(ring);
	mutex_unlock(&tf->lock);
	return ring;
}

static long testif_send(struct testif_file *tf, void __user *arg)
{
	struct v4v_argo_send_addr addr = { };
	struct v4v_argo_iov iov = { };
	struct v4v_test_send s;
	void *buf;
	long ret;

	if (copy_from_user(&s, arg, sizeof(s)))
		return -EFAULT;
	if (s.pad || s.flags & ~V4V_TEST_NONBLOCK)
		return -EINVAL;
	if (s.len > V4V_ARGO_MAX_SENDV_LEN)
		return -EMSGSIZE;
	/* A bounded kernel copy: the interface is for tests, not speed. */
	buf = kvmalloc(max_t(u32, s.len, 1), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, u64_to_user_ptr(s.buf), s.len)) {
		ret = -EFAULT;
		goto out;
	}
	addr.src.aport = s.src_port ? s.src_port : READ_ONCE(tf->port);
	addr.src.domain_id = V4V_ARGO_DOMID_ANY;	/* Xen fills in ours */
	addr.dst.aport = s.dst_port;
	addr.dst.domain_id = s.dst_domain;
	iov.iov_hnd = (u64)(uintptr_t)buf;
	iov.iov_len = s.len;
	ret = v4v_send_wait(&addr, &iov, s.len ? 1 : 0, s.message_type,
			    s.flags & V4V_TEST_NONBLOCK);
out:
	kvfree(buf);
	return ret;
}

/* Copy up to len payload bytes of m to the user; the caller holds rx_lock. */
static int copy_msg_to_user(struct v4v_ring *ring, const struct v4v_ring_msg *m,
			    u8 __user *ubuf, u32 len)
{
	struct v4v_ring_chunk c[2];
	unsigned int i, nc;

	nc = v4v_ring_msg_chunks(&ring->view, m, 0, min(len, m->payload_len), c);
	for (i = 0; i < nc; i++) {
		if (copy_to_user(ubuf, c[i].p, c[i].n))
			return -EFAULT;
		ubuf += c[i].n;
	}
	return 0;
}

static long testif_recv(struct testif_file *tf, void __user *arg)
{
	struct v4v_test_recv r;
	struct v4v_ring_msg m;
	struct v4v_ring *ring;
	bool nonblock;
	int err;

	if (copy_from_user(&r, arg, sizeof(r)))
		return -EFAULT;
	if (r.pad || r.flags & ~(V4V_TEST_NONBLOCK | V4V_TEST_PEEK))
		return -EINVAL;
	nonblock = r.flags & V4V_TEST_NONBLOCK;
	ring = testif_get_ring(tf);
	if (!ring)
		return -ENOTCONN;
	for (;;) {
		if (mutex_lock_interruptible(&ring->rx_lock)) {
			err = -ERESTARTSYS;
			break;
		}
		err = v4v_ring_peek_locked(ring, &m);
		if (!err) {
			/* A failed copy leaves the message queued: nothing is lost. */
			err = copy_msg_to_user(ring, &m, u64_to_user_ptr(r.buf), r.len);
			if (!err && !(r.flags & V4V_TEST_PEEK))
				v4v_ring_consumed(ring, &m);
		}
		mutex_unlock(&ring->rx_lock);
		if (err != -EAGAIN || nonblock)
			break;
		/* Our reference keeps the ring valid while we sleep unlocked. */
		err = wait_event_interruptible(tf->wq, v4v_ring_readable(ring) ||
					       READ_ONCE(tf->ring) != ring);
		if (err)
			break;
		if (READ_ONCE(tf->ring) != ring) {
			err = -ENOTCONN;
			break;
		}
	}
	v4v_ring_put(ring);
	if (err)
		return err;
	r.len = min(r.len, m.payload_len);
	r.msg_len = m.payload_len;
	r.src_port = m.src_port;
	r.src_domain = m.src_domain;
	r.message_type = m.type;
	if (copy_to_user(arg, &r, sizeof(r)))
		return -EFAULT;
	return 0;
}

static long testif_query(void __user *arg)
{
	struct v4v_argo_ring_data *rd;
	struct v4v_test_query q;
	int err;

	if (copy_from_user(&q, arg, sizeof(q)))
		return -EFAULT;
	if (q.flags)
		return -EINVAL;
	rd = kzalloc(struct_size(rd, data, 1), GFP_KERNEL);
	if (!rd)
		return -ENOMEM;
	rd->nent = 1;
	rd->data[0].ring.aport = q.port;
	rd->data[0].ring.domain_id = q.domain;
	rd->data[0].space_required = q.space_required;
	err = v4v_backend->notify(rd);
	q.flags = rd->data[0].flags;
	q.max_message_size = rd->data[0].max_message_size;
	kfree(rd);
	if (!err && copy_to_user(arg, &q, sizeof(q)))
		err = -EFAULT;
	return err;
}

static long testif_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct testif_file *tf = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case V4V_TEST_IOC_BIND:
		return testif_bind(tf, uarg);
	case V4V_TEST_IOC_UNBIND:
		return testif_unbind(tf);
	case V4V_TEST_IOC_SEND:
		return testif_send(tf, uarg);
	case V4V_TEST_IOC_RECV:
		return testif_recv(tf, uarg);
	case V4V_TEST_IOC_QUERY:
		return testif_query(uarg);
	case V4V_TEST_IOC_DOMID:
		return v4v_backend->local_domid();
	default:
		return -ENOTTY;
	}
}

static __poll_t testif_poll(struct file *file, poll_table *wait)
{
	struct testif_file *tf = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &tf->wq, wait);
	mutex_lock(&tf->lock);
	if (tf->ring && READ_ONCE(tf->ring->broken))
		mask = EPOLLERR;
	else if (tf->ring && v4v_ring_has_msg(&tf->ring->view))
		mask = EPOLLIN | EPOLLRDNORM;
	mutex_unlock(&tf->lock);
	return mask;
}

const struct file_operations v4v_testif_fops = {
	.owner		= THIS_MODULE,
	.open		= testif_open,
	.release	= testif_release,
	.unlocked_ioctl	= testif_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.poll		= testif_poll,
	.llseek		= noop_llseek,
};

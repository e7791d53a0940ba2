// SPDX-License-Identifier: GPL-2.0
/*
 * mcxio: the system calls the VM tests make, each answered with one word on
 * stdout, "OK" or the errno's name (e.g. "ENOENT", "open:EPERM"), so a test
 * can assert exactly what the kernel returned.  Modes that measure print
 * their figures first, on lines starting with "# figure:", and the word last.
 *
 *   mcxio write PATH STRING        one write() of STRING (no newline added)
 *   mcxio send PATH FILE [CHUNK]   FILE's bytes in one write(), or CHUNK-byte writes
 *   mcxio insmod MODULE [PARAMS]   finit_module()
 *   mcxio rmmod NAME               delete_module(), not waiting
 *
 * Calls the driver does not support, on a descriptor of PATH:
 *   mcxio read PATH                read() (opened read-only)
 *   mcxio lseek PATH               lseek(0, SEEK_SET)
 *   mcxio pwrite PATH STRING       pwrite() at offset 0
 *   mcxio mmap PATH                mmap() of one page, shared (opened read-write)
 *   mcxio ioctl PATH CMD           ioctl(CMD, 0)
 *   mcxio sendfile PATH FILE       sendfile() of FILE's bytes
 *
 * Blobs that arrive oddly:
 *   mcxio pieces PATH FILE CHUNK   CHUNK-byte writes, every one made: the
 *                                  answers joined by commas (OK,EBADMSG,...)
 *   mcxio writev PATH FILE PARTS   one writev() of FILE cut into PARTS iovecs
 *   mcxio big PATH LEN [zero]      one write() of LEN bytes of memory that
 *                                  cannot be read (PROT_NONE): any attempt
 *                                  to copy it gives EFAULT; with "zero",
 *                                  LEN readable zero bytes
 *   mcxio badptr PATH LEN          one write() from an unmapped address
 *
 * Load, timed; each OP opens its path, makes one write() and closes, as
 * "echo 1 > reload" or iucode_tool do:
 *   OP is w:PATH:STRING:WANT       write STRING, expect WANT (OK or an errno,
 *                                  or several joined by |: EBUSY|EIO)
 *      or f:PATH:FILE:WANT         write FILE's bytes in one write()
 *   mcxio stress LABEL W N OP...   W processes at once, each making N calls
 *                                  cycling through the OPs (the first OP at a
 *                                  different offset in each process): latency
 *                                  figures and the answers counted per OP,
 *                                  overall figures, then OK if every call
 *                                  gave its WANT, or MISMATCH:..., or WORKERS:...
 *                                  when a worker did not exit 0 or a call
 *                                  was not made
 *   mcxio cycle LABEL N MODULE [PARAMS]
 *                                  N times insmod then rmmod: figures, OK or
 *                                  the first failure (insmod#7:EEXIST)
 *   mcxio race LABEL N MODULE PARAMS OP
 *                                  N times: insmod, a second process repeats
 *                                  OP, rmmod after a varying delay; OK when
 *                                  every call gave WANT or the answer of a
 *                                  file being removed (ENODEV, open:ENODEV,
 *                                  open:ENOENT)
 *   mcxio sigwrite PATH FILE MS restart|norestart BOUND_MS
 *                                  one write() of FILE's bytes; SIGUSR1 comes
 *                                  after MS ms, its handler installed with or
 *                                  without SA_RESTART: the write's answer,
 *                                  prefixed LATE: when the write returned
 *                                  more than BOUND_MS ms after the signal and
 *                                  NOSIGNAL: when no signal came during it
 *
 * Timed, for the benchmark (tests/bench.sh): "# time MS ANSWER", MS the
 * wall time of the call alone (CLOCK_MONOTONIC, or the TSC on CPU 0 with
 * MCXIO_TSC_HZ set: see bench_ms()):
 *   mcxio time tsc-hz              the TSC's rate in Hz, measured over 2 s
 *   mcxio time write PATH STRING   one write() of STRING to an open PATH; with
 *                                  MCXIO_TRACE=.../tracing_on, ftrace is on
 *                                  for that write() alone
 *   mcxio time send PATH FILE      one write() of FILE's bytes, read into
 *                                  memory, faulted in and locked beforehand
 *   mcxio time run PROG [ARGS]     PROG as a whole command (fork, exec,
 *                                  wait); ANSWER is OK for exit status 0,
 *                                  else the errno PROG names in a message
 *                                  "(err: STRERROR)" (as xen-ucode does), else
 *                                  exit:STATUS
 *
 * Privileges, for the permission tests:
 *   mcxio as UID GID PROG [ARGS]   PROG as UID/GID without supplementary groups
 *   mcxio nocap CAP PROG [ARGS]    PROG without capability number CAP in any set
 *                                  (bounding, permitted, effective, inheritable,
 *                                  ambient): root without it
 *
 * Every timed mode stops with HANG when it has run MCXIO_HANG_S seconds
 * (default 120): a generous bound, so that a stuck call fails the test
 * instead of the whole run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *errname(int err)
{
	static char num[16];
	const char *name = err ? strerrorname_np(err) : "OK";

	if (name)
		return name;
	snprintf(num, sizeof(num), "E%d", err);
	return num;
}

static int answer(const char *what, int err)
{
	if (what)
		printf("%s:", what);
	printf("%s\n", errname(err));
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(path);
		exit(2);
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf || read(fd, buf, st.st_size) != st.st_size) {
		perror(path);
		exit(2);
	}
	close(fd);
	*len = st.st_size;
	return buf;
}

static int do_write(const char *path, const char *buf, size_t len, size_t chunk)
{
	int fd = open(path, O_WRONLY);
	size_t off = 0;

	if (fd < 0)
		return answer("open", errno);
	if (!chunk)
		chunk = len ? len : 1;
	do {
		size_t n = len - off < chunk ? len - off : chunk;
		ssize_t r = write(fd, buf + off, n);

		if (r < 0) {
			close(fd);
			return answer(NULL, errno);
		}
		off += r;
	} while (off < len);
	close(fd);
	return answer(NULL, 0);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The generous bound on every timed mode. */
static void on_hang(int sig)
{
	(void)sig;
	/* Children are in the same process group; they go too. */
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);
	write(1, "HANG\n", 5);
	_exit(3);
}

static void hang_bound(void)
{
	const char *s = getenv("MCXIO_HANG_S");

	/* A group of its own, so that on_hang() ends only this mode's processes. */
	setpgid(0, 0);
	signal(SIGALRM, on_hang);
	alarm(s ? atoi(s) : 120);
}

/* Opens PATH with FLAGS or answers open:ERRNO and exits. */
static int open_or_answer(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0) {
		answer("open", errno);
		exit(0);
	}
	return fd;
}

/* --- Calls the driver does not support ---------------------------------- */

static int unsupported(int argc, char **argv)
{
	const char *mode = argv[1], *path = argv[2];
	char buf[16];
	void *p;
	int fd;

	if (!strcmp(mode, "read")) {
		fd = open_or_answer(path, O_RDONLY);
		return answer(NULL, read(fd, buf, sizeof(buf)) < 0 ? errno : 0);
	}
	if (!strcmp(mode, "lseek")) {
		fd = open_or_answer(path, O_WRONLY);
		return answer(NULL, lseek(fd, 0, SEEK_SET) < 0 ? errno : 0);
	}
	if (!strcmp(mode, "pwrite") && argc >= 4) {
		fd = open_or_answer(path, O_WRONLY);
		return answer(NULL, pwrite(fd, argv[3], strlen(argv[3]), 0) < 0 ? errno : 0);
	}
	if (!strcmp(mode, "mmap")) {
		fd = open_or_answer(path, O_RDWR);
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		return answer(NULL, p == MAP_FAILED ? errno : 0);
	}
	if (!strcmp(mode, "ioctl") && argc >= 4) {
		fd = open_or_answer(path, O_WRONLY);
		return answer(NULL, ioctl(fd, strtoul(argv[3], NULL, 0), 0) < 0 ? errno : 0);
	}
	if (!strcmp(mode, "sendfile") && argc >= 4) {
		int in = open_or_answer(argv[3], O_RDONLY);
		struct stat st;

		fd = open_or_answer(path, O_WRONLY);
		fstat(in, &st);
		return answer(NULL, sendfile(fd, in, NULL, st.st_size) < 0 ? errno : 0);
	}
	return -1;
}

/* --- Blobs that arrive oddly -------------------------------------------- */

static int odd_blobs(int argc, char **argv)
{
	const char *mode = argv[1], *path = argv[2];
	size_t len, off, chunk;
	char *buf;
	int fd;

	if (!strcmp(mode, "pieces") && argc >= 5) {
		buf = slurp(argv[3], &len);
		chunk = strtoul(argv[4], NULL, 0);
		fd = open_or_answer(path, O_WRONLY);
		for (off = 0; off < len; off += chunk) {
			size_t n = len - off < chunk ? len - off : chunk;
			ssize_t r = write(fd, buf + off, n);

			printf("%s%s", off ? "," : "", errname(r < 0 ? errno : 0));
			if (r >= 0 && (size_t)r != n)
				printf("(short:%zd)", r);
		}
		printf("\n");
		return 0;
	}
	if (!strcmp(mode, "writev") && argc >= 5) {
		struct iovec iov[64];
		int parts = atoi(argv[4]), i;
		ssize_t r;

		if (parts < 1 || parts > 64)
			return -1;
		buf = slurp(argv[3], &len);
		for (i = 0; i < parts; i++) {
			iov[i].iov_base = buf + len * i / parts;
			iov[i].iov_len = len * (i + 1) / parts - len * i / parts;
		}
		fd = open_or_answer(path, O_WRONLY);
		r = writev(fd, iov, parts);
		if (r >= 0 && (size_t)r != len) {
			printf("SHORT:%zd\n", r);
			return 0;
		}
		return answer(NULL, r < 0 ? errno : 0);
	}
	if (!strcmp(mode, "big") && argc >= 4) {
		len = strtoull(argv[3], NULL, 0);
		buf = mmap(NULL, len, argc > 4 && !strcmp(argv[4], "zero") ? PROT_READ : PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (buf == MAP_FAILED)
			return answer("mmap", errno);
		fd = open_or_answer(path, O_WRONLY);
		return answer(NULL, write(fd, buf, len) < 0 ? errno : 0);
	}
	if (!strcmp(mode, "badptr") && argc >= 4) {
		len = strtoull(argv[3], NULL, 0);
		/* An address that was mapped a moment ago and no longer is. */
		buf = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (buf == MAP_FAILED)
			return answer("mmap", errno);
		munmap(buf, len);
		fd = open_or_answer(path, O_WRONLY);
		return answer(NULL, write(fd, buf, len) < 0 ? errno : 0);
	}
	return -1;
}

/* --- Load ---------------------------------------------------------------- */

struct op {
	char path[256];
	char *data;
	size_t len;
	char want[32];
	char name[64];
};

struct rec {
	float ms;
	int err;		/* errno, 0 for success, -1 for a short write */
	int op;
	int done;		/* the call was made (a worker may die first) */
};

static int parse_op(const char *spec, struct op *op)
{
	char *s = strdup(spec), *kind, *path, *arg, *want;

	kind = strtok(s, ":");
	path = strtok(NULL, ":");
	arg = strtok(NULL, ":");
	want = strtok(NULL, ":");
	if (!kind || !path || !arg || !want)
		return -1;
	snprintf(op->path, sizeof(op->path), "%s", path);
	snprintf(op->want, sizeof(op->want), "%s", want);
	if (!strcmp(kind, "w")) {
		op->data = strdup(arg);
		op->len = strlen(arg);
	} else if (!strcmp(kind, "f")) {
		op->data = slurp(arg, &op->len);
	} else {
		return -1;
	}
	snprintf(op->name, sizeof(op->name), "%s<-%s", strrchr(path, '/') + 1,
		 strrchr(arg, '/') ? strrchr(arg, '/') + 1 : arg);
	return 0;
}

/* One call as a client makes it: open, one write(), close. */
static void run_op(const struct op *op, struct rec *r)
{
	double t0 = now_ms();
	int fd = open(op->path, O_WRONLY);
	ssize_t n;

	if (fd < 0) {
		r->err = errno;
		/* Marks an open failure: open:ENOENT is not a write's ENOENT. */
		r->err |= 0x10000;
	} else {
		n = write(fd, op->data, op->len);
		r->err = n < 0 ? errno : (size_t)n == op->len ? 0 : -1;
		close(fd);
	}
	r->ms = now_ms() - t0;
}

static const char *rec_answer(const struct rec *r)
{
	static char buf[48];

	if (r->err == -1)
		return "SHORT";
	if (r->err & 0x10000) {
		snprintf(buf, sizeof(buf), "open:%s", errname(r->err & 0xffff));
		return buf;
	}
	return errname(r->err);
}

/* WANT is one answer or several joined by '|'. */
static int wanted(const char *want, const char *got)
{
	size_t n = strlen(got);

	for (;;) {
		if (!strncmp(want, got, n) && (want[n] == '|' || !want[n]))
			return 1;
		want = strchr(want, '|');
		if (!want++)
			return 0;
	}
}

/* "# figure: LABEL OP answers: EBUSY=999 EIO=1" */
static void answers_figure(const char *label, const struct op *op, int o,
			   const struct rec *recs, size_t total)
{
	char seen[8][48];
	size_t count[8] = { 0 }, i;
	int kinds = 0, k;

	for (i = 0; i < total; i++) {
		const char *a = rec_answer(&recs[i]);

		if (recs[i].op != o)
			continue;
		for (k = 0; k < kinds && strcmp(seen[k], a); k++)
			;
		if (k == kinds) {
			if (kinds == 8)
				continue;
			snprintf(seen[kinds++], sizeof(seen[0]), "%s", a);
		}
		count[k]++;
	}
	printf("# figure: %s %s answers:", label, op->name);
	for (k = 0; k < kinds; k++)
		printf(" %s=%zu", seen[k], count[k]);
	printf("\n");
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

/* "# figure: LABEL WHAT: n=... min=... median=... p99=... max=... ms" */
static void latency_figure(const char *label, const char *what, float *ms, size_t n)
{
	if (!n)
		return;
	qsort(ms, n, sizeof(*ms), cmp_float);
	printf("# figure: %s %s: calls=%zu min=%.2f median=%.2f p99=%.2f max=%.2f ms\n",
	       label, what, n, ms[0], ms[n / 2], ms[n * 99 / 100], ms[n - 1]);
}

static int stress(int argc, char **argv)
{
	const char *label = argv[2];
	int workers = atoi(argv[3]), calls = atoi(argv[4]), nops = argc - 5;
	struct op *ops = calloc(nops, sizeof(*ops));
	size_t total = (size_t)workers * calls, bad = 0, i;
	struct rec *recs;
	float *ms = malloc(total * sizeof(*ms));
	double t0, wall;
	int w, o, first_bad = -1, status, first_status = 0, bad_workers = 0;
	size_t undone = 0;
	pid_t pid;

	if (workers < 1 || calls < 1 || nops < 1)
		return -1;
	for (o = 0; o < nops; o++)
		if (parse_op(argv[5 + o], &ops[o])) {
			fprintf(stderr, "bad OP %s\n", argv[5 + o]);
			return 2;
		}
	recs = mmap(NULL, total * sizeof(*recs), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (recs == MAP_FAILED)
		return answer("mmap", errno);
	hang_bound();
	fflush(stdout);
	t0 = now_ms();
	for (w = 0; w < workers; w++) {
		pid = fork();

		if (pid < 0)
			return answer("fork", errno);
		if (!pid) {
			for (i = 0; i < (size_t)calls; i++) {
				struct rec *r = &recs[w * (size_t)calls + i];

				r->op = (i + w) % nops;
				run_op(&ops[r->op], r);
				r->done = 1;
			}
			_exit(0);
		}
	}
	/*
	 * A worker that did not exit 0 (killed by a signal, an OOM kill) left
	 * records it never wrote, which read as op 0's success: its status and
	 * the calls it did not make are the answer then.
	 */
	while ((pid = wait(&status)) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			if (!bad_workers++)
				first_status = status;
		}
	wall = now_ms() - t0;
	alarm(0);
	for (i = 0; i < total; i++)
		if (!recs[i].done)
			undone++;
	if (bad_workers || undone) {
		if (!bad_workers)
			printf("WORKERS:0:calls-not-made=%zu\n", undone);
		else if (WIFSIGNALED(first_status))
			printf("WORKERS:%d:signal-%d:calls-not-made=%zu\n", bad_workers,
			       WTERMSIG(first_status), undone);
		else
			printf("WORKERS:%d:exit-%d:calls-not-made=%zu\n", bad_workers,
			       WEXITSTATUS(first_status), undone);
		return 0;
	}

	printf("# figure: %s: %d process%s x %d calls = %zu calls in %.2f s, %.1f calls/s\n",
	       label, workers, workers > 1 ? "es" : "", calls, total, wall / 1e3,
	       total / (wall / 1e3));
	for (o = 0; o < nops; o++) {
		size_t n = 0;

		for (i = 0; i < total; i++)
			if (recs[i].op == o)
				ms[n++] = recs[i].ms;
		latency_figure(label, ops[o].name, ms, n);
		answers_figure(label, &ops[o], o, recs, total);
	}
	for (i = 0; i < total; i++) {
		ms[i] = recs[i].ms;
		if (!wanted(ops[recs[i].op].want, rec_answer(&recs[i]))) {
			bad++;
			if (first_bad < 0)
				first_bad = i;
		}
	}
	latency_figure(label, "all", ms, total);
	if (!bad)
		return answer(NULL, 0);
	printf("MISMATCH:%zu:%s:%s\n", bad, ops[recs[first_bad].op].name,
	       rec_answer(&recs[first_bad]));
	return 0;
}

static int load_module(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY), ret;

	if (fd < 0)
		return errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? errno : 0;
	close(fd);
	return ret;
}

static int unload_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? errno : 0;
}

static const char *module_name(const char *path)
{
	static char name[64];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(base, "."), base);
	return name;
}

static int cycle(int argc, char **argv)
{
	const char *label = argv[2], *mod = argv[4], *params = argc > 5 ? argv[5] : "";
	int n = atoi(argv[3]), i, err;
	float *in = malloc(n * sizeof(*in)), *out = malloc(n * sizeof(*out));
	double t0 = now_ms(), t;

	hang_bound();
	for (i = 0; i < n; i++) {
		t = now_ms();
		err = load_module(mod, params);
		in[i] = now_ms() - t;
		if (err) {
			printf("insmod#%d:%s\n", i + 1, errname(err));
			return 0;
		}
		t = now_ms();
		err = unload_module(module_name(mod));
		out[i] = now_ms() - t;
		if (err) {
			printf("rmmod#%d:%s\n", i + 1, errname(err));
			return 0;
		}
	}
	printf("# figure: %s: %d insmod+rmmod cycles in %.2f s\n", label, n,
	       (now_ms() - t0) / 1e3);
	latency_figure(label, "insmod", in, n);
	latency_figure(label, "rmmod", out, n);
	return answer(NULL, 0);
}

static int race(int argc, char **argv)
{
	const char *label = argv[2], *mod = argv[4], *params = argv[5];
	int n = atoi(argv[3]), i, err, status;
	float *out = malloc(n * sizeof(*out));
	const char *kinds[] = { NULL, "ENODEV", "open:ENODEV", "open:ENOENT" };
	int nkinds = 4, k;
	struct rec *counts;
	struct op op;
	size_t calls = 0;
	double t;

	if (argc < 7 || parse_op(argv[6], &op))
		return -1;
	kinds[0] = op.want;
	/*
	 * In the shared page: counts[0].op, the calls of this cycle; counts[1],
	 * the first odd answer; counts[2 + k].op, the calls answered kinds[k].
	 */
	counts = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	hang_bound();
	for (i = 0; i < n; i++) {
		pid_t pid;

		err = load_module(mod, params);
		if (err) {
			printf("insmod#%d:%s\n", i + 1, errname(err));
			return 0;
		}
		counts[0].op = 0;
		counts[1].err = 0;
		pid = fork();
		if (!pid) {
			struct rec r;

			for (;;) {
				const char *a;

				run_op(&op, &r);
				counts[0].op++;
				a = rec_answer(&r);
				for (k = 0; k < nkinds && !wanted(kinds[k], a); k++)
					;
				counts[2 + k].op++;
				if (!strcmp(a, "open:ENOENT"))
					_exit(0);
				if (!wanted(op.want, a) && !wanted("ENODEV|open:ENODEV", a)) {
					counts[1] = r;
					_exit(1);
				}
			}
		}
		/* 0 to 19 ms: before, during and between the child's calls. */
		usleep((i * 7 % 20) * 1000);
		t = now_ms();
		err = unload_module(module_name(mod));
		out[i] = now_ms() - t;
		if (err) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			printf("rmmod#%d:%s\n", i + 1, errname(err));
			return 0;
		}
		waitpid(pid, &status, 0);
		calls += counts[0].op;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("BAD#%d:%s\n", i + 1, rec_answer(&counts[1]));
			return 0;
		}
	}
	printf("# figure: %s: %d rmmod racing %s, %zu calls answered: %s=%d ENODEV=%d open:ENODEV=%d open:ENOENT=%d\n",
	       label, n, op.name, calls, op.want, counts[2].op, counts[3].op, counts[4].op,
	       counts[5].op);
	latency_figure(label, "rmmod", out, n);
	return answer(NULL, 0);
}

static volatile sig_atomic_t got_signal;
static double signal_at;

static void on_usr1(int sig)
{
	(void)sig;
	got_signal = 1;
	signal_at = now_ms();
}

static int sigwrite(int argc, char **argv)
{
	const char *path = argv[2];
	int delay = atoi(argv[4]), restart = !strcmp(argv[5], "restart");
	double bound = atof(argv[6]), t0, t1;
	struct sigaction sa = { .sa_handler = on_usr1 };
	size_t len;
	char *buf = slurp(argv[3], &len);
	pid_t parent = getpid(), pid;
	ssize_t r;
	int fd, err, during;

	if (argc < 7)
		return -1;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGUSR1, &sa, NULL);
	hang_bound();
	fd = open_or_answer(path, O_WRONLY);
	pid = fork();
	if (!pid) {
		usleep(delay * 1000);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	t0 = now_ms();
	r = write(fd, buf, len);
	err = r < 0 ? errno : 0;
	t1 = now_ms();
	during = got_signal;
	waitpid(pid, NULL, 0);
	if (!during) {
		printf("# figure: sigwrite %s: no signal during the write (%.1f ms)\n",
		       restart ? "SA_RESTART" : "no SA_RESTART", t1 - t0);
		printf("NOSIGNAL:%s\n", errname(err));
		return 0;
	}
	printf("# figure: sigwrite %s: signal %.1f ms into the write, which returned %.1f ms after it (%s)\n",
	       restart ? "SA_RESTART" : "no SA_RESTART", signal_at - t0, t1 - signal_at,
	       errname(err));
	if (t1 - signal_at > bound)
		printf("LATE:");
	return answer(NULL, err);
}

/* --- Privileges ---------------------------------------------------------- */

static int run_as(char **argv)
{
	uid_t uid = strtoul(argv[2], NULL, 0);
	gid_t gid = strtoul(argv[3], NULL, 0);

	if (setgroups(0, NULL) || setresgid(gid, gid, gid) || setresuid(uid, uid, uid))
		return answer("setuid", errno);
	execv(argv[4], argv + 4);
	return answer("exec", errno);
}

static int run_nocap(char **argv)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	int cap = atoi(argv[2]), i = cap / 32;
	unsigned int bit = 1U << (cap % 32);

	if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0))
		return answer("bounding", errno);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (syscall(SYS_capget, &hdr, data))
		return answer("capget", errno);
	data[i].effective &= ~bit;
	data[i].permitted &= ~bit;
	data[i].inheritable &= ~bit;
	if (syscall(SYS_capset, &hdr, data))
		return answer("capset", errno);
	execv(argv[3], argv + 3);
	return answer("exec", errno);
}

/*
 * The benchmark's clock: the TSC, read on CPU 0 alone, at MCXIO_TSC_HZ
 * (mcxio time tsc-hz measures it).  Under Xen on emulated CPUs dom0's
 * CLOCK_MONOTONIC now and then stands still across a long hypercall, when
 * Xen's time and the TSC drift apart and the guest clock refuses to go
 * back; the emulated TSC follows the host's.  Without MCXIO_TSC_HZ,
 * CLOCK_MONOTONIC.
 */
static double tsc_khz;

static void clock_setup(void)
{
	cpu_set_t one;

	if (!getenv("MCXIO_TSC_HZ"))
		return;
	tsc_khz = strtod(getenv("MCXIO_TSC_HZ"), NULL) / 1e3;
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	sched_setaffinity(0, sizeof(one), &one);
}

static double bench_ms(void)
{
	return tsc_khz > 0 ? __builtin_ia32_rdtsc() / tsc_khz : now_ms();
}

/* The TSC's rate against CLOCK_MONOTONIC over 2 s on CPU 0, in Hz. */
static int tsc_hz(void)
{
	struct timespec two = { .tv_sec = 2 };
	unsigned long long c0, c1;
	cpu_set_t one;
	double m0, m1;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	sched_setaffinity(0, sizeof(one), &one);
	m0 = now_ms();
	c0 = __builtin_ia32_rdtsc();
	nanosleep(&two, NULL);
	m1 = now_ms();
	c1 = __builtin_ia32_rdtsc();
	printf("%.0f\n", (c1 - c0) / (m1 - m0) * 1e3);
	return 0;
}

/* The errno whose strerror() PROG's output names as "(err: ...)", or 0. */
static int err_in(const char *out)
{
	const char *p = strstr(out, "(err: ");
	int e;

	if (!p)
		return 0;
	p += 6;
	for (e = 1; e < 134; e++) {
		const char *msg = strerror(e);

		if (!strncmp(p, msg, strlen(msg)) && p[strlen(msg)] == ')')
			return e;
	}
	return 0;
}

static int timed_run(char **argv)
{
	char out[4096] = "";
	int pfd[2], status, e;
	size_t got = 0;
	ssize_t r;
	double t0, t1;
	pid_t pid;

	if (pipe(pfd))
		return answer("pipe", errno);
	t0 = bench_ms();
	pid = fork();
	if (!pid) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	while (got < sizeof(out) - 1 && (r = read(pfd[0], out + got, sizeof(out) - 1 - got)) > 0)
		got += r;
	out[got] = '\0';
	waitpid(pid, &status, 0);
	t1 = bench_ms();
	close(pfd[0]);
	printf("# time %.3f ", t1 - t0);
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return answer(NULL, 0);
	e = err_in(out);
	if (e)
		return answer(NULL, e);
	printf("exit:%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}

static int timed(int argc, char **argv)
{
	size_t len, i;
	double t0, t1;
	ssize_t r;
	char *buf;
	int fd, tr;

	if (!strcmp(argv[2], "tsc-hz"))
		return tsc_hz();
	clock_setup();
	if (!strcmp(argv[2], "run"))
		return timed_run(argv + 3);
	if (argc < 5)
		return 2;
	if (!strcmp(argv[2], "write")) {
		buf = argv[4];
		len = strlen(buf);
	} else if (!strcmp(argv[2], "send")) {
		buf = slurp(argv[4], &len);
		/* In memory before the clock starts: no fault, no swap-in timed. */
		for (i = 0; i < len; i += 4096)
			((volatile char *)buf)[i];
		mlock(buf, len);
	} else {
		return 2;
	}
	fd = open_or_answer(argv[3], O_WRONLY);
	/* MCXIO_TRACE=PATH of tracing_on: ftrace records this write() alone. */
	tr = getenv("MCXIO_TRACE") ? open(getenv("MCXIO_TRACE"), O_WRONLY) : -1;
	if (tr >= 0 && write(tr, "1", 1) != 1)
		return answer("trace", errno);
	t0 = bench_ms();
	r = write(fd, buf, len);
	t1 = bench_ms();
	if (tr >= 0 && write(tr, "0", 1) != 1)
		return answer("trace", errno);
	printf("# time %.3f ", t1 - t0);
	return answer(NULL, r < 0 ? errno : 0);
}

int main(int argc, char **argv)
{
	size_t len;
	char *buf;
	int ret;

	if (argc >= 4 && !strcmp(argv[1], "write"))
		return do_write(argv[2], argv[3], strlen(argv[3]), 0);
	if (argc >= 4 && !strcmp(argv[1], "send")) {
		buf = slurp(argv[3], &len);
		return do_write(argv[2], buf, len, argc > 4 ? strtoul(argv[4], NULL, 0) : 0);
	}
	if (argc >= 3 && !strcmp(argv[1], "insmod")) {
		if (access(argv[2], R_OK))
			return answer("open", errno);
		return answer(NULL, load_module(argv[2], argc > 3 ? argv[3] : ""));
	}
	if (argc >= 3 && !strcmp(argv[1], "rmmod"))
		return answer(NULL, unload_module(argv[2]));
	if (argc >= 3) {
		ret = unsupported(argc, argv);
		if (ret < 0)
			ret = odd_blobs(argc, argv);
		if (ret >= 0)
			return ret;
	}
	if (argc >= 6 && !strcmp(argv[1], "stress"))
		return stress(argc, argv);
	if (argc >= 5 && !strcmp(argv[1], "cycle"))
		return cycle(argc, argv);
	if (argc >= 7 && !strcmp(argv[1], "race"))
		return race(argc, argv);
	if (argc >= 7 && !strcmp(argv[1], "sigwrite"))
		return sigwrite(argc, argv);
	if (argc >= 5 && !strcmp(argv[1], "as"))
		return run_as(argv);
	if (argc >= 4 && !strcmp(argv[1], "nocap"))
		return run_nocap(argv);
	if (argc >= 3 && !strcmp(argv[1], "time"))
		return timed(argc, argv);
	fprintf(stderr, "usage: see the comment at the top of mcxio.c\n");
	return 2;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * failnth: one system call with its Nth fault-injection point failed
 * (/proc/thread-self/fail-nth, a debug kernel with FAULT_INJECTION_DEBUG_FS).
 * Everything the call needs is opened and read first, so that only the
 * call's own allocations count.  Prints one line, "injected ANSWER" when
 * the call reached its Nth point (the failure was injected) or "clean
 * ANSWER" when it made fewer than N, ANSWER being OK or the errno's name.
 *
 *   failnth N insmod MODULE [PARAMS]   finit_module()
 *   failnth N write PATH STRING        one write() of STRING
 *   failnth N send PATH FILE           FILE's bytes in one write()
 *   failnth N read PATH                one read() of up to 4 KiB
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

static void die(const char *what)
{
	printf("setup:%s:%s\n", what, errname(errno));
	exit(1);
}

static char *slurp(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		die(path);
	buf = malloc(st.st_size + 1);
	if (!buf || read(fd, buf, st.st_size) != st.st_size)
		die(path);
	close(fd);
	*len = st.st_size;
	return buf;
}

int main(int argc, char **argv)
{
	char nth[16], left[16] = "";
	const char *mode, *arg = NULL;
	char *data = NULL, rbuf[4096];
	size_t len = 0;
	int ctl, fd, err = 0;
	long r;

	if (argc < 4) {
		fprintf(stderr, "usage: failnth N insmod|write|send|read PATH [ARG]\n");
		return 2;
	}
	mode = argv[2];
	if (!strcmp(mode, "insmod")) {
		fd = open(argv[3], O_RDONLY | O_CLOEXEC);
		arg = argc > 4 ? argv[4] : "";
	} else if (!strcmp(mode, "read")) {
		fd = open(argv[3], O_RDONLY | O_CLOEXEC);
	} else if (argc > 4 && (!strcmp(mode, "write") || !strcmp(mode, "send"))) {
		fd = open(argv[3], O_WRONLY | O_CLOEXEC);
		if (!strcmp(mode, "write")) {
			data = argv[4];
			len = strlen(data);
		} else {
			data = slurp(argv[4], &len);
		}
	} else {
		fprintf(stderr, "failnth: bad mode %s\n", mode);
		return 2;
	}
	if (fd < 0)
		die(argv[3]);
	ctl = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		die("fail-nth");
	snprintf(nth, sizeof(nth), "%d", atoi(argv[1]));

	/* From here to the disarm: no call but the one under test. */
	if (pwrite(ctl, nth, strlen(nth), 0) < 0)
		die("arm");
	if (!strcmp(mode, "insmod"))
		r = syscall(SYS_finit_module, fd, arg, 0);
	else if (!strcmp(mode, "read"))
		r = read(fd, rbuf, sizeof(rbuf));
	else
		r = write(fd, data, len);
	if (r < 0)
		err = errno;
	/* What is left of the count: 0 once the failure was injected. */
	if (pread(ctl, left, sizeof(left) - 1, 0) < 0)
		die("fail-nth read");
	if (pwrite(ctl, "0", 1, 0) < 0)
		die("disarm");

	if (!err && r >= 0 && (size_t)r != len && strcmp(mode, "read") && strcmp(mode, "insmod"))
		printf("%s SHORT%ld\n", atoi(left) ? "clean" : "injected", r);
	else
		printf("%s %s\n", atoi(left) ? "clean" : "injected", errname(err));
	return 0;
}

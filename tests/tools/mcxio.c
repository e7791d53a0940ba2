// SPDX-License-Identifier: GPL-2.0
/*
 * mcxio: the system calls the VM tests make, each answered with one word on
 * stdout, "OK" or the errno's name (e.g. "ENOENT", "open:EPERM"), so a test
 * can assert exactly what the kernel returned.
 *
 *   mcxio write PATH STRING        one write() of STRING (no newline added)
 *   mcxio send PATH FILE [CHUNK]   FILE's bytes in one write(), or CHUNK-byte writes
 *   mcxio insmod MODULE [PARAMS]   finit_module()
 *   mcxio rmmod NAME               delete_module(), not waiting
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

static int answer(const char *what, int err)
{
	const char *name = err ? strerrorname_np(err) : "OK";

	if (what)
		printf("%s:", what);
	if (name)
		printf("%s\n", name);
	else
		printf("E%d\n", err);
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

int main(int argc, char **argv)
{
	size_t len;
	char *buf;
	int fd;

	if (argc >= 4 && !strcmp(argv[1], "write"))
		return do_write(argv[2], argv[3], strlen(argv[3]), 0);
	if (argc >= 4 && !strcmp(argv[1], "send")) {
		buf = slurp(argv[3], &len);
		return do_write(argv[2], buf, len, argc > 4 ? strtoul(argv[4], NULL, 0) : 0);
	}
	if (argc >= 3 && !strcmp(argv[1], "insmod")) {
		fd = open(argv[2], O_RDONLY);
		if (fd < 0)
			return answer("open", errno);
		if (syscall(SYS_finit_module, fd, argc > 3 ? argv[3] : "", 0))
			return answer(NULL, errno);
		return answer(NULL, 0);
	}
	if (argc >= 3 && !strcmp(argv[1], "rmmod")) {
		if (syscall(SYS_delete_module, argv[2], O_NONBLOCK))
			return answer(NULL, errno);
		return answer(NULL, 0);
	}
	fprintf(stderr, "usage: see the comment at the top of mcxio.c\n");
	return 2;
}

// SPDX-License-Identifier: Apache-2.0
/*
 * Test helper of the TCP probe, linked statically so that it runs in a busybox container. Every
 * command targets the address given on the command line; the tests pass loopback addresses only.
 *
 *   tcpctl scan ADDR FIRST COUNT     blocking connect to ports FIRST .. FIRST+COUNT-1
 *   tcpctl pair ADDR PORT BYTES      listen, then a child connects and sends BYTES, the parent
 *                                    accepts, reads them, sends BYTES/2 back and closes
 *   tcpctl serve ADDR PORT COUNT     listen, print "ready", accept COUNT connections
 *   tcpctl nbconnect ADDR PORT       non-blocking connect, then wait for its result
 *   tcpctl v6only PORT               connect an IPV6_V6ONLY socket to ::ffff:127.0.0.1
 *   tcpctl exhaust ADDR PORT COUNT   listen, then open COUNT connections to PORT at once
 *
 * Each connect prints "connect PORT ERRNO" (0 on success); exit status 0 unless setup failed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

struct endpoint {
	struct sockaddr_storage address;
	socklen_t length;
	int family;
};

static void fail(const char *what)
{
	perror(what);
	exit(2);
}

static struct endpoint endpoint_of(const char *text, int port)
{
	struct endpoint e;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&e.address;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&e.address;

	memset(&e, 0, sizeof(e));
	if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		e.length = sizeof(*v4);
	} else if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		e.length = sizeof(*v6);
	} else {
		fprintf(stderr, "not a numeric address: %s\n", text);
		exit(2);
	}
	e.family = e.address.ss_family;
	return e;
}

static int listen_on(const char *text, int port)
{
	struct endpoint e = endpoint_of(text, port);
	int one = 1;
	int fd = socket(e.family, SOCK_STREAM, 0);

	if (fd < 0)
		fail("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&e.address, e.length) < 0)
		fail("bind");
	if (listen(fd, 128) < 0)
		fail("listen");
	return fd;
}

/* Connects a new socket; returns it, or -1 with the errno printed. */
static int connect_to(const char *text, int port)
{
	struct endpoint e = endpoint_of(text, port);
	int fd = socket(e.family, SOCK_STREAM, 0);
	int error = 0;

	if (fd < 0)
		fail("socket");
	if (connect(fd, (struct sockaddr *)&e.address, e.length) < 0)
		error = errno;
	printf("connect %d %d\n", port, error);
	fflush(stdout);
	if (error) {
		close(fd);
		return -1;
	}
	return fd;
}

static long drain(int fd)
{
	char buffer[4096];
	long total = 0;
	ssize_t n;

	while ((n = read(fd, buffer, sizeof(buffer))) > 0)
		total += n;
	return total;
}

static void send_bytes(int fd, long count)
{
	char buffer[4096];
	ssize_t n;

	memset(buffer, 'x', sizeof(buffer));
	while (count > 0) {
		n = write(fd, buffer, count < (long)sizeof(buffer) ? count : (long)sizeof(buffer));
		if (n <= 0)
			fail("write");
		count -= n;
	}
}

static int scan(const char *address, int first, int count)
{
	for (int port = first; port < first + count; port++) {
		int fd = connect_to(address, port);

		if (fd >= 0)
			close(fd);
	}
	return 0;
}

static int pair(const char *address, int port, long bytes)
{
	int listener = listen_on(address, port);
	pid_t child = fork();
	int status;

	if (child < 0)
		fail("fork");
	if (child == 0) {
		int fd = connect_to(address, port);

		if (fd < 0)
			exit(1);
		send_bytes(fd, bytes);
		shutdown(fd, SHUT_WR);
		printf("client received %ld\n", drain(fd));
		close(fd);
		exit(0);
	}
	int connection = accept(listener, NULL, NULL);

	if (connection < 0)
		fail("accept");
	printf("server received %ld\n", drain(connection));
	send_bytes(connection, bytes / 2);
	close(connection);
	waitpid(child, &status, 0);
	close(listener);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static int serve(const char *address, int port, int count)
{
	int listener = listen_on(address, port);

	printf("ready\n");
	fflush(stdout);
	for (int i = 0; i < count; i++) {
		int connection = accept(listener, NULL, NULL);

		if (connection < 0)
			fail("accept");
		drain(connection);
		close(connection);
	}
	close(listener);
	return 0;
}

static int nbconnect(const char *text, int port)
{
	struct endpoint e = endpoint_of(text, port);
	int fd = socket(e.family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct pollfd ready = { .fd = fd, .events = POLLOUT };
	int error = 0;
	socklen_t length = sizeof(error);

	if (fd < 0)
		fail("socket");
	if (connect(fd, (struct sockaddr *)&e.address, e.length) == 0) {
		error = 0;
	} else if (errno != EINPROGRESS) {
		error = errno;
	} else {
		poll(&ready, 1, 5000);
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
	}
	printf("connect %d %d\n", port, error);
	close(fd);
	return 0;
}

static int v6only(int port)
{
	struct sockaddr_in6 mapped = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	int one = 1;
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	int error = 0;

	if (fd < 0)
		fail("socket");
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		fail("setsockopt IPV6_V6ONLY");
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &mapped.sin6_addr);
	if (connect(fd, (struct sockaddr *)&mapped, sizeof(mapped)) < 0)
		error = errno;
	printf("connect %d %d\n", port, error);
	close(fd);
	return 0;
}

static int exhaust(const char *address, int port, int count)
{
	int listener = listen_on(address, port);

	for (int i = 0; i < count; i++)
		connect_to(address, port);
	close(listener);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "scan") == 0)
		return scan(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 5 && strcmp(argv[1], "pair") == 0)
		return pair(argv[2], atoi(argv[3]), atol(argv[4]));
	if (argc == 5 && strcmp(argv[1], "serve") == 0)
		return serve(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 4 && strcmp(argv[1], "nbconnect") == 0)
		return nbconnect(argv[2], atoi(argv[3]));
	if (argc == 3 && strcmp(argv[1], "v6only") == 0)
		return v6only(atoi(argv[2]));
	if (argc == 5 && strcmp(argv[1], "exhaust") == 0)
		return exhaust(argv[2], atoi(argv[3]), atoi(argv[4]));
	fprintf(stderr, "usage: tcpctl scan|pair|serve|nbconnect|v6only|exhaust ...\n");
	return 2;
}

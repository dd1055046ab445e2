// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Minimal libbpf loader for the probe overhead benchmark (bench/overhead.sh).
 *
 *   overhead-loader OBJECT.bpf.o...
 *
 * Opens and loads each object, attaches every program by its section name, and drains every
 * ring buffer with ring_buffer__poll, discarding the records. Prints "ready" on standard output
 * once all programs are attached, and exits on SIGINT or SIGTERM. A program whose section names
 * a tracepoint that this kernel lacks is not loaded. A program in a bare "tracepoint" section is
 * attached to sys_exit_NAME for every sys_enter_NAME program of its object, as the file probe
 * does from Java. Maps keep the contents
 * that the object declares: no configuration is written, so the programs run with zeroed
 * config maps and .rodata defaults, and the syscall probe's counting generations are never
 * swapped (the counts accumulate in the first generation map).
 *
 * Build: gcc -O2 -o overhead-loader overhead-loader.c -lbpf
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_OBJECTS 8
#define TRACEFS_EVENTS "/sys/kernel/tracing/events/"
#define ENTER_PREFIX "tracepoint/syscalls/sys_enter_"

#define POLL_TIMEOUT_MS 100

static volatile sig_atomic_t stopping;

static void request_stop(int signal_number)
{
	(void)signal_number;
	stopping = 1;
}

static int discard_record(void *context, void *data, size_t size)
{
	(void)context;
	(void)data;
	(void)size;
	return 0;
}

static int add_ring_buffers(struct bpf_object *object, struct ring_buffer **rings)
{
	struct bpf_map *map;
	int err;

	bpf_object__for_each_map(map, object) {
		if (bpf_map__type(map) != BPF_MAP_TYPE_RINGBUF)
			continue;
		if (!*rings) {
			*rings = ring_buffer__new(bpf_map__fd(map), discard_record, NULL, NULL);
			if (!*rings)
				return -errno;
			continue;
		}
		err = ring_buffer__add(*rings, bpf_map__fd(map), discard_record, NULL);
		if (err)
			return err;
	}
	return 0;
}

static bool tracepoint_exists(const char *section)
{
	char path[256];

	snprintf(path, sizeof(path), TRACEFS_EVENTS "%s", section + strlen("tracepoint/"));
	return access(path, F_OK) == 0;
}

static void skip_missing_tracepoints(struct bpf_object *object)
{
	struct bpf_program *program;

	bpf_object__for_each_program(program, object) {
		const char *section = bpf_program__section_name(program);

		if (strncmp(section, "tracepoint/", strlen("tracepoint/")) == 0 &&
		    !tracepoint_exists(section))
			bpf_program__set_autoload(program, false);
	}
}

/* Attaches an exit program in a bare "tracepoint" section next to each syscall enter program. */
static int attach_exit_program(struct bpf_object *object, struct bpf_program *exit_program)
{
	struct bpf_program *program;
	char name[128];

	bpf_object__for_each_program(program, object) {
		const char *section = bpf_program__section_name(program);

		if (!bpf_program__autoload(program) ||
		    strncmp(section, ENTER_PREFIX, strlen(ENTER_PREFIX)) != 0)
			continue;
		snprintf(name, sizeof(name), "sys_exit_%s", section + strlen(ENTER_PREFIX));
		if (!bpf_program__attach_tracepoint(exit_program, "syscalls", name)) {
			fprintf(stderr, "overhead-loader: attaching %s to %s failed: %s\n",
				bpf_program__name(exit_program), name, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int load_and_attach(const char *path, struct bpf_object **object_out,
			   struct ring_buffer **rings)
{
	struct bpf_object *object = bpf_object__open_file(path, NULL);
	struct bpf_program *program;
	int err;

	if (!object) {
		fprintf(stderr, "overhead-loader: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	*object_out = object;
	skip_missing_tracepoints(object);
	err = bpf_object__load(object);
	if (err) {
		fprintf(stderr, "overhead-loader: loading %s failed: %s\n", path, strerror(-err));
		return -1;
	}
	bpf_object__for_each_program(program, object) {
		if (!bpf_program__autoload(program))
			continue;
		if (strcmp(bpf_program__section_name(program), "tracepoint") == 0) {
			if (attach_exit_program(object, program))
				return -1;
			continue;
		}
		/* the link stays attached until the process exits */
		if (!bpf_program__attach(program)) {
			fprintf(stderr, "overhead-loader: attaching %s in %s failed: %s\n",
				bpf_program__name(program), path, strerror(errno));
			return -1;
		}
	}
	err = add_ring_buffers(object, rings);
	if (err) {
		fprintf(stderr, "overhead-loader: ring buffer of %s failed: %s\n", path,
			strerror(-err));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_object *objects[MAX_OBJECTS] = { 0 };
	struct ring_buffer *rings = NULL;
	int i, status = 0;

	if (argc < 2 || argc - 1 > MAX_OBJECTS) {
		fprintf(stderr, "usage: %s OBJECT.bpf.o... (1 to %d objects)\n", argv[0],
			MAX_OBJECTS);
		return 2;
	}
	signal(SIGINT, request_stop);
	signal(SIGTERM, request_stop);
	for (i = 1; i < argc; i++) {
		if (load_and_attach(argv[i], &objects[i - 1], &rings)) {
			status = 1;
			goto out;
		}
	}
	printf("ready\n");
	fflush(stdout);
	while (!stopping) {
		int err = rings ? ring_buffer__poll(rings, POLL_TIMEOUT_MS) : 0;

		if (!rings)
			pause();
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "overhead-loader: ring_buffer__poll failed: %s\n",
				strerror(-err));
			status = 1;
			break;
		}
	}
out:
	ring_buffer__free(rings);
	for (i = 0; i < MAX_OBJECTS; i++)
		bpf_object__close(objects[i]);
	return status;
}

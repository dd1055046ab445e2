// SPDX-License-Identifier: Apache-2.0
/*
 * Opens and closes one file at a fixed rate, for the alert latency benchmark: as background load
 * on a harmless file, or as the trigger of a rule on a sensitive one.
 *
 * Usage: alert-latency-load RATE SECONDS PATH
 *   RATE     opens per second, spread evenly (paced every millisecond)
 *   SECONDS  how long to run
 * Prints "opens RATE_ACHIEVED" (total opens and opens per second) at the end.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_seconds(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec + now.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double rate, seconds, start, elapsed;
	long done = 0, due;
	struct timespec tick = { 0, 1000000 };
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: alert-latency-load RATE SECONDS PATH\n");
		return 2;
	}
	rate = atof(argv[1]);
	seconds = atof(argv[2]);
	start = now_seconds();
	for (;;) {
		elapsed = now_seconds() - start;
		if (elapsed >= seconds)
			break;
		/* catch up to the opens due by now, then sleep until the next millisecond */
		due = (long)(elapsed * rate) + 1;
		while (done < due) {
			fd = open(argv[3], O_RDONLY);
			if (fd >= 0)
				close(fd);
			done++;
		}
		nanosleep(&tick, NULL);
	}
	printf("%ld %.0f\n", done, done / (now_seconds() - start));
	return 0;
}

/*
 * Syscall loop of the probe overhead benchmark (bench/overhead.sh): calls getppid CALLS times
 * through syscall(2), so that no libc cache can skip the kernel, and prints the nanoseconds per
 * call measured with CLOCK_MONOTONIC.
 *
 * Build: gcc -O2 -static -o overhead-getppid overhead-getppid.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long calls = argc > 1 ? atol(argv[1]) : 1000000;
	struct timespec start, end;
	double elapsed_ns;
	long i;

	if (calls <= 0) {
		fprintf(stderr, "usage: %s CALLS (a positive count)\n", argv[0]);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (i = 0; i < calls; i++)
		syscall(SYS_getppid);
	clock_gettime(CLOCK_MONOTONIC, &end);
	elapsed_ns = (end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec);
	printf("%.1f\n", elapsed_ns / calls);
	return 0;
}

/*
 * What one thread waking another costs on this machine, before either does any work of its own:
 * a byte sent through a pipe to a thread that echoes it back, after the sender slept for a gap
 * (so the CPUs have gone idle, as they do between events at low rates). For each gap it prints
 * the round trip's p50/p90/p99 and the CPU time the process was charged per round trip (three
 * wake-ups: the sender's sleep ends, the echo wakes, the sender wakes).
 *
 *     cc -O2 -pthread Benchmarks/wakeup/wakeup_cost.c -o /tmp/wakeup_cost && /tmp/wakeup_cost
 *
 * It measures the machine, not the product: docs/benchmarks.md ("What a wake-up costs") uses it
 * to say why a lifecycle costs four times the CPU at 10/s that it costs at 100/s.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

enum { SAMPLES = 2000 };

static int to_echo[2], from_echo[2];

static double now_us(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1e6 + now.tv_nsec / 1e3;
}

static double cpu_us(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 + usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

static void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static void *echo(void *unused) {
    (void)unused;
    pin(1);
    char byte;
    while (read(to_echo[0], &byte, 1) == 1) {
        if (write(from_echo[1], &byte, 1) != 1) break;
    }
    return NULL;
}

static int ascending(const void *a, const void *b) {
    double d = *(const double *)a - *(const double *)b;
    return d < 0 ? -1 : d > 0;
}

int main(void) {
    if (pipe(to_echo) || pipe(from_echo)) { perror("pipe"); return 1; }
    pthread_t thread;
    pthread_create(&thread, NULL, echo, NULL);
    pin(0);
    static double took[SAMPLES];
    const int gaps[] = {0, 1000, 10000};
    for (int g = 0; g < 3; g++) {
        char byte = 'x';
        double cpu_before = cpu_us();
        for (int i = 0; i < SAMPLES; i++) {
            if (gaps[g]) usleep(gaps[g]);
            double start = now_us();
            if (write(to_echo[1], &byte, 1) != 1 || read(from_echo[0], &byte, 1) != 1) { perror("pipe"); return 1; }
            took[i] = now_us() - start;
        }
        double cpu = cpu_us() - cpu_before;
        qsort(took, SAMPLES, sizeof took[0], ascending);
        printf("after %5d us idle: round trip p50 %6.1f us, p90 %6.1f, p99 %7.1f; CPU per round trip %6.1f us\n", gaps[g],
               took[SAMPLES / 2], took[SAMPLES * 9 / 10], took[SAMPLES * 99 / 100], cpu / SAMPLES);
    }
    return 0;
}

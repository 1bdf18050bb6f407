/*
 * Native runner for figure 5: `poolloop COUNT MINSIZE MAXSIZE REPS`. Runs PoolLoopRun once to warm
 * up, then REPS times, printing each run's nanoseconds per allocate/write/free, one per line, and
 * the checksum last (so the loop cannot be optimised away and every build can be compared).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "poolloop.h"

static double NowNs(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    ULONG count, minSize, maxSize, sum = 0;
    int reps, r;

    if (argc != 5) {
        fprintf(stderr, "usage: %s COUNT MINSIZE MAXSIZE REPS\n", argv[0]);
        return 2;
    }
    count = (ULONG)strtoul(argv[1], NULL, 0);
    minSize = (ULONG)strtoul(argv[2], NULL, 0);
    maxSize = (ULONG)strtoul(argv[3], NULL, 0);
    reps = atoi(argv[4]);
    if (count == 0 || minSize == 0 || maxSize < minSize || reps <= 0) {
        fprintf(stderr, "poolloop: bad arguments\n");
        return 2;
    }
    PoolLoopRun(count / 10 + 1, minSize, maxSize);
    for (r = 0; r < reps; r++) {
        double t0 = NowNs();
        ULONG s = PoolLoopRun(count, minSize, maxSize);
        double t1 = NowNs();
        if (s == (ULONG)-1) {
            fprintf(stderr, "poolloop: allocation failed\n");
            return 1;
        }
        sum ^= s;
        printf("%.3f\n", (t1 - t0) / count);
    }
    printf("checksum %u\n", sum);
    return 0;
}

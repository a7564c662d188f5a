/*
 * fuzz_empty.c: the floor of fuzz execs/s. A persistent AFL++ harness
 * with the same loop as fuzz/harness.c (shared-memory test case, 10000
 * runs per fork) that only touches its input: what afl-fuzz itself costs
 * per exec on this machine.
 */
#include <stddef.h>
#include <unistd.h>     /* read(): the test-case macros fall back to stdin */

__AFL_FUZZ_INIT();

int main(void)
{
    __AFL_INIT();
    unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
    volatile unsigned sink = 0;

    while (__AFL_LOOP(10000)) {
        int len = __AFL_FUZZ_TESTCASE_LEN;
        if (len > 0)
            sink += buf[0];
    }
    return (int)(sink & 0);
}

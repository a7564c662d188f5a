/*
 * empty.c: the floor of AFL++ persistent mode on this machine: a harness
 * that reads its shared-memory input and does nothing else. `make
 * fuzz-bench` reports the real harness's execs/s beside this one's.
 */
#include <stddef.h>
#include <unistd.h>   /* read(), which __AFL_FUZZ_INIT's fallback uses */
__AFL_FUZZ_INIT();

volatile unsigned sink;

int main(void)
{
    __AFL_INIT();
    unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
    while (__AFL_LOOP(100000)) {
        int n = __AFL_FUZZ_TESTCASE_LEN;
        if (n > 0 && buf[0] == 'x')
            sink++;
    }
    return 0;
}

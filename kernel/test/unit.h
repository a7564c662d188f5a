/*
 * unit.h: the smallest test harness that will do for the host unit tests.
 *
 *   TEST(name) { ... EXPECT_EQ(a, b); ... }
 *   int main(void) { RUN(name); ...; return unit_report(); }
 *
 * A failed EXPECT prints file:line, both values in hex, and marks the test
 * failed; the test goes on so that one run shows every broken expectation.
 */
#ifndef VMK_UNIT_H
#define VMK_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_failed_tests, unit_run_tests, unit_cur_failed;

#define TEST(name) static void name(void)

#define RUN(name) do {                                             \
        unit_cur_failed = 0; unit_run_tests++;                     \
        name();                                                    \
        if (unit_cur_failed) { unit_failed_tests++;                \
            printf("FAIL %s\n", #name); }                          \
        else printf("ok   %s\n", #name);                           \
    } while (0)

#define EXPECT_EQ(a, b) do {                                       \
        unsigned long long _a = (unsigned long long)(a);           \
        unsigned long long _b = (unsigned long long)(b);           \
        if (_a != _b) { unit_cur_failed = 1;                       \
            printf("  %s:%d: %s == %s: 0x%llx != 0x%llx\n",        \
                   __FILE__, __LINE__, #a, #b, _a, _b); }          \
    } while (0)

#define EXPECT_STR(a, b) do {                                      \
        const char *_a = (a), *_b = (b);                           \
        if (strcmp(_a, _b)) { unit_cur_failed = 1;                 \
            printf("  %s:%d: %s == %s: \"%s\" != \"%s\"\n",       \
                   __FILE__, __LINE__, #a, #b, _a, _b); }          \
    } while (0)

#define EXPECT(c) do { if (!(c)) { unit_cur_failed = 1;            \
        printf("  %s:%d: expected %s\n", __FILE__, __LINE__, #c); } \
    } while (0)

static inline int unit_report(void)
{
    printf("%d/%d tests passed\n", unit_run_tests - unit_failed_tests,
           unit_run_tests);
    return unit_failed_tests ? 1 : 0;
}

#endif

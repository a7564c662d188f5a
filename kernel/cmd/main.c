/*
 * main.c: the kernel's life after boot: bring up mm, say `ready`, then
 * read one request at a time and answer it, forever (until `exit`).
 */
#include "arch.h"
#include "access.h"
#include "cmd.h"
#include "mm.h"

/* The line being read: up to LINE_MAX bytes plus one '\r' that may end
 * it; anything beyond marks the line too long and is drained. */
static struct {
    char buf[LINE_MAX + 2];
    u32  len;
    bool overflow;
} rd;

/* Reads one line. False at the end of input with nothing read. */
static bool read_line(void)
{
    rd.len = 0;
    rd.overflow = false;
    for (;;) {
        int c = arch_getc();
        if (c < 0)
            return rd.len > 0 || rd.overflow;
        if (c == '\n')
            return true;
        if (rd.len < LINE_MAX + 1)
            rd.buf[rd.len++] = (char)c;
        else
            rd.overflow = true;
    }
}

/* Answers the line in rd: TOO_LONG, BAD_ARG for bytes outside printable
 * ASCII, nothing for a line without tokens, else the command's reply. */
static void serve_line(void)
{
    if (rd.len > 0 && rd.buf[rd.len - 1] == '\r')
        rd.len--;
    if (rd.overflow || rd.len > LINE_MAX) {
        out_err(E_TOO_LONG);
        return;
    }
    if (!parse_printable(rd.buf, rd.len)) {
        out_err(E_BAD_ARG);
        return;
    }
    rd.buf[rd.len] = '\0';
    cmd_dispatch(rd.buf);
}

static void say_ready(void)
{
    const struct arch_boot *b = mm_boot();
    out_begin("ready");
    out_str("version", VMK_VERSION);
    out_hex("ram_base", b->ram_base);
    out_hex("ram_size", b->ram_size);
    out_dec("cpus", b->cpus);
    out_end();
}

void kmain(void)
{
    struct arch_boot b;
    arch_boot_info(&b);
    if (mm_init(&b) != 0)
        arch_panic("mm_init");
    access_set_sink(cmd_print_event);
    say_ready();
    while (read_line())
        serve_line();
    arch_exit(0);
}

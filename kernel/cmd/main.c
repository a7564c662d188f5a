/*
 * main.c: the kernel's life after boot: bring up mm, say `ready`, then
 * read one request at a time and answer it, forever (until `exit`).
 */
#include "arch.h"
#include "access.h"
#include "cmd.h"
#include "mm.h"

/* The line being read: up to LINE_MAX bytes (and the NUL parse_tokens
 * needs); anything beyond marks the line too long and is drained. */
static struct {
    char buf[LINE_MAX + 1];
    u32  len;
    bool overflow;
    bool after_cr;   /* the last line ended with '\r': a '\n' next is
                        the rest of that line end ("\r\n"), not a line */
} rd;

/* Reads one line. A line ends with '\n' or '\r' (PROTOCOL 1.1: a
 * terminal's Enter sends '\r'), and "\r\n" is one end: so the reply to a
 * line ended by '\r' goes out at once, without waiting to see what comes
 * next, and a '\n' right after is dropped when it arrives. False at the
 * end of input with nothing read. */
static bool read_line(void)
{
    rd.len = 0;
    rd.overflow = false;
    for (;;) {
        int c = arch_getc();
        if (c < 0)
            return rd.len > 0 || rd.overflow;
        bool lf_of_crlf = rd.after_cr && c == '\n';
        rd.after_cr = c == '\r';
        if (lf_of_crlf)
            continue;
        if (c == '\n' || c == '\r')
            return true;
        if (rd.len < LINE_MAX)
            rd.buf[rd.len++] = (char)c;
        else
            rd.overflow = true;
    }
}

/* Says which byte of the line is not printable ASCII. */
static void why_unprintable(void)
{
    for (u32 i = 0; i < rd.len; i++)
        if (!parse_printable(&rd.buf[i], 1)) {
            why("byte ");
            why_hex((u8)rd.buf[i]);
            why(" at column ");
            why_dec(i + 1);
            why(" is not printable ASCII");
            return;
        }
}

/* Answers the line in rd: TOO_LONG, BAD_ARG for bytes outside printable
 * ASCII, nothing for a line without tokens, else the command's reply. */
static void serve_line(void)
{
    why_reset();
    if (rd.overflow) {
        why("the line is longer than 255 bytes");
        out_err(E_TOO_LONG);
        return;
    }
    if (!parse_printable(rd.buf, rd.len)) {
        why_unprintable();
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

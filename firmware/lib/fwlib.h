/*
 * Helpers shared by the freestanding AArch64 images: the reference client,
 * the C hostile images and the benchmark images.  firmware/firmware.mk
 * builds them once into $(FW_OUT)/lib/libfw.a; each image links the
 * archive and gets the members it calls.
 *
 * Everything here is in section rt_text: the reference client still runs
 * it after ExitBootServices, so its linker.ld keeps it with its runtime
 * code; the other images' linker scripts gather rt_text into their .text.
 */
#ifndef FWLIB_H
#define FWLIB_H

#include <stddef.h>
#include <stdint.h>

#include "abi/smccc.h"

/*
 * The reference client's runtime sections (firmware/refclient/linker.ld),
 * all it may touch after ExitBootServices.
 */
#define __rt_text __attribute__((section("rt_text")))
#define __rt_data __attribute__((section("rt_data")))
#define __rt_bss __attribute__((section("rt_bss")))

/* The PL011 of qemu-virt, as the harness models it. */
#define UART_BASE UINT64_C(0x09000000)

/* smccc.S: x0..x17 from *r, SMC #0, x0..x17 back into *r. */
void smccc_call(struct smccc_regs *r);

/* string.c: the compiler may call memcpy and memset on its own, too. */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* uart.c */
void uart_putc(char c);
/* Sends each '\n' as "\r\n"; uart_putc('\n') ends a line with '\n' alone. */
void uart_puts(const char *s);

#endif /* FWLIB_H */

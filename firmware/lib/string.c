/*
 * memcpy, memset and memcmp of the freestanding images (fwlib.h).  In
 * rt_text: the compiler may call them from anywhere, the reference
 * client's runtime code included.
 */
#include "fwlib.h"

/*
 * Eight bytes at a time when both ends are aligned: every guest store is
 * expensive in Unicorn 2.0.1 (docs/performance.md), and byte loops would
 * bury what the images do (the agent's steps and results, the benchmarks'
 * doorbells) under their copies.
 */
__rt_text void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if ((((uintptr_t)d | (uintptr_t)s) & 7u) == 0) {
		for (; n >= 8; n -= 8, d += 8, s += 8) {
			*(uint64_t *)(void *)d = *(const uint64_t *)(const void *)s;
		}
	}
	while (n-- != 0) {
		*d++ = *s++;
	}
	return dst;
}

__rt_text void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;
	uint64_t pattern = (uint8_t)c * UINT64_C(0x0101010101010101);

	if (((uintptr_t)d & 7u) == 0) {
		for (; n >= 8; n -= 8, d += 8) {
			*(uint64_t *)(void *)d = pattern;
		}
	}
	while (n-- != 0) {
		*d++ = (uint8_t)c;
	}
	return dst;
}

__rt_text int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a;
	const uint8_t *y = b;

	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i]) {
			return x[i] < y[i] ? -1 : 1;
		}
	}
	return 0;
}

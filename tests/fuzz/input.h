/*
 * Reading a libFuzzer input as a stream of typed values, for the targets in
 * tests/fuzz/.  Past the end every read gives zero (or an empty range), so a
 * target never needs to check lengths and every input, however short, is a
 * complete test case.  Multi-byte values are little-endian.
 */
#ifndef TESTS_FUZZ_INPUT_H
#define TESTS_FUZZ_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fuzz_input {
	const uint8_t *data;
	size_t left;
};

static inline struct fuzz_input fuzz_input_init(const uint8_t *data,
						size_t size)
{
	return (struct fuzz_input){.data = data, .left = size};
}

static inline bool fuzz_input_empty(const struct fuzz_input *in)
{
	return in->left == 0;
}

/* Up to n bytes as an unsigned value; missing bytes read as zero. */
static inline uint64_t fuzz_input_uint(struct fuzz_input *in, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n && in->left > 0; i++) {
		v |= (uint64_t)in->data[0] << (8 * i);
		in->data++;
		in->left--;
	}
	return v;
}

static inline uint8_t fuzz_input_u8(struct fuzz_input *in)
{
	return (uint8_t)fuzz_input_uint(in, 1);
}

static inline uint16_t fuzz_input_u16(struct fuzz_input *in)
{
	return (uint16_t)fuzz_input_uint(in, 2);
}

static inline uint32_t fuzz_input_u32(struct fuzz_input *in)
{
	return (uint32_t)fuzz_input_uint(in, 4);
}

static inline uint64_t fuzz_input_u64(struct fuzz_input *in)
{
	return fuzz_input_uint(in, 8);
}

/*
 * Takes up to want bytes: *got says how many there were.  The pointer stays
 * valid for the duration of the input (it points into it).
 */
static inline const uint8_t *fuzz_input_bytes(struct fuzz_input *in,
					      size_t want, size_t *got)
{
	const uint8_t *p = in->data;

	*got = want < in->left ? want : in->left;
	in->data += *got;
	in->left -= *got;
	return p;
}

/* Everything that is left. */
static inline const uint8_t *fuzz_input_rest(struct fuzz_input *in,
					     size_t *got)
{
	return fuzz_input_bytes(in, in->left, got);
}

#endif /* TESTS_FUZZ_INPUT_H */

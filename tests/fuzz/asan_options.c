/*
 * AddressSanitizer defaults for every fuzz target (linked into each one by
 * tests/fuzz/fuzz.mk); ASAN_OPTIONS in the environment still overrides.
 *
 * - quarantine_size_mb=16: freed blocks wait in a 16 MiB quarantine
 *   instead of 256 MiB.  A use after free is still caught while the block
 *   waits, and one input frees far less than 16 MiB, so every such use
 *   within an input is caught; the smaller quarantine hands back memory
 *   that is still mapped, where the large one made each input fault in
 *   fresh pages (a third of fuzz_ffa's time, docs/fuzzing.md).
 * - max_malloc_fill_size=0: fresh blocks are not filled with 0xbe.  The
 *   fill only makes reads of uninitialised memory more visible; the
 *   models allocate with calloc, and the fill of every block cost a fifth
 *   of each input.
 *
 * Sanitizer runtime interface: compiler-rt's
 * include/sanitizer/asan_interface.h declares __asan_default_options().
 */
const char *__asan_default_options(void);

const char *__asan_default_options(void)
{
	return "quarantine_size_mb=16:max_malloc_fill_size=0";
}

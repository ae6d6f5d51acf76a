/*
 * png_probe: counts the pixels of one colour in a rectangle of a PNG file,
 * so that a shell test can tell whether a screenshot shows what it should
 * (tests/integration/test-reports-html.sh: the sequence diagram's arrows).
 *
 *   png_probe FILE RRGGBB TOLERANCE [X0 Y0 X1 Y1]
 *
 * Prints "WIDTH HEIGHT COUNT": COUNT pixels in [X0,X1) x [Y0,Y1) (default:
 * the whole image) whose red, green and blue each differ from RRGGBB by at
 * most TOLERANCE.  Exit status 0, or 2 with a message for a file it cannot
 * read.
 *
 * Reads 8-bit, non-interlaced greyscale, grey+alpha, RGB and RGBA images
 * (what Chromium's --screenshot writes); alpha is ignored.  Chunk CRCs are
 * checked.  Built by the test script with `cc ... -lz`: zlib's inflate
 * decodes the IDAT stream, the five PNG row filters are undone here.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct image {
	uint32_t width;
	uint32_t height;
	unsigned channels; /* bytes per pixel */
	uint8_t *pixels;   /* height rows of width * channels bytes */
};

static int die(const char *fmt, const char *arg)
{
	fprintf(stderr, "png_probe: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return 2;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;

	if (f == NULL) {
		return NULL;
	}
	for (;;) {
		size_t got;

		if (n == cap) {
			uint8_t *bigger;

			cap = cap ? cap * 2 : 1 << 16;
			bigger = realloc(buf, cap);
			if (bigger == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = bigger;
		}
		got = fread(buf + n, 1, cap - n, f);
		if (got == 0) {
			break;
		}
		n += got;
	}
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

static int paeth(int a, int b, int c)
{
	int p = a + b - c;
	int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	if (pa <= pb && pa <= pc) {
		return a;
	}
	return pb <= pc ? b : c;
}

/* Undoes the row filters of raw (height rows of 1 + stride bytes). */
static const char *unfilter(const uint8_t *raw, struct image *img)
{
	size_t bpp = img->channels;
	size_t stride = (size_t)img->width * bpp;

	for (uint32_t y = 0; y < img->height; y++) {
		const uint8_t *in = raw + (size_t)y * (stride + 1);
		uint8_t *row = img->pixels + (size_t)y * stride;
		const uint8_t *up = y > 0 ? row - stride : NULL;
		uint8_t filter = in[0];

		in++;
		for (size_t x = 0; x < stride; x++) {
			int a = x >= bpp ? row[x - bpp] : 0;
			int b = up != NULL ? up[x] : 0;
			int c = (x >= bpp && up != NULL) ? up[x - bpp] : 0;
			int v;

			switch (filter) {
			case 0:
				v = in[x];
				break;
			case 1:
				v = in[x] + a;
				break;
			case 2:
				v = in[x] + b;
				break;
			case 3:
				v = in[x] + (a + b) / 2;
				break;
			case 4:
				v = in[x] + paeth(a, b, c);
				break;
			default:
				return "unknown row filter";
			}
			row[x] = (uint8_t)v;
		}
	}
	return NULL;
}

static const char *inflate_all(const uint8_t *z, size_t zlen, uint8_t *out,
			       size_t out_len)
{
	z_stream s;
	int rc;

	if (zlen > UINT_MAX || out_len > UINT_MAX) {
		return "image too large";
	}
	memset(&s, 0, sizeof(s));
	if (inflateInit(&s) != Z_OK) {
		return "inflateInit failed";
	}
	s.next_in = (Bytef *)(uintptr_t)z;
	s.avail_in = (uInt)zlen;
	s.next_out = out;
	s.avail_out = (uInt)out_len;
	rc = inflate(&s, Z_FINISH);
	inflateEnd(&s);
	if (rc != Z_STREAM_END) {
		return "corrupt image data";
	}
	if (s.total_out != out_len) {
		return "image data too short";
	}
	return NULL;
}

static const char *decode(const uint8_t *buf, size_t len, struct image *img)
{
	static const uint8_t signature[8] = {0x89, 'P',	 'N',  'G',
					     '\r', '\n', 0x1a, '\n'};
	uint8_t *idat = NULL, *raw;
	size_t idat_len = 0, pos = 8, raw_len;
	bool have_header = false;
	const char *problem = NULL;

	if (len < 8 || memcmp(buf, signature, 8) != 0) {
		return "not a PNG file";
	}
	while (pos + 12 <= len) {
		uint32_t n = be32(buf + pos);
		const uint8_t *type = buf + pos + 4;
		const uint8_t *data = buf + pos + 8;

		if (n > len - pos - 12) {
			problem = "truncated chunk";
			goto free_idat;
		}
		if (crc32(crc32(0, NULL, 0), type, n + 4) != be32(data + n)) {
			problem = "chunk CRC mismatch";
			goto free_idat;
		}
		if (memcmp(type, "IHDR", 4) == 0 && n == 13) {
			static const unsigned channels[7] = {1, 0, 3, 0,
							     2, 0, 4};

			img->width = be32(data);
			img->height = be32(data + 4);
			if (data[8] != 8 || data[9] > 6 ||
			    channels[data[9]] == 0 || data[12] != 0) {
				problem =
				    "only 8-bit non-interlaced grey, "
				    "RGB and RGBA images are read";
				goto free_idat;
			}
			img->channels = channels[data[9]];
			have_header = true;
		} else if (memcmp(type, "IDAT", 4) == 0) {
			uint8_t *bigger = realloc(idat, idat_len + n + 1);

			if (bigger == NULL) {
				problem = "out of memory";
				goto free_idat;
			}
			idat = bigger;
			memcpy(idat + idat_len, data, n);
			idat_len += n;
		} else if (memcmp(type, "IEND", 4) == 0) {
			break;
		}
		pos += 12 + (size_t)n;
	}
	if (!have_header || idat == NULL || img->width == 0 ||
	    img->height == 0 || img->width > 1u << 14 ||
	    img->height > 1u << 14) {
		problem = "missing or unreasonable IHDR/IDAT";
		goto free_idat;
	}
	raw_len =
	    (size_t)img->height * (1 + (size_t)img->width * img->channels);
	raw = malloc(raw_len);
	img->pixels = malloc(raw_len);
	if (raw == NULL || img->pixels == NULL) {
		free(raw);
		problem = "out of memory";
		goto free_idat;
	}
	problem = inflate_all(idat, idat_len, raw, raw_len);
	if (problem == NULL) {
		problem = unfilter(raw, img);
	}
	free(raw);
free_idat:
	free(idat);
	return problem;
}

static bool parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max) {
		return false;
	}
	*out = v;
	return true;
}

int main(int argc, char **argv)
{
	struct image img = {0, 0, 0, NULL};
	long rect[4] = {0, 0, LONG_MAX, LONG_MAX};
	long tolerance;
	unsigned long rgb;
	unsigned long long count = 0;
	const char *problem;
	char *end;
	uint8_t *buf;
	size_t len;

	if (argc != 4 && argc != 8) {
		fprintf(stderr,
			"usage: png_probe FILE RRGGBB TOLERANCE "
			"[X0 Y0 X1 Y1]\n");
		return 2;
	}
	rgb = strtoul(argv[2], &end, 16);
	if (strlen(argv[2]) != 6 || *end != '\0') {
		return die("colour '%s' is not RRGGBB", argv[2]);
	}
	if (!parse_long(argv[3], 0, 255, &tolerance)) {
		return die("tolerance '%s' is not 0..255", argv[3]);
	}
	for (int i = 0; argc == 8 && i < 4; i++) {
		if (!parse_long(argv[4 + i], 0, LONG_MAX, &rect[i])) {
			return die("'%s' is not a coordinate", argv[4 + i]);
		}
	}
	buf = read_file(argv[1], &len);
	if (buf == NULL) {
		return die("cannot read %s", argv[1]);
	}
	problem = decode(buf, len, &img);
	free(buf);
	if (problem != NULL) {
		free(img.pixels);
		return die("%s", problem);
	}
	for (uint32_t y = 0; y < img.height; y++) {
		for (uint32_t x = 0; x < img.width; x++) {
			const uint8_t *p =
			    img.pixels +
			    ((size_t)y * img.width + x) * img.channels;
			int r = p[0];
			int g = img.channels >= 3 ? p[1] : p[0];
			int b = img.channels >= 3 ? p[2] : p[0];

			if (x < rect[0] || x >= rect[2] || y < rect[1] ||
			    y >= rect[3]) {
				continue;
			}
			if (abs(r - (int)(rgb >> 16 & 0xff)) <= tolerance &&
			    abs(g - (int)(rgb >> 8 & 0xff)) <= tolerance &&
			    abs(b - (int)(rgb & 0xff)) <= tolerance) {
				count++;
			}
		}
	}
	printf("%lu %lu %llu\n", (unsigned long)img.width,
	       (unsigned long)img.height, count);
	free(img.pixels);
	return 0;
}

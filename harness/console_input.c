#include "harness/console_input.h"

#include <string.h>

const char console_input_help[] =
	"C-a h    print this help\n"
	"C-a x    quit: the run ends with a verdict, reports are written\n"
	"C-a s    status: instructions, SMCs and findings so far\n"
	"C-a C-a  send C-a to the firmware\n";

/* The second byte of an escape sequence and what it means. */
static const struct {
	char key;
	enum console_command command;
} escape_keys[] = {
	{'x', CONSOLE_CMD_QUIT},
	{'h', CONSOLE_CMD_HELP},
	{'s', CONSOLE_CMD_STATUS},
};
#define ESCAPE_KEY_COUNT (sizeof(escape_keys) / sizeof(escape_keys[0]))

void console_input_init(struct console_input *in)
{
	memset(in, 0, sizeof(*in));
}

size_t console_input_room(const struct console_input *in)
{
	return in->quit ? 0 : CONSOLE_INPUT_CAP - in->count;
}

size_t console_input_queued(const struct console_input *in)
{
	return in->count;
}

static void push(struct console_input *in, char c)
{
	in->queue[(in->head + in->count) % CONSOLE_INPUT_CAP] = c;
	in->count++;
}

enum console_command console_input_take(struct console_input *in,
					 const char *bytes, size_t len,
					 size_t *used)
{
	size_t i;

	for (i = 0; i < len && console_input_room(in) != 0; i++) {
		char c = bytes[i];

		if (!in->escape) {
			if (c == CONSOLE_ESCAPE_CHAR) {
				in->escape = true;
			} else {
				push(in, c);
			}
			continue;
		}
		in->escape = false;
		if (c == CONSOLE_ESCAPE_CHAR) {
			push(in, c);
			continue;
		}
		/* Like QEMU's multiplexer, an unknown key after C-a is
		 * dropped, not sent. */
		for (size_t k = 0; k < ESCAPE_KEY_COUNT; k++) {
			if (escape_keys[k].key == c) {
				*used = i + 1;
				in->quit = escape_keys[k].command ==
					   CONSOLE_CMD_QUIT;
				return escape_keys[k].command;
			}
		}
	}
	*used = i;
	return CONSOLE_CMD_NONE;
}

size_t console_input_pop(struct console_input *in, char *out, size_t max)
{
	size_t n = 0;

	while (n < max && in->count != 0) {
		out[n++] = in->queue[in->head];
		in->head = (in->head + 1) % CONSOLE_INPUT_CAP;
		in->count--;
	}
	return n;
}

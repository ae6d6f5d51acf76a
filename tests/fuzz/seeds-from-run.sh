#!/bin/bash
# Turns the traces of a run (`ffa-harness run ... --json RESULTS`) into seed
# inputs for fuzz_ffa and fuzz_mm, one file per scenario, in the input
# layouts their file headers describe:
#   fuzz_ffa   every FF-A call of the scenario as a register bundle, each
#              doorbell preceded by writes of its request into the shared
#              buffer (SPMC v1.2, trace events on);
#   fuzz_mm    every doorbell's request bytes and offset (4 KiB buffer,
#              trace events on).
# Usage: tests/fuzz/seeds-from-run.sh RESULTS.json OUTDIR
# writes OUTDIR/fuzz_ffa/<scenario> and OUTDIR/fuzz_mm/<scenario>.
set -eu
results=$1
out=$2
mkdir -p "$out/fuzz_ffa" "$out/fuzz_mm"

# le BYTES VALUE: VALUE (decimal or 0x-hex) as BYTES little-endian bytes.
le() {
	local n=$1 v=$(($2)) i
	for ((i = 0; i < n; i++)); do
		printf "\\x$(printf %02x $(((v >> (8 * i)) & 0xff)))"
	done
}

# hexbytes HEX: the bytes a hex string spells.
hexbytes() {
	local h=$1 i
	for ((i = 0; i < ${#h}; i += 2)); do
		printf "\\x${h:i:2}"
	done
}

count=$(jq '.scenarios | length' "$results")
for ((s = 0; s < count; s++)); do
	name=$(jq -r ".scenarios[$s].name" "$results")
	ffa=$out/fuzz_ffa/$name
	mm=$out/fuzz_mm/$name
	printf '\x22' >"$ffa" # v1.2, trace events
	printf '\x10' >"$mm"  # 4 KiB buffer, trace events
	# One line per FF-A call: x0..x17, then the request (or -), offset.
	jq -r ".scenarios[$s].trace[] | select(.name != null) |
		select(.name | startswith(\"FFA_\")) |
		[(.in | join(\" \")), (.mm.request // \"-\"),
		 (.mm.offset // \"0\")] | join(\" \")" "$results" |
	while read -r -a f; do
		request=${f[18]}
		offset=${f[19]}
		if [ "$request" != - ]; then
			# fuzz_ffa: writes of at most 255 bytes (u8 length).
			for ((i = 0; i < ${#request}; i += 510)); do
				chunk=${request:i:510}
				{
					printf '\xe2'
					le 2 $((offset + i / 2))
					le 1 $((${#chunk} / 2))
					hexbytes "$chunk"
				} >>"$ffa"
			done
			# fuzz_mm: flags 0, u16 offset, u16 length, bytes.
			{
				printf '\x00'
				le 2 "$offset"
				le 2 $((${#request} / 2))
				hexbytes "$request"
			} >>"$mm"
		fi
		# fuzz_ffa: an SMC, raw function ID, tags (8 raw bytes for
		# each non-zero register), the values.
		tags=0
		for ((r = 1; r < 18; r++)); do
			if [ $((f[r])) -ne 0 ]; then
				tags=$((tags | 3 << (2 * (r - 1))))
			fi
		done
		{
			printf '\x00\xf0'
			le 4 "${f[0]}"
			le 5 "$tags"
			for ((r = 1; r < 18; r++)); do
				if [ $((f[r])) -ne 0 ]; then
					le 8 "${f[r]}"
				fi
			done
		} >>"$ffa"
	done
	# A scenario without doorbells gives no MM seed.
	[ "$(stat -c %s "$mm")" -gt 1 ] || rm -f "$mm"
done

// lz: see lz.h. Freestanding C: no libc, so that it builds to WebAssembly
// without one.
#include "lz.h"

#define HASH_BITS 12
#define MIN_MATCH 4
#define MAX_OFFSET 65535

#ifdef __wasm__
#define EXPORT(name) __attribute__((export_name(name)))
#define PER_THREAD // an instance runs one call at a time: its memory is its state
#else
#define EXPORT(name)
#define PER_THREAD _Thread_local
#endif

typedef unsigned int u32;

// A thread's working state. The table maps a hash of 4 input bytes to where
// they were last seen, as base+position: entries below the current call's
// base are from earlier calls and ignored, so the table is cleared only on
// lz_init and when base wraps, and the output depends on the input alone.
struct lz_state {
	u32 table[1 << HASH_BITS];
	u32 base;
	int ready;
};

static PER_THREAD struct lz_state st;

// clear zeroes the table. clang turns a plain zeroing loop into a call to
// memset, which a freestanding WebAssembly module does not have (wasm-ld:
// "undefined symbol: memset"): build_wasm.sh passes -ffreestanding, which
// stops it (-fno-builtin alone does not, with clang 14).
static void clear(void) {
	for (int i = 0; i < (1 << HASH_BITS); i++) {
		st.table[i] = 0;
	}
	st.base = 1;
}

EXPORT("lz_init")
int lz_init(void) {
	clear();
	st.ready = 1;
	return 0;
}

EXPORT("lz_shutdown")
void lz_shutdown(void) { st.ready = 0; }

EXPORT("lz_bound")
int lz_bound(int n) { return n + n / 255 + 16; }

static u32 read32(const unsigned char *p) {
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

// put_length writes the part of a length beyond 15 as 255s and a remainder.
static int put_length(unsigned char *dst, int op, int len) {
	for (len -= 15; len >= 255; len -= 255) {
		dst[op++] = 255;
	}
	dst[op++] = (unsigned char)len;
	return op;
}

// sequence writes one token: literals, then (mlen > 0) a match of mlen bytes
// at off bytes back. Token: literal count in the high nibble, match length
// minus 4 in the low one, 15 meaning "more bytes follow".
static int sequence(unsigned char *dst, int op, const unsigned char *lit, int nlit, int off, int mlen) {
	int m = mlen > 0 ? mlen - MIN_MATCH : 0;
	dst[op++] = (unsigned char)((nlit < 15 ? nlit : 15) << 4 | (m < 15 ? m : 15));
	if (nlit >= 15) {
		op = put_length(dst, op, nlit);
	}
	for (int i = 0; i < nlit; i++) {
		dst[op++] = lit[i];
	}
	if (mlen > 0) {
		dst[op++] = (unsigned char)(off & 255);
		dst[op++] = (unsigned char)(off >> 8);
		if (m >= 15) {
			op = put_length(dst, op, m);
		}
	}
	return op;
}

EXPORT("lz_compress")
int lz_compress(const unsigned char *src, int n, unsigned char *dst, int cap) {
	if (!st.ready) {
		return LZ_ENOSTATE;
	}
	if (n < 0 || n > LZ_MAX_INPUT) {
		return LZ_EINPUT;
	}
	if (cap < lz_bound(n)) {
		return LZ_ESPACE;
	}
	if (st.base > 0xF0000000u) {
		clear();
	}
	u32 base = st.base;
	st.base += (u32)n + 1;

	int ip = 0, anchor = 0, op = 0;
	while (ip + MIN_MATCH <= n) {
		u32 seq = read32(src + ip);
		u32 h = (seq * 2654435761u) >> (32 - HASH_BITS);
		u32 ref = st.table[h];
		st.table[h] = base + (u32)ip;
		if (ref >= base && ref - base < (u32)ip) {
			int cand = (int)(ref - base);
			if (ip - cand <= MAX_OFFSET && read32(src + cand) == seq) {
				int len = MIN_MATCH;
				while (ip + len < n && src[cand + len] == src[ip + len]) {
					len++;
				}
				op = sequence(dst, op, src + anchor, ip - anchor, ip - cand, len);
				ip += len;
				anchor = ip;
				continue;
			}
		}
		ip++;
	}
	return sequence(dst, op, src + anchor, n - anchor, 0, 0);
}

#ifdef __wasm__
static unsigned char src_buf[LZ_MAX_INPUT];
static unsigned char dst_buf[LZ_MAX_INPUT + LZ_MAX_INPUT / 255 + 16];

EXPORT("lz_src")
unsigned char *lz_src(void) { return src_buf; }

EXPORT("lz_dst")
unsigned char *lz_dst(void) { return dst_buf; }
#endif

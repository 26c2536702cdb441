// lz: a small LZ77-style compressor (byte-oriented, like LZ4's block
// format) that keeps its working state per thread, the way many C libraries
// keep a per-thread workspace: lz_init creates the calling thread's state,
// lz_compress uses it (and fails with LZ_ENOSTATE on a thread without one),
// lz_shutdown releases it.
//
// The same source builds two ways: natively, through cgo, where the state is
// thread-local; and to WebAssembly (build_wasm.sh: clang --target=wasm32, no
// libc), where a module instance runs on one thread at a time and its linear
// memory holds the state, so the state is per instance.
#ifndef PINLAB_LZ_H
#define PINLAB_LZ_H

#define LZ_MAX_INPUT 65536 // the largest input lz_compress accepts

enum {
	LZ_ENOSTATE = -1, // this thread (or instance) has not called lz_init
	LZ_EINPUT = -2,   // the input is longer than LZ_MAX_INPUT (or negative)
	LZ_ESPACE = -3,   // the output buffer is smaller than lz_bound(n)
};

int lz_init(void);
void lz_shutdown(void);

// lz_bound is the most bytes lz_compress can write for n input bytes.
int lz_bound(int n);

// lz_compress compresses src[0..n) into dst and returns the output's length,
// or a negative LZ_E* code. The output depends only on the input.
int lz_compress(const unsigned char *src, int n, unsigned char *dst, int cap);

#ifdef __wasm__
// In WebAssembly the host cannot hand the module a pointer to its own
// memory: it writes the input at lz_src(), calls
// lz_compress(lz_src(), n, lz_dst(), lz_bound(LZ_MAX_INPUT)) and reads the
// output at lz_dst(). Both buffers are in the instance's memory.
unsigned char *lz_src(void);
unsigned char *lz_dst(void);
#endif

#endif

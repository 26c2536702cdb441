// codec: checksums and request signatures for the scoring service.
//
// Thread-safe: no global or thread-local state; every function reads only
// its arguments. Any thread may call any function at any time.
#ifndef PINLAB_CODEC_H
#define PINLAB_CODEC_H

#include <stddef.h>
#include <stdint.h>

// CRC-32C (Castagnoli) of n bytes at p.
uint32_t codec_crc32c(const uint8_t *p, size_t n);

// A keyed signature of msg: FNV-1a over key, a separator, then msg,
// finished with a 64-bit mixer. Not cryptographic; a stand-in for one.
uint64_t codec_sign(const uint8_t *key, size_t nkey, const uint8_t *msg, size_t nmsg);

#endif

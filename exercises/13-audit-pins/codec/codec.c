#include "codec.h"

uint32_t codec_crc32c(const uint8_t *p, size_t n) {
	uint32_t crc = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n) {
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t codec_sign(const uint8_t *key, size_t nkey, const uint8_t *msg, size_t nmsg) {
	uint64_t h = fnv(0xcbf29ce484222325ull, key, nkey);
	h = fnv(h, (const uint8_t *)"|", 1);
	h = fnv(h, msg, nmsg);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

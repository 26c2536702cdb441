// Package codec is the scoring service's second C library: checksums and
// request signatures. Unlike the device, it keeps no state of any kind, per
// thread or otherwise: it may be called from any goroutine on any thread.
package codec

/*
#include "codec.h"
*/
import "C"

import "unsafe"

// Sum is the CRC-32C of b.
func Sum(b []byte) uint32 {
	if len(b) == 0 {
		return 0
	}
	return uint32(C.codec_crc32c((*C.uint8_t)(unsafe.Pointer(&b[0])), C.size_t(len(b))))
}

// Sign is msg's signature under key.
func Sign(key, msg []byte) uint64 {
	var k, m *C.uint8_t
	if len(key) > 0 {
		k = (*C.uint8_t)(unsafe.Pointer(&key[0]))
	}
	if len(msg) > 0 {
		m = (*C.uint8_t)(unsafe.Pointer(&msg[0]))
	}
	return uint64(C.codec_sign(k, C.size_t(len(key)), m, C.size_t(len(msg))))
}

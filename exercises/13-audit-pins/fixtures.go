// What the service shares with the driver and the tests (pristine: pinlab
// builds it from exercises/): how long a kernel keeps a device busy, the
// clients' keys, and how a request is signed.
package main

import (
	"strconv"
	"time"

	"pinlab/exercises/13-audit-pins/codec"
)

// kernel is how long one scoring keeps a device busy. (At 2 ms, a pool of
// four pinned workers on two Ps ran at half speed in about half the runs
// here; see the README.)
const kernel = 20 * time.Millisecond

// clientKeys are the clients the service knows, with their signing keys.
var clientKeys = map[string][]byte{
	"alpha": []byte("k-7f3a91c2-alpha"),
	"beta":  []byte("k-0b84de55-beta"),
}

// signature is what a request must carry in X-Signature: codec.Sign of
// "METHOD URI\nBODY" under the client's key, in hexadecimal.
func signature(key []byte, method, uri string, body []byte) string {
	msg := make([]byte, 0, len(method)+len(uri)+len(body)+2)
	msg = append(msg, method...)
	msg = append(msg, ' ')
	msg = append(msg, uri...)
	msg = append(msg, '\n')
	msg = append(msg, body...)
	return strconv.FormatUint(codec.Sign(key, msg), 16)
}

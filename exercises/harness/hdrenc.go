package harness

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"math"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// V2 encoding cookies of the HdrHistogram format (with the word-size nibble
// that the reference implementations write).
const (
	v2Cookie           = 0x1c849303 | 0x10
	v2CompressedCookie = 0x1c849304 | 0x10
)

var blank [40]byte

// histEncoder writes a histogram in the standard V2 compressed encoding,
// base64, reusing its buffers: hdrhistogram-go's own Encode allocates an
// object per bucket, which would count against the learner's allocations
// every tick.
type histEncoder struct {
	payload bytes.Buffer // header and zig-zag LEB128 counts
	packed  bytes.Buffer // cookie, length, zlib stream
	zw      *zlib.Writer
	text    []byte
}

// encode returns the base64 text, valid until the next call.
func (e *histEncoder) encode(h *hdrhistogram.Histogram) []byte {
	snap := h.Export() // one copy of the counts
	last := len(snap.Counts) - 1
	for last >= 0 && snap.Counts[last] == 0 {
		last--
	}
	var counts [binary.MaxVarintLen64]byte
	e.payload.Reset()
	e.payload.Write(blank[:40]) // header, filled below
	for i := 0; i <= last; {
		c := snap.Counts[i]
		i++
		if c == 0 {
			zeros := int64(1)
			for i <= last && snap.Counts[i] == 0 {
				zeros++
				i++
			}
			if zeros > 1 {
				c = -zeros
			}
		}
		e.payload.Write(counts[:binary.PutVarint(counts[:], c)]) // zig-zag LEB128
	}
	p := e.payload.Bytes()
	binary.BigEndian.PutUint32(p[0:], v2Cookie)
	binary.BigEndian.PutUint32(p[4:], uint32(len(p)-40))
	binary.BigEndian.PutUint32(p[8:], 0) // normalizing index offset
	binary.BigEndian.PutUint32(p[12:], uint32(snap.SignificantFigures))
	binary.BigEndian.PutUint64(p[16:], uint64(snap.LowestTrackableValue))
	binary.BigEndian.PutUint64(p[24:], uint64(snap.HighestTrackableValue))
	binary.BigEndian.PutUint64(p[32:], math.Float64bits(1.0))

	e.packed.Reset()
	e.packed.Write(blank[:8]) // cookie and length, filled below
	if e.zw == nil {
		e.zw, _ = zlib.NewWriterLevel(&e.packed, zlib.BestSpeed)
	} else {
		e.zw.Reset(&e.packed)
	}
	_, _ = e.zw.Write(p)
	_ = e.zw.Close()
	b := e.packed.Bytes()
	binary.BigEndian.PutUint32(b[0:], v2CompressedCookie)
	binary.BigEndian.PutUint32(b[4:], uint32(len(b)-8))

	n := base64.StdEncoding.EncodedLen(len(b))
	if cap(e.text) < n {
		e.text = make([]byte, n)
	}
	e.text = e.text[:n]
	base64.StdEncoding.Encode(e.text, b)
	return e.text
}

package main

import "errors"

// Compressor calls the lz library through the helper the driver already has:
// no cgo in this file.
type Compressor struct{}

// New has nothing to start.
func New(workers int) (*Compressor, error) { return &Compressor{}, nil }

// Compress opens the library's state for this call, compresses, and closes it.
func (c *Compressor) Compress(src []byte) ([]byte, error) {
	if len(src) > maxInput {
		return nil, errors.New("lz: input longer than LZ_MAX_INPUT")
	}
	lib, err := refOpen()
	if err != nil {
		return nil, err
	}
	defer lib.close()
	return append([]byte(nil), lib.compress(src)...), nil
}

// Close has nothing to stop.
func (c *Compressor) Close() error { return nil }

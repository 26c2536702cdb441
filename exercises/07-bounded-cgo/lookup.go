package main

// Lookup returns key's value from the C library.
//
// The library is thread-safe, so every caller goes straight in. Under load
// that is hundreds of goroutines at once, and each one inside C holds an OS
// thread of its own.
func Lookup(key int64) int64 {
	return libLookup(key)
}

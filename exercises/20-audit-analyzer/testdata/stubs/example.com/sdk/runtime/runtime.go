// Package runtime of a vendor's SDK (example.com/sdk/runtime): the name of the
// standard library's runtime at another path. Its LockOSThread takes the
// SDK's own interpreter lock; it pins no thread.
package runtime

func LockOSThread()   {}
func UnlockOSThread() {}

// Package runtime: the part of the standard library's runtime the held-out
// corpus uses, type-checked under its real import path.
package runtime

func LockOSThread()   {}
func UnlockOSThread() {}
func Gosched()        {}
func NumCPU() int     { return 1 }

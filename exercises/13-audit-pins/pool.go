package main

// The device pool belongs here: one goroutine per device, locked to its OS
// thread for its whole life, holding that device's context and running every
// kernel for it. Name its loop (*Pool).worker: it is the one function of the
// service that may call runtime.LockOSThread.

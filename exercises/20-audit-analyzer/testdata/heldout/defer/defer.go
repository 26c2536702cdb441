package deferred

import "runtime"

type Device struct{ ctx int }

// Unlocked, but not deferred: a panic between the two leaves the thread locked.
func (d *Device) Open() {
	runtime.LockOSThread() // @pin
	d.ctx = 1
	runtime.UnlockOSThread()
}

func (d *Device) Run(f func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	f()
}

// Locked for good: the goroutine's thread dies with it.
func (d *Device) Serve(jobs chan func()) {
	go func() {
		runtime.LockOSThread() // @pin
		for j := range jobs {
			j()
		}
	}()
}

// The deferred unlock belongs to the outer function, the pin to the literal.
func (d *Device) Spawn(jobs chan func()) {
	defer runtime.UnlockOSThread()
	go func() {
		runtime.LockOSThread() // @pin
		<-jobs
	}()
}

// The unlock deferred before the lock still ends the function unlocked.
func (d *Device) Reset() {
	defer runtime.UnlockOSThread()
	runtime.LockOSThread()
	d.ctx = 0
}

// The goroutine defers its own unlock, which undoes nothing of Start's pin:
// Start returns, and its goroutine goes on, locked.
func (d *Device) Start(jobs chan func()) {
	runtime.LockOSThread() // @pin
	go func() {
		defer runtime.UnlockOSThread()
		for j := range jobs {
			j()
		}
	}()
}

// A literal called at once unlocks when it returns, not when Close does: not
// deferred in Close's body.
func (d *Device) Close() {
	runtime.LockOSThread() // @pin
	func() {
		defer runtime.UnlockOSThread()
		d.ctx = 0
	}()
}

func initOnce() {
	runtime.LockOSThread() // @pin
}

func Use() {
	d := &Device{}
	d.Open()
	d.Run(initOnce)
	d.Reset()
	d.Start(make(chan func()))
	d.Close()
}

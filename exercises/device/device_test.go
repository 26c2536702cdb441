package device

import (
	"errors"
	"runtime"
	"testing"
	"time"
)

func TestContextIsThreadAffine(t *testing.T) {
	t.Setenv("PINLAB_DEVICE_INIT_MS", "1")
	done := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread, and its context, die with the goroutine
		if err := Init(1); err != nil {
			done <- err
			return
		}
		out, err := Compute(1, time.Microsecond, 20)
		if err == nil && out != Expected(1, 20) {
			err = errors.New("wrong output")
		}
		done <- err
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	go func() {
		runtime.LockOSThread() // a fresh thread: holds no context
		_, err := Compute(1, 0, 1)
		done <- err
	}()
	if err := <-done; !errors.Is(err, ErrWrongThread) {
		t.Fatalf("call from another thread: got %v, want ErrWrongThread", err)
	}
	if err := Init(99); !errors.Is(err, ErrNoDevice) {
		t.Fatalf("Init(99): got %v", err)
	}
}

func TestComputeDoesNotAllocate(t *testing.T) {
	done := make(chan float64)
	go func() {
		runtime.LockOSThread()
		if err := Init(0); err != nil {
			t.Error(err)
		}
		done <- testing.AllocsPerRun(100, func() { _, _ = Compute(0, 0, 1) })
	}()
	if allocs := <-done; allocs != 0 {
		t.Fatalf("Compute allocates %v objects per call", allocs)
	}
}

func TestFailInit(t *testing.T) {
	SetInitTime(time.Millisecond)
	before := Read(2)
	FailInit(2, true)
	done := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with the goroutine
		err := Init(2)
		if !errors.Is(err, ErrInitFailed) {
			done <- errors.New("Init(2) after FailInit: got " + errString(err) + ", want ErrInitFailed")
			return
		}
		if _, err := Compute(2, 0, 1); !errors.Is(err, ErrWrongThread) {
			done <- errors.New("a failed Init left a context")
			return
		}
		FailInit(2, false)
		done <- Init(2)
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if d := Read(2).Sub(before); d.Inits != 1 {
		t.Fatalf("inits after one failed and one good Init: %d, want 1", d.Inits)
	}
}

func errString(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}

package people

import (
	"testing"
	"time"
	"unsafe"
)

var limitStart = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

func TestWindowCountsEachKeyApart(t *testing.T) {
	w := NewWindow(3, time.Minute)
	at := limitStart
	for i := range 3 {
		if !w.Allow("a", at.Add(time.Duration(i)*time.Second)) {
			t.Fatalf("request %d refused", i+1)
		}
	}
	if w.Allow("a", at.Add(10*time.Second)) {
		t.Fatal("the 4th request in a minute is allowed")
	}
	if !w.Allow("b", at.Add(10*time.Second)) {
		t.Fatal("another key is refused")
	}
	if !w.Allow("a", at.Add(61*time.Second)) {
		t.Fatal("a request is refused once the first left the window")
	}
}

func TestWindowFullAfterAddsUntilReset(t *testing.T) {
	w := NewWindow(2, time.Minute)
	w.Add("p", limitStart)
	if w.Full("p", limitStart) {
		t.Fatal("full after one of two")
	}
	w.Add("p", limitStart.Add(time.Second))
	if !w.Full("p", limitStart.Add(2*time.Second)) {
		t.Fatal("not full after two of two")
	}
	if w.Full("p", limitStart.Add(time.Minute+time.Second)) {
		t.Fatal("still full once both left the window")
	}
	w.Add("p", limitStart.Add(2*time.Minute))
	w.Add("p", limitStart.Add(2*time.Minute))
	w.Reset("p")
	if w.Full("p", limitStart.Add(2*time.Minute)) {
		t.Fatal("full after a reset")
	}
}

// A key read from a request may alias a buffer the next request overwrites;
// the window must go on counting the key as it was.
func TestWindowKeepsItsOwnCopyOfKeys(t *testing.T) {
	w := NewWindow(1, time.Minute)
	buf := []byte("10.0.0.1")
	w.Add(unsafe.String(&buf[0], len(buf)), limitStart)
	copy(buf, "10.0.0.2")
	if !w.Full("10.0.0.1", limitStart) {
		t.Fatal("the key's count was lost when the caller's buffer changed")
	}
	if w.Full("10.0.0.2", limitStart) {
		t.Fatal("the count moved to what the buffer holds now")
	}
}

func TestWindowForgetsQuietKeys(t *testing.T) {
	w := NewWindow(5, time.Minute)
	for i := range 100 {
		w.Add(string(rune('a'+i%26))+string(rune('a'+i/26)), limitStart)
	}
	w.Full("x", limitStart.Add(2*time.Minute))
	if n := len(w.keys); n != 0 {
		t.Fatalf("%d quiet keys kept after two windows", n)
	}
}

package sheet

import "testing"

func TestDefaultLimitsCannotBeChangedByACaller(t *testing.T) {
	l := DefaultLimits()
	l.MaxRows = 1
	if DefaultLimits().MaxRows != 20_000 {
		t.Fatalf("DefaultLimits().MaxRows = %d after a caller changed its copy; want 20000", DefaultLimits().MaxRows)
	}
}

package gridskill

import (
	"testing"
	"time"
)

func TestChinaZoneIsUTCPlus8AllYear(t *testing.T) {
	for _, at := range []time.Time{
		time.Date(2026, 1, 15, 16, 0, 0, 0, time.UTC),
		time.Date(2026, 7, 15, 16, 0, 0, 0, time.UTC),
	} {
		local := at.In(ChinaZone())
		if _, off := local.Zone(); off != 8*3600 {
			t.Fatalf("%v: offset %d s, want 8 h", at, off)
		}
		if local.Day() != 16 || local.Hour() != 0 {
			t.Fatalf("16:00 UTC shows as %v, want midnight of the next day", local)
		}
	}
}

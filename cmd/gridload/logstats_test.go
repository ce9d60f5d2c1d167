package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestLogStatsGroupsRoutesAndFindsTheSlowestSecond(t *testing.T) {
	var log strings.Builder
	log.WriteString("time=2026-12-01T10:00:00.000Z level=INFO msg=\"gridskill is serving\" addr=127.0.0.1:8080\n")
	for i := range 100 {
		ms := 2.0
		sec := i / 20 // five seconds of 20 saves; the third is slow
		if sec == 2 {
			ms = 400
		}
		fmt.Fprintf(&log, "time=2026-12-01T10:00:%02d.%03dZ level=INFO msg=http method=PUT path=/api/v1/attempts/a-%04x/answers/q-%04x status=200 ms=%.3f ip=127.0.0.1 request_id=r%d\n", sec, i, i, i, ms, i)
	}
	log.WriteString(`{"time":"2026-12-01T10:00:06Z","level":"INFO","msg":"http","method":"POST","path":"/api/v1/attempts/a-1/submit","status":503,"ms":1.5}` + "\n")
	st, err := readAccessLog(strings.NewReader(log.String()), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	st.print(&out)
	got := out.String()
	for _, want := range []string{
		"PUT /api/v1/attempts/{id}/answers/{id}",
		"n=100 p50=2.0ms",
		"p99=400.0ms",
		"POST /api/v1/attempts/{id}/submit",
		"5xx=1 (503=1)",
		"slowest second: 10:00:02Z: requests=20 p50=400.0ms",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
}

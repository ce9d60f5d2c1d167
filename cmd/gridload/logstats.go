package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// runLogStats reads a Gridskill server's log and prints, from its access
// lines (msg=http ... status=... ms=...), the server's own latency per
// route and the slowest second, so they can stand beside the client's.
func runLogStats(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("gridload logstats", flag.ContinueOnError)
	path := fs.String("log", "", "the server's log file (its standard output), text or JSON lines")
	since := fs.String("since", "", "only requests logged at or after this time (RFC 3339)")
	route := fs.String("route", "", "only routes containing this text, e.g. /attempts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" {
		return errors.New("logstats: -log is required")
	}
	f, err := os.Open(*path)
	if err != nil {
		return err
	}
	defer f.Close()
	var from time.Time
	if *since != "" {
		if from, err = time.Parse(time.RFC3339, *since); err != nil {
			return fmt.Errorf("logstats: -since: %w", err)
		}
	}
	st, err := readAccessLog(f, from)
	if err != nil {
		return err
	}
	if *route != "" {
		st.lines = slices.DeleteFunc(st.lines, func(l accessLine) bool { return !strings.Contains(l.route, *route) })
	}
	st.print(out)
	return nil
}

// accessLine is one request as the server logged it.
type accessLine struct {
	at     time.Time
	route  string // method and path with ids replaced by {id}
	status int
	d      time.Duration
}

type logStats struct {
	lines []accessLine
}

func readAccessLog(r io.Reader, from time.Time) (*logStats, error) {
	st := &logStats{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		l, ok := parseAccessLine(sc.Text())
		if ok && !l.at.Before(from) {
			st.lines = append(st.lines, l)
		}
	}
	return st, sc.Err()
}

// parseAccessLine reads an access line of slog's text or JSON handler.
func parseAccessLine(s string) (accessLine, bool) {
	fields := map[string]string{}
	if strings.HasPrefix(s, "{") {
		var m map[string]any
		if json.Unmarshal([]byte(s), &m) != nil {
			return accessLine{}, false
		}
		for k, v := range m {
			fields[k] = fmt.Sprint(v)
		}
	} else {
		for _, kv := range splitLogfmt(s) {
			if k, v, ok := strings.Cut(kv, "="); ok {
				fields[k] = strings.Trim(v, `"`)
			}
		}
	}
	if fields["msg"] != "http" || fields["ms"] == "" {
		return accessLine{}, false
	}
	ms, err := strconv.ParseFloat(fields["ms"], 64)
	if err != nil {
		return accessLine{}, false
	}
	at, _ := time.Parse(time.RFC3339Nano, fields["time"])
	status, _ := strconv.Atoi(fields["status"])
	return accessLine{at: at, route: fields["method"] + " " + routeOf(fields["path"]), status: status, d: time.Duration(ms * float64(time.Millisecond))}, true
}

// splitLogfmt splits key=value pairs on spaces outside double quotes.
func splitLogfmt(s string) []string {
	var out []string
	var b strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && quoted && i+1 < len(s):
			b.WriteByte(c)
			b.WriteByte(s[i+1])
			i++
		case c == '"':
			quoted = !quoted
			b.WriteByte(c)
		case c == ' ' && !quoted:
			if b.Len() > 0 {
				out = append(out, b.String())
				b.Reset()
			}
		default:
			b.WriteByte(c)
		}
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// routeOf replaces the ids in a path by {id}: a segment with a digit in it,
// other than the API version.
func routeOf(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.ContainsAny(s, "0123456789") && !(len(s) > 1 && s[0] == 'v' && strings.Trim(s[1:], "0123456789") == "") {
			segs[i] = "{id}"
		}
	}
	return strings.Join(segs, "/")
}

func (st *logStats) print(out io.Writer) {
	if len(st.lines) == 0 {
		fmt.Fprintln(out, "server: no access lines (msg=http ... ms=...) in the log")
		return
	}
	by := map[string][]accessLine{}
	for _, l := range st.lines {
		by[l.route] = append(by[l.route], l)
	}
	routes := make([]string, 0, len(by))
	for r := range by {
		routes = append(routes, r)
	}
	slices.SortFunc(routes, func(a, b string) int { return len(by[b]) - len(by[a]) })
	first, last := st.lines[0].at, st.lines[0].at
	for _, l := range st.lines {
		first, last = minTime(first, l.at), maxTime(last, l.at)
	}
	fmt.Fprintf(out, "server: %d requests logged from %s to %s (latency as the server measured it, ms)\n", len(st.lines), first.Format("15:04:05"), last.Format("15:04:05"))
	for _, r := range routes {
		ls := by[r]
		ds := make([]time.Duration, len(ls))
		s5, s503 := 0, 0
		for i, l := range ls {
			ds[i] = l.d
			if l.status >= 500 {
				s5++
			}
			if l.status == 503 {
				s503++
			}
		}
		fmt.Fprintf(out, "server: %-45s n=%d p50=%sms p95=%sms p99=%sms max=%sms 5xx=%d (503=%d)\n", r, len(ls), pct(ds, 0.5), pct(ds, 0.95), pct(ds, 0.99), pct(ds, 1), s5, s503)
	}
	fmt.Fprintln(out, "server: slowest second:", st.slowestSecond())
}

// slowestSecond is the second (by log time, when requests ended) whose p99
// was highest, among seconds with at least 5 requests.
func (st *logStats) slowestSecond() string {
	by := map[int64][]time.Duration{}
	for _, l := range st.lines {
		by[l.at.Unix()] = append(by[l.at.Unix()], l.d)
	}
	best, ds, ok := slowestSecond(by)
	if !ok {
		return "none (no second had 5 requests)"
	}
	return fmt.Sprintf("%s: requests=%d p50=%sms p99=%sms max=%sms", time.Unix(best, 0).UTC().Format("15:04:05Z"), len(ds), pct(ds, 0.5), pct(ds, 0.99), pct(ds, 1))
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// slowestSecond picks, of the seconds with at least 5 requests, the one with
// the highest p99, and returns its durations sorted.
func slowestSecond(by map[int64][]time.Duration) (int64, []time.Duration, bool) {
	best, bestP := int64(0), time.Duration(-1)
	for sec, ds := range by {
		if len(ds) < 5 {
			continue
		}
		slices.Sort(ds)
		if p := ds[min(len(ds)-1, len(ds)*99/100)]; p > bestP {
			best, bestP = sec, p
		}
	}
	return best, by[best], bestP >= 0
}

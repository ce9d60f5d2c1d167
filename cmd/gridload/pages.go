package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// The pages scenario requests every admin and worker page as the role that
// uses it, one request at a time, and prints p50/p95 per page:
//
//	go run ./cmd/gridload pages -target http://127.0.0.1:8080 -n 50
//
// against a server over a district-year (`gridskill seed -district-year 2000`).
// Pages that take an id (an exam's analysis, a unit's dashboard) get the
// first one the API lists.

// pageVisit is one page and the role that opens it.
type pageVisit struct {
	role, path string
}

type pagesConfig struct {
	target, password      string
	admin, street, worker string
	n                     int
}

func runPages(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("gridload pages", flag.ExitOnError)
	cfg := pagesConfig{}
	fs.StringVar(&cfg.target, "target", "http://127.0.0.1:8080", "base URL of the server")
	fs.IntVar(&cfg.n, "n", 50, "requests per page")
	fs.StringVar(&cfg.admin, "admin", "13900000001", "phone of a district admin")
	fs.StringVar(&cfg.street, "street-admin", "13900000002", "phone of a street admin")
	fs.StringVar(&cfg.worker, "worker", "13900000004", "phone of a worker")
	fs.StringVar(&cfg.password, "password", "Demo@2026", "their password")
	_ = fs.Parse(args)
	ctx := context.Background()
	c := newClient(cfg.target, 4)
	tokens := map[string]string{}
	for role, phone := range map[string]string{"district_admin": cfg.admin, "street_admin": cfg.street, "worker": cfg.worker} {
		tok, err := c.login(ctx, phone, cfg.password)
		if err != nil {
			return fmt.Errorf("sign in as %s: %w", role, err)
		}
		tokens[role] = tok
	}
	visits, err := pagesToVisit(ctx, c, tokens)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%-16s %-52s %6s %8s %8s %8s %s\n", "role", "page", "n", "p50 ms", "p95 ms", "max ms", "KB")
	for _, v := range visits {
		var ds []time.Duration
		size, failed := 0, 0
		for range cfg.n {
			d, n, err := timedGet(ctx, c, v.path, tokens[v.role])
			if err != nil {
				failed++
				continue
			}
			ds, size = append(ds, d), n
		}
		line := fmt.Sprintf("%-16s %-52s %6d %8s %8s %8s %.1f", v.role, v.path, len(ds), pct(ds, 0.5), pct(ds, 0.95), pct(ds, 1), float64(size)/1024)
		if failed > 0 {
			line += fmt.Sprintf("  (%d failed)", failed)
		}
		fmt.Fprintln(out, line)
	}
	return nil
}

// pagesToVisit lists the pages, with ids read from the API.
func pagesToVisit(ctx context.Context, c *client, tokens map[string]string) ([]pageVisit, error) {
	var exams struct {
		Exams []struct {
			ID string `json:"id"`
		} `json:"exams"`
	}
	if _, err := c.call(ctx, "GET", "/api/v1/exams", tokens["worker"], nil, &exams); err != nil {
		return nil, err
	}
	var v []pageVisit
	for _, p := range []string{"/", "/learn", "/learn/record", "/exams", "/practice", "/practice/wrong", "/transcript", "/notices"} {
		v = append(v, pageVisit{"worker", p})
	}
	if len(exams.Exams) > 0 {
		v = append(v, pageVisit{"worker", "/exams/" + url.PathEscape(exams.Exams[0].ID)})
	}
	for _, p := range []string{"/", "/dashboard", "/dashboard?unit=unit-s1", "/dashboard/gaps", "/dashboard/gaps?unit=unit-s1",
		"/dashboard/people?metric=required-missing", "/dashboard/people?metric=expiring&days=90", "/roster", "/units",
		"/certification", "/certification/coverage", "/certification/expiring", "/quiz", "/quiz/exams", "/modules", "/sessions", "/contests"} {
		v = append(v, pageVisit{"district_admin", p})
	}
	if len(exams.Exams) > 0 {
		v = append(v, pageVisit{"district_admin", "/quiz/exams/" + url.PathEscape(exams.Exams[0].ID)})
	}
	for _, p := range []string{"/", "/dashboard", "/dashboard/gaps", "/dashboard/people?metric=unsat", "/roster", "/certification/coverage"} {
		v = append(v, pageVisit{"street_admin", p})
	}
	return v, nil
}

// timedGet requests a page and returns how long it took and its size.
func timedGet(ctx context.Context, c *client, path, token string) (time.Duration, int, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", c.base+path, nil)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept-Encoding", "gzip")
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, 0, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if err != nil {
		return 0, 0, err
	}
	if resp.StatusCode != 200 {
		return 0, 0, fmt.Errorf("GET %s: %d", path, resp.StatusCode)
	}
	return d, len(data), nil
}

package clustertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DemoAdmin and DemoPassword sign in as the demo district's admin, who
// prepares every run.
const (
	DemoAdmin    = "13900000001"
	DemoPassword = "Demo@2026"
	// DemoWorker is a demo worker, for the sign-out check.
	DemoWorker = "13900000004"

	initialPassword = "Cluster2026start"
	readyPassword   = "Cluster2026ready"
)

// reply is what a request got: its status (0: no answer), its Retry-After.
type reply struct {
	code  int
	after time.Duration
	err   error
}

func (r reply) ok() bool { return r.err == nil && r.code >= 200 && r.code < 300 }

// call sends a JSON request to base+path and decodes a 2xx answer into out.
func (c *Cluster) call(ctx context.Context, method, url, token string, body, out any) reply {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return reply{err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return reply{err: err}
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	r := reply{code: resp.StatusCode}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		r.after = time.Duration(s) * time.Second
	}
	if resp.StatusCode >= 300 {
		r.err = fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, strings.TrimSpace(string(data)))
		return r
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			r.err = fmt.Errorf("%s %s: %w", method, url, err)
		}
	}
	return r
}

// must retries a request through the front while it gets no answer, a 5xx
// or a 429, for up to a minute (an instance may be dying or starting); any
// other refusal is final.
func (c *Cluster) must(ctx context.Context, method, path, token string, body, out any) error {
	var last reply
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
		last = c.call(ctx, method, c.Front+path, token, body, out)
		if last.ok() || (last.code >= 400 && last.code < 500 && last.code != 429) {
			return last.err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(max(last.after, 200*time.Millisecond)):
		}
	}
	return last.err
}

func (c *Cluster) login(ctx context.Context, base, phone, password string) (string, error) {
	var out struct {
		Token string `json:"token"`
	}
	if r := c.call(ctx, "POST", base+"/api/v1/auth/login", "", map[string]string{"phone": phone, "password": password}, &out); !r.ok() {
		return "", fmt.Errorf("sign in %s: %w", phone, r.err)
	}
	return out.Token, nil
}

// person is one imported account, signed in.
type person struct {
	phone, token, id string
}

// pool is the people imported into one community, kept for the next runs:
// signing hundreds in costs minutes of password hashing, which trials need
// not repeat.
type pool struct {
	people []*person
	unit   string
}

// people returns n workers of the community (imported, signed in, their
// issued password changed, on the first call), phones starting with prefix,
// and the community's id.
func (c *Cluster) people(ctx context.Context, admin, community, prefix string, n int) ([]*person, string, error) {
	c.poolMu.Lock()
	defer c.poolMu.Unlock()
	if c.pools == nil {
		c.pools = map[string]*pool{}
	}
	if p := c.pools[community]; p != nil {
		if len(p.people) < n {
			return nil, "", fmt.Errorf("%s holds %d people, not %d: ask for the same number every run", community, len(p.people), n)
		}
		return p.people[:n], p.unit, nil
	}
	phones := make([]string, n)
	for i := range phones {
		phones[i] = fmt.Sprintf("%s%08d", prefix, i+1)
	}
	people, unit, err := c.importPeople(ctx, admin, community, phones)
	if err != nil {
		return nil, "", err
	}
	c.pools[community] = &pool{people: people, unit: unit}
	return people, unit, nil
}

// importPeople imports n workers into a new community of 东湖街道 through the
// front, signs each in and changes the issued password, and returns them
// with the community's id.
func (c *Cluster) importPeople(ctx context.Context, admin, community string, phones []string) ([]*person, string, error) {
	var csv bytes.Buffer
	csv.WriteString("姓名,手机号,街道,社区,网格,角色\n")
	for i, p := range phones {
		fmt.Fprintf(&csv, "集群%d,%s,东湖街道,%s,%s%02d,网格员\n", i+1, p, community, community, i/200+1)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("password", initialPassword)
	fw, _ := w.CreateFormFile("file", "people.csv")
	_, _ = fw.Write(csv.Bytes())
	_ = w.Close()
	req, _ := http.NewRequestWithContext(ctx, "POST", c.Front+"/api/v1/roster/import", bytes.NewReader(body.Bytes()))
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+admin)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, "", err
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, "", fmt.Errorf("roster import: %d %s", resp.StatusCode, data)
	}
	// The other instances learn of the new accounts from the change feed,
	// polled every second; a sign-in there before that is refused (and
	// counts against the address), so wait for it.
	time.Sleep(2500 * time.Millisecond)
	people := make([]*person, len(phones))
	errs := make(chan error, len(phones))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i, ph := range phones {
		people[i] = &person{phone: ph}
		wg.Add(1)
		sem <- struct{}{}
		go func(p *person) {
			defer func() { <-sem; wg.Done() }()
			tok, err := c.login(ctx, c.Front, p.phone, initialPassword)
			if err != nil {
				errs <- err
				return
			}
			var out struct {
				Token string `json:"token"`
			}
			if r := c.call(ctx, "POST", c.Front+"/api/v1/auth/password", tok, map[string]string{"current": initialPassword, "new": readyPassword}, &out); !r.ok() {
				errs <- r.err
				return
			}
			p.token = out.Token
			// The new token is refused by an instance that has not yet read
			// the password change from the change feed (about a second):
			// wait until every instance takes it, so the run measures kills,
			// not that.
			for _, in := range c.Instances {
				var me struct {
					ID string `json:"id"`
				}
				for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(100 * time.Millisecond) {
					r := c.call(ctx, "GET", in.Base+"/api/v1/me", p.token, nil, &me)
					if r.ok() {
						break
					}
					if time.Now().After(deadline) {
						errs <- fmt.Errorf("instance %s still refuses %s's new token after 5 s: %w", in.Name, p.phone, r.err)
						return
					}
				}
				p.id = me.ID
			}
		}(people[i])
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, "", err
	}
	var tree unitTree
	if err := c.must(ctx, "GET", "/api/v1/units", admin, nil, &tree); err != nil {
		return nil, "", err
	}
	id := tree.find(community)
	if id == "" {
		return nil, "", fmt.Errorf("the imported community %s is not in the tree", community)
	}
	return people, id, nil
}

type unitTree struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Children []unitTree `json:"children"`
}

func (t unitTree) find(name string) string {
	if t.Name == name {
		return t.ID
	}
	for _, ch := range t.Children {
		if id := ch.find(name); id != "" {
			return id
		}
	}
	return ""
}

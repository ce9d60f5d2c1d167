package clustertest

import (
	"context"
	"fmt"
	"time"
)

// SignOutFigures is how long a sign-out on one instance took to refuse the
// token on each of the others.
type SignOutFigures struct {
	On      string
	Refused map[string]time.Duration
	// Max is the longest of them; a token never refused within 10 s counts as 10 s.
	Max time.Duration
}

func (f SignOutFigures) String() string {
	return fmt.Sprintf("signout: on=%s refused_elsewhere_within=%s %v", f.On, f.Max.Round(time.Millisecond), f.Refused)
}

// RunSignOut signs the demo worker in on the first instance, checks that the
// others accept the token, signs out there, and times until every other
// instance refuses it.
func (c *Cluster) RunSignOut(ctx context.Context) (SignOutFigures, error) {
	on := c.Instances[0]
	f := SignOutFigures{On: on.Name, Refused: map[string]time.Duration{}}
	token, err := c.login(ctx, on.Base, DemoWorker, DemoPassword)
	if err != nil {
		return f, err
	}
	for _, in := range c.Instances[1:] {
		if r := c.call(ctx, "GET", in.Base+"/api/v1/me", token, nil, nil); !r.ok() {
			return f, fmt.Errorf("instance %s refuses a fresh token: %w", in.Name, r.err)
		}
	}
	if r := c.call(ctx, "POST", on.Base+"/api/v1/auth/logout", token, nil, nil); !r.ok() {
		return f, fmt.Errorf("sign out on %s: %w", on.Name, r.err)
	}
	at := time.Now()
	for _, in := range c.Instances[1:] {
		for {
			r := c.call(ctx, "GET", in.Base+"/api/v1/me", token, nil, nil)
			if r.code == 401 {
				f.Refused[in.Name] = time.Since(at)
				break
			}
			if time.Since(at) > 10*time.Second {
				f.Refused[in.Name] = 10 * time.Second
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		f.Max = max(f.Max, f.Refused[in.Name])
	}
	return f, nil
}

package cluster

import (
	"context"
	"errors"
	"sync"
	"time"

	"gridskill"
)

// JobLease is the leader lease of a periodic job.
func JobLease(job string) string { return "job:" + job }

// Once runs fn every interval on one instance only, the holder of the lease
// job:<job>, until ctx ends, and returns at once. Every node checks each TTL/4
// (at most) whether the job's lease is free, so when its holder dies another
// takes it over within the TTL and runs fn at once: a job must therefore be
// safe to run again early (every job here is guarded by the database: an
// issue, a prune or a submit happens once whoever runs it). A run whose lease
// is lost has its context cancelled.
func (n *Node) Once(ctx context.Context, job string, every time.Duration, fn func(context.Context) error) {
	name := JobLease(job)
	check := min(every, n.cfg.every())
	var mu sync.Mutex
	var timer gridskill.Timer
	var last time.Time
	ran := false
	var tick func()
	next := func() {
		mu.Lock()
		defer mu.Unlock()
		if ctx.Err() == nil {
			timer = n.clock.AfterFunc(check, tick)
		}
	}
	tick = func() {
		if ctx.Err() != nil {
			return
		}
		defer next()
		if !n.Holds(name) {
			if l, live := n.viewed(name); live && !n.leases.Mine(l) {
				return // another instance runs it
			}
			if _, mine, err := n.claim(ctx, name); err != nil || !mine {
				if err != nil && ctx.Err() == nil {
					n.log.Warn("claim job", "job", job, "err", err)
				}
				return
			}
		}
		now := n.clock.Now()
		if ran && now.Sub(last) < every {
			return
		}
		ran, last = true, now
		jctx, cancel := context.WithCancel(ctx)
		n.mu.Lock()
		n.jobs[name] = cancel
		n.mu.Unlock()
		err := fn(jctx)
		n.mu.Lock()
		delete(n.jobs, name)
		n.mu.Unlock()
		cancel()
		if err != nil && ctx.Err() == nil && !errors.Is(err, context.Canceled) {
			n.log.Error("job failed", "job", job, "err", err)
		}
	}
	next()
	context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		timer.Stop()
	})
}

// Adopt claims, every interval on one instance (the job "adopt"), each unit
// of kind that list names and no live instance holds: the exams with open
// attempts whose owner died while nobody asked for them, so that their
// deadlines are still submitted by someone.
func (n *Node) Adopt(ctx context.Context, kindName string, every time.Duration, list func(context.Context) ([]string, error)) {
	n.Once(ctx, "adopt", every, func(ctx context.Context) error {
		ids, err := list(ctx)
		if err != nil {
			return err
		}
		var errs []error
		for _, id := range ids {
			lease := kindName + ":" + id
			if n.Holds(lease) {
				continue
			}
			if _, live := n.viewed(lease); live {
				continue
			}
			if _, mine, err := n.Owner(ctx, lease); err != nil {
				errs = append(errs, err)
			} else if mine {
				n.log.Info("adopted", "lease", lease)
			}
		}
		return errors.Join(errs...)
	})
}

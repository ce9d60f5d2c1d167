package certify

import (
	"context"
	"log/slog"
	"time"

	"gridskill"
)

// Run sweeps every interval until ctx ends: it logs the state changes that
// come with time and, from the second round on, re-evaluates every worker
// in some program's audience, so a certificate is issued even where no
// feature called RecordChanged. States are computed on read, so a missed
// round never shows a wrong state. With several instances each sweeps; an
// issue or a logged change still happens once, guarded by the database.
func (s *Service) Run(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for round := 0; ; round++ {
		sctx, cancel := context.WithTimeout(ctx, every)
		if n, err := s.Sweep(sctx); err != nil {
			if ctx.Err() == nil {
				log.Error("certificate sweep", "err", err)
			}
		} else if n > 0 {
			log.Info("certificate sweep", "state_changes", n)
		}
		if round > 0 {
			if n, err := s.EvaluateAll(sctx); err != nil {
				if ctx.Err() == nil {
					log.Error("certificate evaluation", "err", err)
				}
			} else if n > 0 {
				log.Info("certificate evaluation", "issued_or_renewed", n)
			}
		}
		cancel()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// EvaluateAll re-evaluates every active worker in some program's audience
// and returns how many certificates it issued or renewed. Errors: internal.
func (s *Service) EvaluateAll(ctx context.Context) (int, error) {
	if s.Records == nil {
		return 0, nil
	}
	programs, err := s.repo.allPrograms(ctx)
	if err != nil {
		return 0, gridskill.Internal(err)
	}
	if len(programs) == 0 {
		return 0, nil
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	m := s.newMajors()
	for _, root := range tree.Roots() {
		workers, err := s.workersIn(ctx, root.ID)
		if err != nil {
			return n, err
		}
		for _, w := range workers {
			covered := false
			for _, p := range programs {
				covered = covered || p.covers(w.UnitPath)
			}
			if !covered {
				continue
			}
			outcomes, err := s.evaluateWith(ctx, m, w.ID)
			if err != nil {
				return n, err
			}
			for _, o := range outcomes {
				if o.Action != "" {
					n++
				}
			}
		}
	}
	return n, nil
}

package certify

import (
	"context"
	"log/slog"
	"time"
)

// Run sweeps every interval until ctx ends, so the audit log records the
// state changes that come with time. States are computed on read, so a
// missed sweep never shows a wrong state. With several instances each
// sweeps; an entry is written once because the state change is guarded.
func (s *Service) Run(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		sctx, cancel := context.WithTimeout(ctx, every)
		if n, err := s.Sweep(sctx); err != nil {
			if ctx.Err() == nil {
				log.Error("certificate sweep", "err", err)
			}
		} else if n > 0 {
			log.Info("certificate sweep", "state_changes", n)
		}
		cancel()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

package main

import (
	"context"
	"log/slog"
	"time"

	"gridskill/certify"
	"gridskill/contest"
	"gridskill/notify"
	"gridskill/people"
	"gridskill/quiz"
)

// memberQuiz makes the exams' open attempts come with their leases. Before
// qs.Load.
func (m *Main) memberQuiz(qs *quiz.Service) {
	if m.node != nil {
		qs.SetCluster(m.node)
		qs.SetVersions(m.versions)
	}
}

// memberContest makes running rounds come with their leases. Before Load.
func (m *Main) memberContest(cs *contest.Service) {
	if m.node != nil {
		cs.SetCluster(m.node)
		cs.SetVersions(m.versions)
	}
}

// startCluster starts this instance's node and the work that runs once
// across the instances, each under its job lease, and watches the others'
// changes to the shared lists:
//   - exam:<id> and round:<id> leases load their unit's state (TakeOver) and
//     forget it when lost (Drop);
//   - the certificate sweep (hourly), pruning of finished attempts' saves
//     (each minute), pruning of the account change records, and the adoption
//     of exams with open attempts that nobody holds (every 2 s, so that their
//     deadlines are submitted);
//   - the exams and bank, contests and notices reload when another instance
//     bumps their counter (checked every second).
func (m *Main) startCluster(ctx context.Context, ps *people.Service, qs *quiz.Service, cs *certify.Service, ns *notify.Service) error {
	n := m.node
	n.Handle("exam", qs.TakeOver, qs.Drop)
	n.Handle("round", m.contest.TakeOver, m.contest.Drop)
	if err := n.Start(context.Background()); err != nil {
		return err
	}
	n.Once(ctx, "certify", time.Hour, certifyRound(cs, m.log))
	n.Once(ctx, "quiz-prune", time.Minute, qs.Prune)
	n.Once(ctx, "users-changes-prune", time.Second, ps.PruneChanges)
	n.Adopt(ctx, "exam", 2*time.Second, qs.ExamsWithOpenAttempts)
	go m.versions.Watch(ctx, time.Second, map[string]func(context.Context) error{
		quiz.VersionName:    qs.Refresh,
		contest.VersionName: m.contest.Refresh,
		notify.VersionName:  ns.Refresh,
	}, m.log)
	return nil
}

// certifyRound is one round of certify.Service.Run, for the job's holder:
// the state changes that come with time, then (from the second round this
// instance runs on) every worker evaluated again.
func certifyRound(cs *certify.Service, log *slog.Logger) func(context.Context) error {
	first := true
	return func(ctx context.Context) error {
		if n, err := cs.Sweep(ctx); err != nil {
			return err
		} else if n > 0 {
			log.Info("certificate sweep", "state_changes", n)
		}
		if first {
			first = false
			return nil
		}
		n, err := cs.EvaluateAll(ctx)
		if n > 0 {
			log.Info("certificate evaluation", "issued_or_renewed", n)
		}
		return err
	}
}

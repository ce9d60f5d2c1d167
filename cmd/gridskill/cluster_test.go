package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"gridskill/cluster/clustertest"
)

var clusterNginx = flag.Bool("cluster-nginx", false, "front the cluster test's instances with nginx and deploy/nginx.conf instead of the Go balancer")

// TestClusterSurvivesAKilledInstance runs `gridskill db`, three instances
// and a load balancer, and through the balancer: an exam whose owner is
// SIGKILLed mid-way (every acknowledged save stored, no attempt stored twice,
// every examinee saving again within 10 s), a live round whose owner is
// SIGKILLed mid-question (the host's next action resumes it on another
// instance within 10 s, every acknowledged answer counted once), and a
// sign-out on one instance refused on the others within 2 s.
func TestClusterSurvivesAKilledInstance(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four processes and kills two of them; not with -short")
	}
	if os.Getenv("MONGODB_URI") != "" {
		t.Skip("the cluster test serves its own embedded database")
	}
	bin := filepath.Join(t.TempDir(), "gridskill")
	if out, err := exec.Command("go", "build", "-tags", productionTags(t), "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	opt := clustertest.Options{Bin: bin, Dir: t.TempDir(), Logs: &syncBuffer{}}
	if *clusterNginx {
		nginx, err := exec.LookPath("nginx")
		if err != nil {
			t.Fatal("-cluster-nginx: nginx not installed")
		}
		opt.Nginx, opt.NginxConf = nginx, "../../deploy/nginx.conf"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	c, err := clustertest.Start(ctx, opt)
	if err != nil {
		t.Fatalf("start the cluster: %v\n%s", err, opt.Logs)
	}
	defer c.Close()
	defer func() {
		if t.Failed() {
			t.Logf("logs:\n%s", opt.Logs)
		}
	}()

	// The sign-out needs nothing but the change feed; the kills need the
	// instances to share their units through leases.
	clustered, err := c.Clustered(ctx)
	if err != nil {
		t.Fatal(err)
	}
	owners := func(t *testing.T) {
		t.Helper()
		if !clustered {
			t.Skip("the instances hold no instance:<name> lease: this build runs each alone (cluster.Node is not wired into gridskill, or it is behind the gridskill_cluster build tag), so nothing takes an exam or a round over")
		}
	}

	t.Run("SignOutReachesEveryInstance", func(t *testing.T) {
		f, err := c.RunSignOut(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Log(f)
		if f.Max > 2*time.Second {
			t.Errorf("a token signed out on %s was accepted elsewhere for %s, want within 2 s: %v", f.On, f.Max, f.Refused)
		}
	})
	// Two trials of each: the second kills an owner that took over from the
	// first, or that was restarted after it.
	for trial := 1; trial <= 2; trial++ {
		t.Run(fmt.Sprintf("ExamOwnerKilled/%d", trial), func(t *testing.T) { examOwnerKilled(t, ctx, c, trial, owners) })
		t.Run(fmt.Sprintf("RoundOwnerKilled/%d", trial), func(t *testing.T) { roundOwnerKilled(t, ctx, c, trial, owners) })
	}
}

func examOwnerKilled(t *testing.T, ctx context.Context, c *clustertest.Cluster, trial int, owners func(*testing.T)) {
	owners(t)
	f, err := c.RunExam(ctx, clustertest.ExamRun{Trial: trial, Examinees: 30, Every: 300 * time.Millisecond, Before: 4 * time.Second, After: 14 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(f)
	if !f.Held {
		t.Errorf("nobody held exam's lease: instance %s, which the balancer chose, was killed instead", f.Killed)
	}
	if f.NewHolder == "" {
		t.Errorf("no other instance took the exam's lease after %s was killed", f.Killed)
	}
	if f.Lost > 0 {
		t.Errorf("%d acknowledged saves missing after the submit", f.Lost)
	}
	if f.Twice > 0 || f.Stored != f.Examinees {
		t.Errorf("%d finished attempts stored for %d examinees, %d of them more than once", f.Stored, f.Examinees, f.Twice)
	}
	if f.Unsubmitted > 0 {
		t.Errorf("%d examinees could not submit", f.Unsubmitted)
	}
	if f.NotResumed > 0 {
		t.Errorf("%d examinees never saved again after the kill", f.NotResumed)
	}
	if slowest := clustertest.Slowest(f.Resume); slowest > 10*time.Second {
		t.Errorf("an examinee saved again %s after the kill, want within 10 s", slowest)
	}
}

func roundOwnerKilled(t *testing.T, ctx context.Context, c *clustertest.Cluster, trial int, owners func(*testing.T)) {
	owners(t)
	f, err := c.RunLive(ctx, clustertest.LiveRun{Trial: trial, Phones: 30, Spread: 4 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(f)
	if !f.Held {
		t.Errorf("nobody held the round's lease: instance %s, which the balancer chose, was killed instead", f.Killed)
	}
	if f.NewHolder == "" || f.NewHolder == f.Killed {
		t.Errorf("the round's lease is held by %q after %s was killed and the host resumed, want another instance", f.NewHolder, f.Killed)
	}
	if !f.Paused || f.Takeover > 10*time.Second {
		t.Errorf("the host resumed the round %s after the kill (resumed: %v), want within 10 s", f.Takeover, f.Paused)
	}
	if f.Lost > 0 || f.Twice > 0 {
		t.Errorf("%d acknowledged answers missing, %d stored twice", f.Lost, f.Twice)
	}
	if f.Acked != f.Phones {
		t.Errorf("%d of %d phones had their answer acknowledged", f.Acked, f.Phones)
	}
	if f.SawResults != f.Phones {
		t.Errorf("%d of %d phones' event streams showed the results after the takeover", f.SawResults, f.Phones)
	}
}

package main

// The cluster scenario: several instances over one database, killed one at a
// time.
//
//	go run ./cmd/gridload cluster -trials 20 -examinees 300 -phones 300
//
// builds gridskill (or takes -bin), starts `gridskill db` over a fresh folder,
// three instances (GRIDSKILL_INSTANCE a, b, c) and the Go balancer in front
// (nginx with deploy/nginx.conf with -nginx), and runs -trials trials. Each
// trial runs an exam for -examinees through the balancer and SIGKILLs the
// instance holding its lease mid-way, then a live round for -phones and
// SIGKILLs the round's owner mid-question, then starts the killed instances
// again; one sign-out on one instance is timed until the others refuse its
// token. It prints a line per trial and, last, the overall figures: answers
// acknowledged and lost, takeover times p50/p99 and the requests that failed
// during the takeovers.

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"time"

	"gridskill/cluster/clustertest"
)

func runCluster(args []string) error {
	fs := flag.NewFlagSet("gridload cluster", flag.ExitOnError)
	trials := fs.Int("trials", 20, "trials, each killing the owner of an exam and of a live round")
	examinees := fs.Int("examinees", 300, "examinees in each trial's exam")
	phones := fs.Int("phones", 300, "phones in each trial's live round")
	every := fs.Duration("every", time.Second, "time between one examinee's saves")
	before := fs.Duration("before", 10*time.Second, "saving before the kill")
	after := fs.Duration("after", 20*time.Second, "saving after the kill")
	spread := fs.Duration("spread", 6*time.Second, "phones answer within this; the kill comes half-way")
	bin := fs.String("bin", "", "the gridskill binary (empty: built from ./cmd/gridskill)")
	dir := fs.String("dir", "", "a folder for the database and the instances (empty: a new temporary one)")
	nginx := fs.Bool("nginx", false, "front the instances with nginx and deploy/nginx.conf instead of the Go balancer")
	logs := fs.String("log", "", "write the processes' output to this file")
	_ = fs.Parse(args)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	if *dir == "" {
		d, err := os.MkdirTemp("", "gridload-cluster-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	if *bin == "" {
		*bin = filepath.Join(*dir, "gridskill")
		fmt.Println("prepare: building gridskill")
		// The Dockerfile's tags, so the run measures what production runs.
		tags := ""
		if data, err := os.ReadFile("Dockerfile"); err == nil {
			if m := regexp.MustCompile(`go build -tags (\S+)`).FindSubmatch(data); m != nil {
				tags = string(m[1])
			}
		}
		if out, err := exec.Command("go", "build", "-tags", tags, "-o", *bin, "./cmd/gridskill").CombinedOutput(); err != nil {
			return fmt.Errorf("build: %v\n%s", err, out)
		}
	}
	opt := clustertest.Options{Bin: *bin, Dir: *dir}
	if *logs != "" {
		f, err := os.Create(*logs)
		if err != nil {
			return err
		}
		defer f.Close()
		opt.Logs = f
	}
	if *nginx {
		path, err := exec.LookPath("nginx")
		if err != nil {
			return fmt.Errorf("-nginx: %w", err)
		}
		opt.Nginx, opt.NginxConf = path, "deploy/nginx.conf"
	}
	start := time.Now()
	c, err := clustertest.Start(ctx, opt)
	if err != nil {
		return err
	}
	defer c.Close()
	fmt.Printf("prepare: database and %d instances up in %s, front %s\n", len(c.Instances), time.Since(start).Round(time.Millisecond), c.Front)
	if ok, err := c.Clustered(ctx); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("the instances hold no instance:<name> lease: this gridskill runs each alone, so nothing would take an exam or a round over")
	}

	so, err := c.RunSignOut(ctx)
	if err != nil {
		return err
	}
	fmt.Println(so)
	var examAcked, examLost, liveAcked, liveLost, failed, twice, notResumed, unheld int
	var examTake, examResume, liveTake []time.Duration
	for trial := 1; trial <= *trials && ctx.Err() == nil; trial++ {
		ef, err := c.RunExam(ctx, clustertest.ExamRun{Trial: trial, Examinees: *examinees, Every: *every, Before: *before, After: *after})
		if err != nil {
			return fmt.Errorf("trial %d, exam: %w", trial, err)
		}
		fmt.Printf("trial %d %s\n", trial, ef)
		lf, err := c.RunLive(ctx, clustertest.LiveRun{Trial: trial, Phones: *phones, Spread: *spread})
		if err != nil {
			return fmt.Errorf("trial %d, live: %w", trial, err)
		}
		fmt.Printf("trial %d %s\n", trial, lf)
		examAcked, examLost, liveAcked, liveLost = examAcked+ef.Acked, examLost+ef.Lost, liveAcked+lf.Acked, liveLost+lf.Lost
		failed += ef.FailedDuringTakeover + lf.FailedDuringTakeover
		twice += ef.Twice + lf.Twice
		notResumed += ef.NotResumed
		if !ef.Held {
			unheld++
		}
		if !lf.Held {
			unheld++
		}
		if ef.NewHolder != "" {
			examTake = append(examTake, ef.Takeover)
		}
		examResume = append(examResume, ef.Resume...)
		if lf.Paused {
			liveTake = append(liveTake, lf.Takeover)
		}
	}
	fmt.Printf("cluster: trials=%d exam_acked=%d exam_lost=%d live_acked=%d live_lost=%d stored_twice=%d not_resumed=%d kills_of_an_unheld_unit=%d\n",
		*trials, examAcked, examLost, liveAcked, liveLost, twice, notResumed, unheld)
	fmt.Printf("cluster: exam_takeover_p50=%s p99=%s examinee_resume_p50=%s p99=%s live_takeover_p50=%s p99=%s failed_during_takeover=%d signout_everywhere=%s\n",
		clustertest.Percentile(examTake, 0.5), clustertest.Percentile(examTake, 0.99), clustertest.Percentile(examResume, 0.5), clustertest.Percentile(examResume, 0.99),
		clustertest.Percentile(liveTake, 0.5), clustertest.Percentile(liveTake, 0.99), failed, so.Max.Round(time.Millisecond))
	return nil
}

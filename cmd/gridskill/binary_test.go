package main

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// realServer is the gridskill binary, built for the test, over one data
// folder and one address, for tests that need a real process to kill.
type realServer struct {
	t    *testing.T
	bin  string
	dir  string
	addr string
	base string
	logs *syncBuffer
}

// productionTags returns the build tags the Dockerfile builds the binary
// with, so that the end-to-end tests run what production runs.
func productionTags(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`go build -tags (\S+)`).FindSubmatch(data)
	if m == nil {
		t.Fatal("the Dockerfile's go build names no -tags")
	}
	return string(m[1])
}

// newRealServer builds the binary and picks a free loopback address. It skips
// with MONGODB_URI set: killing the process must kill its embedded engine.
func newRealServer(t *testing.T) *realServer {
	t.Helper()
	if os.Getenv("MONGODB_URI") != "" {
		t.Skip("this test kills the embedded engine with the server")
	}
	s := &realServer{t: t, bin: filepath.Join(t.TempDir(), "gridskill"), dir: t.TempDir(), logs: &syncBuffer{}}
	if out, err := exec.Command("go", "build", "-tags", productionTags(t), "-o", s.bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	l.Close()
	s.base = "http://" + s.addr
	return s
}

// start runs the binary with the demo data and waits until /healthz answers.
func (s *realServer) start() *exec.Cmd {
	t := s.t
	t.Helper()
	cmd := exec.Command(s.bin, "-addr", s.addr, "-data", s.dir)
	cmd.Env = append(os.Environ(), "MONGODB_URI=", "GRIDSKILL_DEMO=true")
	cmd.Stdout, cmd.Stderr = s.logs, s.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if resp, err := http.Get(s.base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return cmd
			}
		}
	}
	t.Fatalf("server did not start:\n%s", s.logs)
	return nil
}

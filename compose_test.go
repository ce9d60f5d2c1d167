package gridskill_test

import (
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"gridskill/cluster"
)

// TestComposeFileIsValid checks docker-compose.yml with the docker-compose
// tool, which validates without a Docker engine.
func TestComposeFileIsValid(t *testing.T) {
	tool, err := exec.LookPath("docker-compose")
	if err != nil {
		t.Skip("docker-compose not installed (apt-get install -y docker-compose); docker-compose.yml not validated")
	}
	cmd := exec.Command(tool, "-f", "docker-compose.yml", "config")
	cmd.Env = append(os.Environ(), "GRIDSKILL_JWT_SECRET=0123456789abcdef0123456789abcdef")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("docker-compose config: %v\n%s", err, out)
	}
	cfg := string(out)
	for _, want := range []string{"mongo:8.0", "replSet", "healthcheck", "mongo-data", "MONGODB_URI: mongodb://mongo:27017", "condition: service_healthy", "build:"} {
		if !strings.Contains(cfg, want) {
			t.Errorf("resolved compose file lacks %q", want)
		}
	}
	cmd = exec.Command(tool, "-f", "docker-compose.yml", "config", "-q")
	cmd.Env = append(os.Environ(), "GRIDSKILL_JWT_SECRET=")
	if err := cmd.Run(); err == nil {
		t.Error("compose file accepted without GRIDSKILL_JWT_SECRET; it must refuse")
	}

	t.Run("ClusterProfile", func(t *testing.T) {
		cmd := exec.Command(tool, "-f", "docker-compose.yml", "--profile", "cluster", "config")
		cmd.Env = append(os.Environ(), "GRIDSKILL_JWT_SECRET=0123456789abcdef0123456789abcdef")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("docker-compose --profile cluster config: %v\n%s", err, out)
		}
		cfg := string(out)
		for _, want := range []string{"mongo1:", "mongo2:", "mongo3:", "rs.initiate", "mongo3:27017", "service_completed_successfully",
			"MONGODB_URI: mongodb://mongo1:27017,mongo2:27017,mongo3:27017/gridskill?replicaSet=rs0",
			"GRIDSKILL_JWT_SECRET: 0123456789abcdef0123456789abcdef", "GRIDSKILL_PROXY_HEADER: X-Real-IP",
			"deploy/nginx.conf:/etc/nginx/nginx.conf", "- cluster"} {
			if !strings.Contains(cfg, want) {
				t.Errorf("the cluster profile lacks %q", want)
			}
		}
		// Each app replica names itself and the address the others forward to.
		instances := regexp.MustCompile(`GRIDSKILL_INSTANCE: (\S+)`).FindAllStringSubmatch(cfg, -1)
		seen := map[string]bool{}
		for _, m := range instances {
			if seen[m[1]] {
				t.Errorf("two replicas are both GRIDSKILL_INSTANCE %s", m[1])
			}
			seen[m[1]] = true
			if !strings.Contains(cfg, "GRIDSKILL_ADVERTISE: http://"+m[1]+":8080") {
				t.Errorf("replica %s advertises no http://%s:8080", m[1], m[1])
			}
		}
		if len(seen) < 2 {
			t.Errorf("the cluster profile has %d app replicas, want two or more", len(seen))
		}
		// nginx.conf must name exactly the replicas the profile runs.
		conf, err := os.ReadFile("deploy/nginx.conf")
		if err != nil {
			t.Fatal(err)
		}
		for name := range seen {
			if !strings.Contains(string(conf), "server "+name+":8080") {
				t.Errorf("deploy/nginx.conf does not balance over %s", name)
			}
		}
		if n := len(regexp.MustCompile(`server app\d+:8080`).FindAll(conf, -1)); n != len(seen) {
			t.Errorf("deploy/nginx.conf names %d app servers, the profile runs %d", n, len(seen))
		}
		cmd = exec.Command(tool, "-f", "docker-compose.yml", "--profile", "cluster", "config", "-q")
		cmd.Env = append(os.Environ(), "GRIDSKILL_JWT_SECRET=")
		if err := cmd.Run(); err == nil {
			t.Error("the cluster profile accepted without GRIDSKILL_JWT_SECRET; it must refuse")
		}
	})
}

func TestDockerfileBuildsInStages(t *testing.T) {
	data, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "FROM ") {
			n++
		}
	}
	if n < 2 {
		t.Fatalf("Dockerfile has %d stages, want a build stage and a run stage", n)
	}
}

// nginxCopy writes deploy/nginx.conf into a temporary prefix runnable here:
// the instances at the given addresses, the listener on listen, every path
// inside the prefix, and extra inserted into its http block. It returns the
// prefix.
func nginxCopy(t *testing.T, listen string, backends []string, extra string) string {
	t.Helper()
	data, err := os.ReadFile("deploy/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	conf := string(data)
	dir := t.TempDir()
	servers := regexp.MustCompile(`server app\d+:8080`).FindAllString(conf, -1)
	if len(servers) < 2 {
		t.Fatalf("deploy/nginx.conf names %d app servers, want two or more", len(servers))
	}
	for i, s := range servers {
		conf = strings.Replace(conf, s, "server "+backends[i%len(backends)], 1)
	}
	for _, r := range [][2]string{
		{"listen 80;", "listen " + listen + ";"},
		{"pid /tmp/nginx.pid;", "pid " + dir + "/nginx.pid;"},
		{"http {", "http {\n" + extra + "\nclient_body_temp_path " + dir + "/body;\nproxy_temp_path " + dir + "/proxy;\n" +
			"fastcgi_temp_path " + dir + "/fastcgi;\nuwsgi_temp_path " + dir + "/uwsgi;\nscgi_temp_path " + dir + "/scgi;\n"},
	} {
		if !strings.Contains(conf, r[0]) {
			t.Fatalf("deploy/nginx.conf has no %q", r[0])
		}
		conf = strings.Replace(conf, r[0], r[1], 1)
	}
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestNginxConfigIsValid runs `nginx -t` on the shipped configuration, then
// runs it and checks that its route key is cluster.RouteKey's for every kind
// of path, so nginx and the Go balancer keep every round, exam and attempt
// together the same way.
func TestNginxConfigIsValid(t *testing.T) {
	tool, err := exec.LookPath("nginx")
	if err != nil {
		if tool, err = exec.LookPath("/usr/sbin/nginx"); err != nil {
			t.Skip("nginx not installed (apt-get install -y nginx); deploy/nginx.conf not checked")
		}
	}
	keyAddr := freeAddr(t)
	prefix := nginxCopy(t, freeAddr(t), []string{"127.0.0.1:9", "127.0.0.1:10", "127.0.0.1:11"},
		"server { listen "+keyAddr+"; location / { return 200 $route_key; } }")
	args := []string{"-p", prefix, "-e", prefix + "/error.log", "-c", prefix + "/nginx.conf"}
	if out, err := exec.Command(tool, append([]string{"-t"}, args...)...).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
	cmd := exec.Command(tool, append(args, "-g", "daemon off;")...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// SIGTERM, not a kill: the master stops its workers before it exits.
	defer func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() }()
	key := func(path string, header http.Header) string {
		t.Helper()
		req, _ := http.NewRequest("GET", "http://"+keyAddr+path, nil)
		req.Header = header
		for range 100 {
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				time.Sleep(50 * time.Millisecond)
				continue
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return string(body)
		}
		logs, _ := os.ReadFile(prefix + "/error.log")
		t.Fatalf("nginx did not answer:\n%s", logs)
		return ""
	}
	for _, c := range []struct{ path, cookie, auth string }{
		{"/live/c1/events", "gs_session=tok", ""},
		{"/api/v1/live/c1/answer", "", "Bearer x"},
		{"/contests/c2/rounds/r1/edit", "", ""},
		{"/api/v1/contests/c2/standings", "", ""},
		{"/quiz/exams/e1/extend", "", ""},
		{"/exams/e1/sit", "", ""},
		{"/api/v1/exams/e1/attempts", "", ""},
		{"/quiz/attempts/a1", "", ""},
		{"/attempts/a1", "", ""},
		{"/api/v1/attempts/a1/answers/q1", "", ""},
		{"/api/v1/exams", "", "Bearer x"},
		{"/api/v1/quiz/exams/e1", "gs_lang=zh", "Bearer y"},
		{"/home", "gs_lang=zh; gs_session=tok1; gs_csrf=c", "Bearer x"},
		{"/home", "__Host-gs_session=tok2", ""},
		{"/home", "gs_lang=zh", "Bearer y"},
	} {
		h := http.Header{}
		if c.cookie != "" {
			h.Set("Cookie", c.cookie)
		}
		if c.auth != "" {
			h.Set("Authorization", c.auth)
		}
		want := cluster.RouteKey(c.path, h.Get)
		if got := key(c.path, h); got != want {
			t.Errorf("%s %v: nginx keys it %q, cluster.RouteKey %q", c.path, h, got, want)
		}
	}
	if got := key("/home", http.Header{}); got != "127.0.0.1" {
		t.Errorf("with nothing to key on, nginx keys by %q, want the client's address", got)
	}
}

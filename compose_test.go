package gridskill_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
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

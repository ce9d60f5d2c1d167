// Package clustertest runs several Gridskill instances over one database on
// this machine, behind a load balancer, and drives exams and live rounds
// through them while it kills instances: the proof that the cluster keeps
// every acknowledged answer. The cluster test (cmd/gridskill) runs it at small
// sizes and `gridload cluster` at full size.
package clustertest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"gridskill/cluster"
	"gridskill/store"
)

// Options say what to start.
type Options struct {
	// Bin is the gridskill binary.
	Bin string
	// Dir is a fresh folder for the database and the instances' data folders.
	Dir string
	// Instances is how many to start (3 when 0), named a, b, c, ….
	Instances int
	// Nginx, when set, is the nginx binary to put in front with NginxConf
	// (deploy/nginx.conf) instead of the Go balancer.
	Nginx, NginxConf string
	// Logs receives the processes' output (nil: discarded).
	Logs io.Writer
}

// Instance is one running gridskill server.
type Instance struct {
	Name, Addr, Base string
	dir              string
	cmd              *exec.Cmd
	exited           chan struct{}
}

// Cluster is the database, the instances and the balancer in front.
type Cluster struct {
	opt       Options
	URI       string
	Front     string
	Instances []*Instance
	Secret    string

	client   *mongo.Client
	db       *mongo.Database
	dbCmd    *exec.Cmd
	balancer *cluster.Balancer
	stopFull func()
	logs     io.Writer
	logMu    sync.Mutex
	http     *http.Client

	poolMu sync.Mutex
	pools  map[string]*pool
}

// Start starts `gridskill db`, the instances (the first loads the demo
// district) and the balancer, and waits until each answers /healthz.
func Start(ctx context.Context, opt Options) (*Cluster, error) {
	if opt.Instances == 0 {
		opt.Instances = 3
	}
	c := &Cluster{opt: opt, logs: opt.Logs, Secret: strings.Repeat("clustertest-secret-", 3),
		http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 2000, MaxIdleConns: 4000, IdleConnTimeout: time.Minute}}}
	if c.logs == nil {
		c.logs = io.Discard
	}
	ok := false
	defer func() {
		if !ok {
			c.Close()
		}
	}()
	uriLine := regexp.MustCompile(`MONGODB_URI=(\S+)`)
	uri := make(chan string, 1)
	c.dbCmd = exec.Command(opt.Bin, "db", "-data", filepath.Join(opt.Dir, "db"))
	c.dbCmd.Env = c.env(nil)
	if err := c.startLogged(c.dbCmd, "db", func(line string) {
		if m := uriLine.FindStringSubmatch(line); m != nil {
			select {
			case uri <- m[1]:
			default:
			}
		}
	}); err != nil {
		return nil, err
	}
	select {
	case c.URI = <-uri:
	case <-time.After(2 * time.Minute):
		return nil, errors.New("gridskill db printed no MONGODB_URI")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var err error
	if c.client, err = store.Connect(ctx, c.URI); err != nil {
		return nil, err
	}
	c.db = c.client.Database("gridskill")
	for i := range opt.Instances {
		addr, err := freeAddr()
		if err != nil {
			return nil, err
		}
		name := string(rune('a' + i))
		c.Instances = append(c.Instances, &Instance{Name: name, Addr: addr, Base: "http://" + addr, dir: filepath.Join(opt.Dir, name)})
	}
	// The first loads the demo district alone; the others start together.
	if err := c.startInstance(ctx, c.Instances[0], true); err != nil {
		return nil, err
	}
	errs := make(chan error, len(c.Instances))
	for _, in := range c.Instances[1:] {
		go func() { errs <- c.startInstance(ctx, in, false) }()
	}
	for range c.Instances[1:] {
		if err := <-errs; err != nil {
			return nil, err
		}
	}
	if err := c.startFront(ctx); err != nil {
		return nil, err
	}
	ok = true
	return c, nil
}

// env is the processes' environment: this one's, without the variables that
// would point them elsewhere, plus extra.
func (c *Cluster) env(extra map[string]string) []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GRIDSKILL_") || k == "MONGODB_URI" {
			continue
		}
		out = append(out, kv)
	}
	for k, v := range extra {
		out = append(out, k+"="+v)
	}
	return out
}

// startLogged starts cmd with its output going, line by line and prefixed
// with name, to the logs and to each (when not nil).
func (c *Cluster) startLogged(cmd *exec.Cmd, name string, each func(string)) error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = w, w
	dieWithParent(cmd)
	err = cmd.Start()
	w.Close()
	if err != nil {
		r.Close()
		return err
	}
	go func() {
		defer r.Close()
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			c.logMu.Lock()
			fmt.Fprintf(c.logs, "%s| %s\n", name, line)
			c.logMu.Unlock()
			if each != nil {
				each(line)
			}
		}
	}()
	return nil
}

func (c *Cluster) startInstance(ctx context.Context, in *Instance, demo bool) error {
	in.cmd = exec.Command(c.opt.Bin, "-addr", in.Addr, "-data", in.dir)
	in.cmd.Env = c.env(map[string]string{
		"MONGODB_URI": c.URI, "GRIDSKILL_JWT_SECRET": c.Secret, "GRIDSKILL_DEMO": fmt.Sprint(demo),
		"GRIDSKILL_INSTANCE": in.Name, "GRIDSKILL_ADVERTISE": in.Base,
	})
	if err := c.startLogged(in.cmd, in.Name, nil); err != nil {
		return err
	}
	in.exited = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); close(done) }(in.cmd, in.exited)
	return c.waitHealthy(ctx, in.Base, in.exited, "instance "+in.Name)
}

func (c *Cluster) waitHealthy(ctx context.Context, base string, exited chan struct{}, what string) error {
	for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline); {
		if resp, err := c.http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		select {
		case <-exited:
			return fmt.Errorf("%s exited before it answered /healthz", what)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s did not answer /healthz within 3 minutes", what)
}

func (c *Cluster) startFront(ctx context.Context) error {
	var backends []string
	for _, in := range c.Instances {
		backends = append(backends, in.Base)
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	c.Front = "http://" + addr
	if c.opt.Nginx != "" {
		return c.startNginx(ctx, addr)
	}
	log := slog.New(slog.NewTextHandler(&lockedWriter{c: c, prefix: "balance| "}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	c.balancer, err = cluster.NewBalancer(backends, log)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	bctx, cancel := context.WithCancel(context.Background())
	c.balancer.Start(bctx)
	srv := &http.Server{Handler: c.balancer, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	c.stopFull = func() { cancel(); _ = srv.Close() }
	return c.waitHealthy(ctx, c.Front, nil, "the balancer")
}

// startNginx runs nginx with a copy of deploy/nginx.conf pointed at the
// instances and listening on addr.
func (c *Cluster) startNginx(ctx context.Context, addr string) error {
	data, err := os.ReadFile(c.opt.NginxConf)
	if err != nil {
		return err
	}
	conf := string(data)
	dir := filepath.Join(c.opt.Dir, "nginx")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	servers := regexp.MustCompile(`server app\d+:8080`).FindAllString(conf, -1)
	if len(servers) == 0 {
		return fmt.Errorf("%s names no app servers", c.opt.NginxConf)
	}
	var lines []string
	for _, in := range c.Instances {
		lines = append(lines, "server "+in.Addr+" max_fails=1 fail_timeout=3s;")
	}
	conf = regexp.MustCompile(`(?m)^\s*server app\d+:8080[^\n]*\n`).ReplaceAllString(conf, "")
	conf = strings.Replace(conf, "keepalive 64;", strings.Join(lines, "\n")+"\nkeepalive 64;", 1)
	conf = strings.Replace(conf, "listen 80;", "listen "+addr+";", 1)
	conf = strings.Replace(conf, "pid /tmp/nginx.pid;", "pid "+dir+"/nginx.pid;", 1)
	conf = strings.Replace(conf, "http {", "http {\nclient_body_temp_path "+dir+"/body;\nproxy_temp_path "+dir+"/proxy;\n"+
		"fastcgi_temp_path "+dir+"/fastcgi;\nuwsgi_temp_path "+dir+"/uwsgi;\nscgi_temp_path "+dir+"/scgi;\n", 1)
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		return err
	}
	cmd := exec.Command(c.opt.Nginx, "-p", dir, "-e", dir+"/error.log", "-c", path, "-g", "daemon off;")
	if err := c.startLogged(cmd, "nginx", nil); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	c.stopFull = func() { _ = cmd.Process.Signal(syscall.SIGTERM); <-exited }
	return c.waitHealthy(ctx, c.Front, exited, "nginx")
}

type lockedWriter struct {
	c      *Cluster
	prefix string
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.c.logMu.Lock()
	defer w.c.logMu.Unlock()
	_, _ = io.WriteString(w.c.logs, w.prefix)
	return w.c.logs.Write(p)
}

// Instance is the instance called name, or nil.
func (c *Cluster) Instance(name string) *Instance {
	for _, in := range c.Instances {
		if in.Name == name {
			return in
		}
	}
	return nil
}

// Kill sends SIGKILL to the instance and waits until it is gone.
func (c *Cluster) Kill(in *Instance) error {
	if err := in.cmd.Process.Kill(); err != nil {
		return err
	}
	<-in.exited
	return nil
}

// Restart starts a killed instance again on its address and data folder.
func (c *Cluster) Restart(ctx context.Context, in *Instance) error {
	select {
	case <-in.exited:
	default:
		return fmt.Errorf("instance %s is running", in.Name)
	}
	return c.startInstance(ctx, in, false)
}

// Lease is a lease's stored state.
type Lease struct {
	Holder string    `bson:"holder"`
	Until  time.Time `bson:"until"`
	Epoch  int64     `bson:"epoch"`
}

// Lease reads the lease called name; a lease never claimed is the zero Lease.
func (c *Cluster) Lease(ctx context.Context, name string) (Lease, error) {
	var l Lease
	err := c.db.Collection(store.LeaseCollection).FindOne(ctx, bson.M{"_id": name}).Decode(&l)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Lease{}, nil
	}
	return l, err
}

// Owner is the instance that holds the lease called name, or, when none
// does, the instance the balancer sends its route key to (so a kill still
// hits the instance serving it). held says which.
func (c *Cluster) Owner(ctx context.Context, name string) (in *Instance, held bool, err error) {
	l, err := c.Lease(ctx, name)
	if err != nil {
		return nil, false, err
	}
	if in := c.Instance(l.Holder); in != nil && l.Until.After(time.Now()) {
		return in, true, nil
	}
	if c.balancer != nil {
		if in := c.byBase(c.balancer.Pick(name)); in != nil {
			return in, false, nil
		}
	}
	return c.Instances[0], false, nil
}

func (c *Cluster) byBase(base string) *Instance {
	for _, in := range c.Instances {
		if in.Base == base {
			return in
		}
	}
	return nil
}

// Close stops everything it started.
func (c *Cluster) Close() {
	if c.stopFull != nil {
		c.stopFull()
	}
	for _, in := range c.Instances {
		if in.cmd != nil && in.exited != nil {
			_ = in.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-in.exited:
			case <-time.After(10 * time.Second):
				_ = in.cmd.Process.Kill()
				<-in.exited
			}
		}
	}
	if c.client != nil {
		_ = c.client.Disconnect(context.Background())
	}
	if c.dbCmd != nil && c.dbCmd.Process != nil {
		_ = c.dbCmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = c.dbCmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = c.dbCmd.Process.Kill()
			<-done
		}
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// Clustered reports whether every instance runs as one of several: each
// holds its `instance:<name>` heartbeat lease within 5 s. A binary built
// without cluster mode ignores GRIDSKILL_INSTANCE and holds none.
func (c *Cluster) Clustered(ctx context.Context) (bool, error) {
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		all := true
		for _, in := range c.Instances {
			l, err := c.Lease(ctx, "instance:"+in.Name)
			if err != nil {
				return false, err
			}
			all = all && l.Holder == in.Name
		}
		if all {
			return true, nil
		}
		if time.Now().After(deadline) {
			return false, nil
		}
	}
}

package main

import (
	"flag"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"time"
)

// Config is read from flags, each with an environment variable that sets its default.
type Config struct {
	Addr          string
	DataDir       string
	MongoURI      string
	JWTSecret     string
	Demo          bool
	SecureCookies bool
	ProxyHeader   string
	// DistrictWorkers, when set, makes seed write a simulated district-year with that many workers.
	DistrictWorkers int
	// RobotHosts are group-robot hosts accepted besides WeChat Work's and DingTalk's, comma-separated.
	RobotHosts    string
	ShutdownGrace time.Duration
	// Instance names this instance among several over one database; with
	// Advertise it turns cluster mode on (both or neither).
	Instance string
	// Advertise is the address the other instances forward requests to.
	Advertise string

	// For `gridskill seed`.
	Reset       bool
	ContentOnly bool
	Author      string
	// CPUProfile, when set, is where seed writes a CPU profile of its run (for the district-year's cost).
	CPUProfile string
}

func parseConfig(cmd string, args []string, getenv func(string) string) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("gridskill "+cmd, flag.ContinueOnError)
	fs.StringVar(&c.Addr, "addr", envOr(getenv, "GRIDSKILL_ADDR", ":8080"), "listen address (GRIDSKILL_ADDR)")
	fs.StringVar(&c.DataDir, "data", envOr(getenv, "GRIDSKILL_DATA", "./data"), "data folder of the embedded database and the generated secret (GRIDSKILL_DATA)")
	fs.StringVar(&c.MongoURI, "mongodb-uri", getenv("MONGODB_URI"), "MongoDB connection string; empty runs the embedded database (MONGODB_URI)")
	c.JWTSecret = getenv("GRIDSKILL_JWT_SECRET") // never a flag: flags show in process lists
	demoDefault, err := boolEnv(getenv, "GRIDSKILL_DEMO")
	if err != nil {
		return c, err
	}
	demo := fs.String("demo", demoDefault, "load the demo district into an empty database: true, false, or empty for 'only with the embedded database' (GRIDSKILL_DEMO)")
	secure, err := boolEnv(getenv, "GRIDSKILL_SECURE_COOKIES")
	if err != nil {
		return c, err
	}
	fs.BoolVar(&c.SecureCookies, "secure-cookies", secure == "true", "mark cookies Secure, for HTTPS (GRIDSKILL_SECURE_COOKIES)")
	fs.StringVar(&c.RobotHosts, "robot-hosts", getenv("GRIDSKILL_ROBOT_HOSTS"), "group-robot hosts accepted besides WeChat Work's and DingTalk's, comma-separated, e.g. an intranet relay (GRIDSKILL_ROBOT_HOSTS)")
	fs.StringVar(&c.ProxyHeader, "proxy-header", getenv("GRIDSKILL_PROXY_HEADER"), "header holding the client address behind a reverse proxy, e.g. X-Real-IP (GRIDSKILL_PROXY_HEADER)")
	fs.DurationVar(&c.ShutdownGrace, "shutdown-grace", 20*time.Second, "how long to let requests finish on shutdown")
	fs.StringVar(&c.Instance, "instance", getenv("GRIDSKILL_INSTANCE"), "this instance's name among several over one MongoDB, unique, e.g. app1; with -advertise it runs as one of several (GRIDSKILL_INSTANCE)")
	fs.StringVar(&c.Advertise, "advertise", getenv("GRIDSKILL_ADVERTISE"), "the address the other instances reach this one at, e.g. http://10.0.0.5:8080 (GRIDSKILL_ADVERTISE)")
	fs.StringVar(&c.CPUProfile, "cpuprofile", "", "write a CPU profile of the seeding, or of serving until it stops, to this file (go tool pprof reads it)")
	if cmd == "seed" {
		fs.BoolVar(&c.Reset, "reset", false, "drop all data first, then load the demo district")
		fs.BoolVar(&c.ContentOnly, "content-only", false, "import the shipped modules and question banks only, owned by -author's unit; people are not touched")
		fs.IntVar(&c.DistrictWorkers, "district-year", 0, "write a simulated district-year into an empty database: the demo district plus this many workers (e.g. 2000) and a year of study, exams, practice, sessions, competitions and certificates")
		fs.StringVar(&c.Author, "author", "", "with -content-only: phone number of the trainer or admin who owns the imported content")
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.ContentOnly && (c.Reset || c.Author == "") {
		return c, fmt.Errorf("-content-only needs -author <phone of a trainer or admin> and cannot go with -reset")
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if cmd == "serve" {
		if err := c.checkCluster(); err != nil {
			return c, err
		}
	}
	switch *demo {
	case "":
		c.Demo = c.MongoURI == ""
	default:
		b, err := strconv.ParseBool(*demo)
		if err != nil {
			return c, fmt.Errorf("-demo: want true or false, got %q", *demo)
		}
		c.Demo = b
	}
	return c, nil
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func boolEnv(getenv func(string) string, key string) (string, error) {
	v := getenv(key)
	if v == "" {
		return "", nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return "", fmt.Errorf("%s: want true or false, got %q", key, v)
	}
	return strconv.FormatBool(b), nil
}

// Clustered reports whether this instance runs as one of several.
func (c Config) Clustered() bool { return c.Instance != "" }

var instanceName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$`)

// checkCluster validates the settings of several instances: a name and an
// address together, over a shared MongoDB.
func (c Config) checkCluster() error {
	if c.Instance == "" && c.Advertise == "" {
		return nil
	}
	if c.Instance == "" || c.Advertise == "" {
		return fmt.Errorf("GRIDSKILL_INSTANCE and GRIDSKILL_ADVERTISE go together: set both to run as one of several instances, or neither")
	}
	if !instanceName.MatchString(c.Instance) {
		return fmt.Errorf("GRIDSKILL_INSTANCE %q: want a short name of letters, digits, '-' or '_' (up to 32), e.g. app1", c.Instance)
	}
	u, err := url.Parse(c.Advertise)
	if err != nil || u.Scheme != "http" || u.Hostname() == "" || u.Port() == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return fmt.Errorf("GRIDSKILL_ADVERTISE %q: want the plain http address the other instances reach this one at, with its port, e.g. http://10.0.0.5:8080", c.Advertise)
	}
	if c.MongoURI == "" {
		return fmt.Errorf("several instances need one shared database: set MONGODB_URI (MongoDB, or the one `gridskill db` prints) with GRIDSKILL_INSTANCE")
	}
	return nil
}

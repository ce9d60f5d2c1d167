package main

import (
	"flag"
	"fmt"
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
	if cmd == "seed" {
		fs.BoolVar(&c.Reset, "reset", false, "drop all data first, then load the demo district")
		fs.BoolVar(&c.ContentOnly, "content-only", false, "import the shipped modules and question banks only, owned by -author's unit; people are not touched")
		fs.IntVar(&c.DistrictWorkers, "district-year", 0, "write a simulated district-year into an empty database: the demo district plus this many workers (e.g. 2000) and a year of study, exams, practice, sessions, competitions and certificates")
		fs.StringVar(&c.CPUProfile, "cpuprofile", "", "write a CPU profile of the seeding to this file (go tool pprof reads it)")
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

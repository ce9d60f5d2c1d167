package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestBalanceProxiesToTheInstances(t *testing.T) {
	inst := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "instance "+r.URL.Path)
	}))
	defer inst.Close()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"balance", "-addr", "127.0.0.1:0", "-backends", inst.URL + "/"}, func(string) string { return "" }, out)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("balance ended with %v", err)
		}
	}()
	front := waitFor(t, out, regexp.MustCompile(`on (http://\S+)`))
	resp, err := http.Get(front + "/live/c1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "instance /live/c1" {
		t.Fatalf("through the balancer: %q", body)
	}
}

func TestBalanceRefusesBadBackends(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"balance"}, "names no instance"},
		{[]string{"balance", "-backends", " , "}, "names no instance"},
		{[]string{"balance", "-backends", "127.0.0.1:8081"}, "want a base URL"},
		{[]string{"balance", "-backends", "http://127.0.0.1:8081", "extra"}, "unexpected argument"},
	} {
		err := run(context.Background(), c.args, func(string) string { return "" }, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want an error saying %q", c.args, err, c.want)
		}
	}
}

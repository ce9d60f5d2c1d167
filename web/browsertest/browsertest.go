// Package browsertest drives headless Chromium (Debian's package) with
// chromedp for the flows a person does, at a phone-sized viewport, and keeps
// screenshots as test artifacts under testdata/artifacts at the module root.
//
// chromedp v0.23's actions are generic values: chromedp.Do(ctx, steps...) runs
// steps that return nothing, v, err := chromedp.Run(ctx, chromedp.Text("#id"))
// returns a value, and selectors are plain strings (CSS, XPath or text).
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Phone viewport: a common cheap Android phone.
const (
	PhoneWidth  = 360
	PhoneHeight = 740
)

// Browser is one headless Chromium process for a test.
type Browser struct {
	root context.Context
}

// ExecPath finds Chromium: $CHROMIUM_PATH, /usr/bin/chromium, or chromium on PATH.
func ExecPath() string {
	for _, p := range []string{os.Getenv("CHROMIUM_PATH"), "/usr/bin/chromium"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	p, _ := exec.LookPath("chromium")
	return p
}

// New starts Chromium for the test and stops it when the test ends. Without
// Chromium on the machine the test is skipped with a message saying how to
// install it (.ci/run installs it).
func New(t *testing.T) *Browser {
	t.Helper()
	path := ExecPath()
	if path == "" {
		t.Skip("Chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH) to run the browser tests")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(PhoneWidth, PhoneHeight),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	root, cancelRoot := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelRoot(); cancelAlloc() })
	if err := chromedp.Do(root); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return &Browser{root: root}
}

// Phone opens a new, isolated browser context (its own cookies, like a
// separate phone) with a phone viewport. Its context ends with the test or
// after timeout.
func (b *Browser) Phone(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.root, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(PhoneWidth, PhoneHeight)); err != nil {
		t.Fatalf("open a phone: %v", err)
	}
	return ctx
}

// Screen opens a new isolated browser context at a projector's size, for host screens.
func (b *Browser) Screen(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.root, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 720)); err != nil {
		t.Fatalf("open a screen: %v", err)
	}
	return ctx
}

// Screenshot saves the whole page as testdata/artifacts/<name>.png.
func Screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	dir := ArtifactsDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Errorf("artifacts: %v", err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Errorf("artifacts: %v", err)
	}
}

// ArtifactsDir is $GRIDSKILL_ARTIFACTS, or testdata/artifacts at the module root.
func ArtifactsDir() string {
	if d := os.Getenv("GRIDSKILL_ARTIFACTS"); d != "" {
		return d
	}
	dir, _ := os.Getwd()
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "testdata", "artifacts")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(dir, "testdata", "artifacts")
		}
	}
}

package web

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// cssRule is one rule of a style sheet: its selectors and declarations.
type cssRule struct {
	selectors []string
	decls     map[string]string
}

var (
	cssComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	cssBlock   = regexp.MustCompile(`([^{}]+)\{([^{}]*)\}`)
)

// parseCSS reads the flat rules of a sheet; the rules inside @media are read
// as if they always applied, which is stricter, not looser.
func parseCSS(src string) []cssRule {
	src = cssComment.ReplaceAllString(src, "")
	var out []cssRule
	for _, m := range cssBlock.FindAllStringSubmatch(src, -1) {
		head := m[1]
		if i := strings.LastIndex(head, "{"); i >= 0 {
			head = head[i+1:]
		}
		head = strings.TrimSpace(head)
		if strings.HasPrefix(head, "@media") {
			head = head[strings.Index(head, ")")+1:]
		}
		r := cssRule{decls: map[string]string{}}
		for _, s := range strings.Split(head, ",") {
			r.selectors = append(r.selectors, strings.TrimSpace(s))
		}
		for _, d := range strings.Split(m[2], ";") {
			k, v, ok := strings.Cut(d, ":")
			if ok {
				r.decls[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
		out = append(out, r)
	}
	return out
}

// cssColor resolves a colour value (#rgb, #rrggbb, var(--x) or
// var(--x,#fallback)) against the sheet's custom properties.
func cssColor(v string, vars map[string]string) (rgb [3]float64, ok bool) {
	v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "!important"))
	if strings.HasPrefix(v, "var(") {
		name, fallback, _ := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(v, "var("), ")"), ",")
		if val, found := vars[strings.TrimSpace(name)]; found {
			return cssColor(val, vars)
		}
		return cssColor(fallback, vars)
	}
	if strings.HasPrefix(v, "#") {
		h := v[1:]
		if len(h) == 3 {
			h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
		}
		if len(h) != 6 {
			return rgb, false
		}
		for i := range 3 {
			n, err := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
			if err != nil {
				return rgb, false
			}
			rgb[i] = float64(n)
		}
		return rgb, true
	}
	switch v {
	case "#fff", "white":
		return [3]float64{255, 255, 255}, true
	}
	return rgb, false
}

// pairContrast resolves a text and a background value and returns their
// contrast; ok is false for a value that is no plain colour.
func pairContrast(fgv, bgv string, vars map[string]string) (float64, bool) {
	if fgv == "inherit" {
		fgv = "var(--fg)"
	}
	if bgv == "none" || bgv == "transparent" {
		bgv = "var(--bg)"
	}
	fg, ok1 := cssColor(fgv, vars)
	bg, ok2 := cssColor(bgv, vars)
	return contrast(fg, bg), ok1 && ok2
}

// contrast is the WCAG 2 contrast ratio of two colours.
func contrast(a, b [3]float64) float64 {
	lum := func(c [3]float64) float64 {
		var l [3]float64
		for i, v := range c {
			v /= 255
			if v <= 0.03928 {
				l[i] = v / 12.92
			} else {
				l[i] = math.Pow((v+0.055)/1.055, 2.4)
			}
		}
		return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
	}
	la, lb := lum(a), lum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func TestContrastOfTheColoursWorked(t *testing.T) {
	black, white := [3]float64{0, 0, 0}, [3]float64{255, 255, 255}
	if got := contrast(black, white); math.Abs(got-21) > 0.01 {
		t.Fatalf("black on white: %.2f; want 21", got)
	}
	// The text colour the issue saw on the red buttons, and its 2.4:1.
	fg, _ := cssColor("#1d2329", nil)
	red, _ := cssColor("#b3261e", nil)
	if got := contrast(fg, red); got > 2.6 || got < 2.2 {
		t.Fatalf("dark text on red: %.2f; want about 2.4", got)
	}
}

// TestButtonColoursAreReadable computes, for every rule of app.css that
// styles a button, the contrast of its text on its background (taking what
// it does not set from the button rule it refines, and inherited text from
// the body) and wants WCAG AA's 4.5:1.
func TestButtonColoursAreReadable(t *testing.T) {
	raw, err := os.ReadFile("../views/static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	rules := parseCSS(string(raw))
	vars := map[string]string{}
	for _, r := range rules {
		for k, v := range r.decls {
			if strings.HasPrefix(k, "--") {
				vars[k] = v
			}
		}
	}
	base := map[string]string{"color": "var(--fg)", "background": "var(--bg)"}
	for _, r := range rules {
		if len(r.selectors) > 1 && r.selectors[0] == "button" && r.selectors[1] == ".button" {
			for _, k := range []string{"color", "background"} {
				if v, ok := r.decls[k]; ok {
					base[k] = v
				}
			}
		}
	}
	bySel := map[string]cssRule{}
	for _, r := range rules {
		for _, sel := range r.selectors {
			bySel[sel] = r
		}
	}
	// refined finds a declaration on sel or on the rules it refines
	// (".live-options button.opt.right" refines ".live-options button.opt").
	lastPart := regexp.MustCompile(`[.:][\w-]+$`)
	var refined func(sel, k string) string
	refined = func(sel, k string) string {
		if v, ok := bySel[sel].decls[k]; ok {
			return v
		}
		if up := lastPart.ReplaceAllString(sel, ""); up != sel && up != "" && !strings.HasSuffix(up, " ") {
			return refined(up, k)
		}
		return base[k]
	}
	notSel := regexp.MustCompile(`:not\([^)]*\)`)
	buttonSel := regexp.MustCompile(`(^|[\s>])button\b|\.button\b`)
	checked := 0
	for _, r := range rules {
		for _, sel := range r.selectors {
			_, hasFG := r.decls["color"]
			_, hasBG := r.decls["background"]
			if !buttonSel.MatchString(notSel.ReplaceAllString(sel, "")) || (!hasFG && !hasBG) {
				continue
			}
			fgv, bgv := refined(sel, "color"), refined(sel, "background")
			if c, ok := pairContrast(fgv, bgv, vars); ok {
				checked++
				if c < 4.5 {
					t.Errorf("%s: text %s on %s has contrast %.2f:1; want at least 4.5:1", sel, fgv, bgv, c)
				}
			}
		}
	}
	// A rule giving the links inside some box their colour reaches the
	// buttons that are links there too, when it is at least as specific as
	// ".button": ".list a{color:inherit}" made them dark text on red.
	anyLink := regexp.MustCompile(`^[.#][\w-]+(\s+[\w.#-]+)*\s+a(:[\w-]+)?$`)
	for _, r := range rules {
		for _, sel := range r.selectors {
			v, ok := r.decls["color"]
			if !ok || !anyLink.MatchString(sel) {
				continue
			}
			bgv := base["background"]
			if b, ok := r.decls["background"]; ok {
				bgv = b
			}
			if c, ok := pairContrast(v, bgv, vars); ok {
				checked++
				if c < 4.5 {
					t.Errorf("%s sets the links' text to %s, which a button there shows on %s at %.2f:1; want at least 4.5:1", sel, v, bgv, c)
				}
			}
		}
	}
	if checked < 3 {
		t.Fatalf("checked %d button rules; the sheet's button rules were not found", checked)
	}
}

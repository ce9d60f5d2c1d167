package web

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gridskill/views"
)

// templateText matches the catalogue ids used in templates: .T "…" and $.T "…".
var templateText = regexp.MustCompile(`\.T "((?:[^"\\]|\\.)*)"`)

// TestEveryMessageHasChinese checks that every user-facing English text, in
// templates and in the Go code that produces messages, has a Chinese
// translation: Chinese is the default language, so a missing one would show
// English to a worker.
func TestEveryMessageHasChinese(t *testing.T) {
	cat, err := loadCatalogue(views.Locales)
	if err != nil {
		t.Fatal(err)
	}
	missing := map[string]string{}
	check := func(id, where string) {
		if id == "" || strings.ContainsAny(id[:1], "0123456789") {
			return
		}
		if cat.translate("zh", id) == id {
			missing[id] = where
		}
	}
	err = fs.WalkDir(views.Templates, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(views.Templates, path)
		if err != nil {
			return err
		}
		for _, m := range templateText.FindAllStringSubmatch(string(data), -1) {
			id, err := strconv.Unquote(`"` + m[1] + `"`)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			check(id, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	inGo := messagesInGo(t, "..")
	if len(inGo) < 30 {
		t.Fatalf("found only %d messages in the Go code; the scan is broken", len(inGo))
	}
	for id, where := range inGo {
		check(id, where)
	}
	for id, where := range missing {
		t.Errorf("no Chinese for %q (%s)", id, where)
	}
}

// TestOneFormOfAddress checks that the Chinese texts address the person as
// 您 throughout: the product speaks to older workers and their leaders, and
// a page mixing 你 and 您 reads as careless.
func TestOneFormOfAddress(t *testing.T) {
	files, err := fs.Glob(views.Locales, "locales/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no catalogue files (%v)", err)
	}
	for _, f := range files {
		data, err := fs.ReadFile(views.Locales, f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, "你") {
				t.Errorf("%s:%d says 你; use 您: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
	err = fs.WalkDir(views.Templates, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(views.Templates, path)
		if err == nil && strings.Contains(string(data), "你") {
			t.Errorf("%s says 你; use 您", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// messageCalls are the functions whose string argument at the given index is a catalogue id.
var messageCalls = map[string]int{"Errorf": 1, "bad": 1, "flash": 1, "page": 1, "rejectRow": 1}

// messagesInGo collects the literal texts the Go code hands to the catalogue:
// gridskill.Errorf formats, row problems, flash messages, page titles and
// FieldError reasons.
func messagesInGo(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == "testdata" || name == "scoring" || strings.HasPrefix(name, ".") && path != root {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				name := ""
				switch fn := n.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
					if x, ok := fn.X.(*ast.Ident); name == "Errorf" && (!ok || x.Name != "gridskill") {
						return true // fmt.Errorf and friends are not user-facing
					}
				}
				if i, ok := messageCalls[name]; ok && i < len(n.Args) {
					if lit, ok := n.Args[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						out[s] = fset.Position(lit.Pos()).String()
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Reason" {
					if lit, ok := n.Value.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						out[s] = fset.Position(lit.Pos()).String()
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEachTextHasOneTranslation checks that an English text is given one
// Chinese text across every catalogue file: the catalogue is one map, so a
// text two features translated differently (进行中 for one page, 答题中 for
// another) showed one page the other's word.
func TestEachTextHasOneTranslation(t *testing.T) {
	files, err := fs.Glob(views.Locales, "locales/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no catalogue files (%v)", err)
	}
	seen := map[string]string{} // English → "file: Chinese" of its first translation
	for _, f := range files {
		data, err := fs.ReadFile(views.Locales, f)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		if _, err := dec.Token(); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for dec.More() {
			tok, err := dec.Token()
			key, isKey := tok.(string)
			if err != nil || !isKey {
				t.Fatalf("%s: %v %v", f, tok, err)
			}
			var zh string
			if err := dec.Decode(&zh); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if first, ok := seen[key]; ok && !strings.HasSuffix(first, ": "+zh) {
				t.Errorf("%q is %s and %s: %s; give the two meanings two English texts", key, first, f, zh)
			} else if !ok {
				seen[key] = f + ": " + zh
			}
		}
	}
}

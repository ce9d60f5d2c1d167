package sheet

import (
	"slices"
	"strings"
)

// Columns are the columns an importer reads. Required ones must be in the
// header, Optional ones may be absent; Aliases are other headers people give
// a column in their own sheets. Examples are the example rows of the
// importer's downloadable template, whose header is Template (Required then
// Optional when empty): a row left in unchanged is skipped.
type Columns struct {
	Required []string
	Optional []string
	Aliases  map[string][]string
	Template []string
	Examples [][]string
}

// TitleRows is how far down the header may sit below a title ("东湖街道
// 反诈培训签到表") or notes that sheets kept in Excel often carry above it.
const TitleRows = 5

// Fit is how a table's header matched an importer's columns.
type Fit struct {
	// Index is each column's position, -1 for an optional column absent.
	Index map[string]int
	// Missing are the required columns the header lacks.
	Missing []string
	// Ignored are the header's columns the importer does not read (e.g. 备注).
	Ignored []string
	// Examples counts the template's example rows left in and skipped.
	Examples int
}

// Fit finds the header among the first rows, the first that names every
// required column (a title above it is dropped; when none does, the first
// row is the header), then drops the template's example rows, and says
// where each column is, which are missing and which will be ignored.
func (t *Table) Fit(c Columns) Fit {
	if !c.names(t.Header) {
		for i, r := range t.Rows[:min(TitleRows, len(t.Rows))] {
			if c.names(r.Cells) {
				t.Header = t.Header[:0]
				for _, h := range r.Cells {
					t.Header = append(t.Header, strings.TrimSpace(h))
				}
				t.Rows = t.Rows[i+1:]
				break
			}
		}
	}
	f := Fit{Index: map[string]int{}}
	for _, name := range append(slices.Clone(c.Required), c.Optional...) {
		f.Index[name] = c.find(t.Header, name)
	}
	for _, name := range c.Required {
		if f.Index[name] < 0 {
			f.Missing = append(f.Missing, name)
		}
	}
	for i, h := range t.Header {
		if h != "" && !slices.Contains(mapValues(f.Index), i) {
			f.Ignored = append(f.Ignored, h)
		}
	}
	kept := t.Rows[:0]
	for _, r := range t.Rows {
		if c.example(f.Index, r) {
			f.Examples++
			continue
		}
		kept = append(kept, r)
	}
	t.Rows = kept
	return f
}

func mapValues(m map[string]int) []int {
	out := make([]int, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// find is the position of a column by its name or an alias, or -1.
func (c Columns) find(header []string, name string) int {
	for _, n := range append([]string{name}, c.Aliases[name]...) {
		if i := slices.Index(header, n); i >= 0 {
			return i
		}
	}
	return -1
}

func (c Columns) names(cells []string) bool {
	trimmed := make([]string, len(cells))
	for i, v := range cells {
		trimmed[i] = strings.TrimSpace(v)
	}
	for _, name := range c.Required {
		if c.find(trimmed, name) < 0 {
			return false
		}
	}
	return len(c.Required) > 0
}

// example reports whether a row reads, column by column, as one of the
// template's example rows, in the columns the file has.
func (c Columns) example(index map[string]int, r Row) bool {
	cols := c.Template
	if len(cols) == 0 {
		cols = append(slices.Clone(c.Required), c.Optional...)
	}
	for _, ex := range c.Examples {
		same, any := true, false
		for i, name := range cols {
			if i >= len(ex) {
				break
			}
			at, ok := index[name]
			if !ok || at < 0 {
				continue // a column the file leaves out
			}
			got := r.Cell(at)
			if got != strings.TrimSpace(ex[i]) {
				same = false
				break
			}
			any = any || got != ""
		}
		if same && any {
			return true
		}
	}
	return false
}

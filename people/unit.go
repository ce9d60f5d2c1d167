// Package people holds accounts, roles, the org tree (district → street →
// community → grid), passwords, tokens and the roster import. Every other
// feature asks it who the caller is and whether a unit is inside their scope.
package people

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"gridskill"
)

// UnitKind is the level of a unit in the org tree.
type UnitKind string

// Unit kinds, from the top of the tree down.
const (
	District  UnitKind = "district"
	Street    UnitKind = "street"
	Community UnitKind = "community"
	Grid      UnitKind = "grid"
)

// unitKinds lists the kinds in tree order.
var unitKinds = []UnitKind{District, Street, Community, Grid}

// Depth is the kind's level: 0 for a district, 3 for a grid, -1 for an unknown kind.
func (k UnitKind) Depth() int { return slices.Index(unitKinds, k) }

// Child is the kind of a unit directly below one of kind k ("" below a grid).
func (k UnitKind) Child() UnitKind {
	d := k.Depth()
	if d < 0 || d+1 >= len(unitKinds) {
		return ""
	}
	return unitKinds[d+1]
}

// Unit is a node of the org tree. Path lists the ids of its ancestors from the
// root down, ending with its own id, so "is X inside Y" is one membership test.
type Unit struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Kind     UnitKind `json:"kind"`
	ParentID string   `json:"parentId,omitempty"`
	Path     []string `json:"path"`
}

// Within reports whether the unit lies in the subtree of the unit scopeID
// (the unit itself included).
func (u Unit) Within(scopeID string) bool { return InScope(u.Path, scopeID) }

// InScope reports whether a unit with the given ancestor path lies in the
// subtree rooted at scopeID.
func InScope(path []string, scopeID string) bool {
	return scopeID != "" && slices.Contains(path, scopeID)
}

// Validate checks a unit before it is stored.
func (u Unit) Validate() error {
	switch {
	case strings.TrimSpace(u.Name) == "":
		return gridskill.Errorf(gridskill.EINVALID, "unit name is required")
	case len([]rune(u.Name)) > 60:
		return gridskill.Errorf(gridskill.EINVALID, "unit name is longer than 60 characters")
	case u.Kind.Depth() < 0:
		return gridskill.Errorf(gridskill.EINVALID, "unknown unit kind %q", u.Kind)
	}
	return unitText.Check(u.Name)
}

// Tree is a snapshot of the whole org tree.
type Tree struct {
	byID     map[string]Unit
	children map[string][]string
}

func newTree(units []Unit) *Tree {
	t := &Tree{byID: make(map[string]Unit, len(units)), children: map[string][]string{}}
	for _, u := range units {
		t.byID[u.ID] = u
		t.children[u.ParentID] = append(t.children[u.ParentID], u.ID)
	}
	// Siblings read as people expect: 第二网格 before 第十网格, and other
	// names in pinyin order (翠苑 cuì before 柳岸 liǔ), not by code point.
	coll := collate.New(language.Chinese)
	keys := make(map[string]string, len(units))
	for _, u := range units {
		keys[u.ID] = numeralKey(u.Name)
	}
	for _, ids := range t.children {
		slices.SortFunc(ids, func(a, b string) int {
			if c := coll.CompareString(keys[a], keys[b]); c != 0 {
				return c
			}
			return strings.Compare(t.byID[a].Name+"\x00"+a, t.byID[b].Name+"\x00"+b)
		})
	}
	return t
}

// chineseDigits are the values of the Chinese numeral characters.
var chineseDigits = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// numeralKey writes each number in a name, in digits or Chinese numerals up
// to the hundreds, as eight digits, so names compare by the numbers' values.
func numeralKey(name string) string {
	var b strings.Builder
	rs := []rune(name)
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && (rs[j] >= '0' && rs[j] <= '9' || isChineseNumeral(rs[j])) {
			j++
		}
		if j == i {
			b.WriteRune(rs[i])
			i++
			continue
		}
		fmt.Fprintf(&b, "%08d", numeralValue(rs[i:j]))
		i = j
	}
	return b.String()
}

func isChineseNumeral(r rune) bool {
	_, ok := chineseDigits[r]
	return ok || r == '十' || r == '百'
}

// numeralValue reads 12, 十二, 二十, 一百零五 and the like.
func numeralValue(rs []rune) int {
	total, digit, ascii := 0, 0, 0
	for _, r := range rs {
		switch {
		case r >= '0' && r <= '9':
			ascii = ascii*10 + int(r-'0')
			if ascii > 1e7 {
				ascii = 1e7
			}
		case r == '十':
			total += max(digit, 1) * 10
			digit = 0
		case r == '百':
			total += max(digit, 1) * 100
			digit = 0
		default:
			digit = chineseDigits[r]
		}
	}
	return total + digit + ascii
}

// Unit returns the unit with the given id.
func (t *Tree) Unit(id string) (Unit, bool) {
	u, ok := t.byID[id]
	return u, ok
}

// Children returns the units directly below id, sorted by name: numbers by
// their value, the rest in pinyin order.
func (t *Tree) Children(id string) []Unit {
	var out []Unit
	for _, c := range t.children[id] {
		out = append(out, t.byID[c])
	}
	return out
}

// Roots returns the units that have no parent.
func (t *Tree) Roots() []Unit { return t.Children("") }

// Subtree returns id and every unit below it, parents before children.
func (t *Tree) Subtree(id string) []Unit {
	u, ok := t.byID[id]
	if !ok {
		return nil
	}
	out := []Unit{u}
	for i := 0; i < len(out); i++ {
		out = append(out, t.Children(out[i].ID)...)
	}
	return out
}

// Child returns the child of parentID with the given name.
func (t *Tree) Child(parentID, name string) (Unit, bool) {
	for _, c := range t.children[parentID] {
		if t.byID[c].Name == name {
			return t.byID[c], true
		}
	}
	return Unit{}, false
}

// Names returns the names along a unit's path, e.g. [明湖区 东湖街道 翠苑社区 第一网格].
func (t *Tree) Names(id string) []string {
	u, ok := t.byID[id]
	if !ok {
		return nil
	}
	names := make([]string, 0, len(u.Path))
	for _, p := range u.Path {
		names = append(names, t.byID[p].Name)
	}
	return names
}

// Len is the number of units.
func (t *Tree) Len() int { return len(t.byID) }

// shortHash is a short stable digest used in derived ids.
func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:5])
}

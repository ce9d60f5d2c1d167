package people

import (
	"slices"
	"testing"
)

func TestUnitKindDepthAndChild(t *testing.T) {
	cases := []struct {
		kind  UnitKind
		depth int
		child UnitKind
	}{
		{District, 0, Street},
		{Street, 1, Community},
		{Community, 2, Grid},
		{Grid, 3, ""},
		{"province", -1, ""},
		{"", -1, ""},
	}
	for _, tc := range cases {
		t.Run(string(tc.kind), func(t *testing.T) {
			if got := tc.kind.Depth(); got != tc.depth {
				t.Errorf("Depth() = %d, want %d", got, tc.depth)
			}
			if got := tc.kind.Child(); got != tc.child {
				t.Errorf("Child() = %q, want %q", got, tc.child)
			}
		})
	}
}

func TestInScope(t *testing.T) {
	path := []string{"d", "s1", "s1-c1", "s1-c1-g1"}
	cases := []struct {
		name  string
		path  []string
		scope string
		want  bool
	}{
		{"InsideOwnUnit", path, "s1-c1-g1", true},
		{"InsideStreet", path, "s1", true},
		{"InsideDistrict", path, "d", true},
		{"OutsideSiblingStreet", path, "s2", false},
		{"OutsideChildUnit", []string{"d", "s1"}, "s1-c1", false},
		{"EmptyScopeIsNothing", path, "", false},
		{"EmptyPathIsNowhere", nil, "d", false},
		{"PrefixOfIDIsNotScope", []string{"d", "s10"}, "s1", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := InScope(tc.path, tc.scope); got != tc.want {
				t.Errorf("InScope(%v, %q) = %v, want %v", tc.path, tc.scope, got, tc.want)
			}
			u := Unit{ID: "x", Path: tc.path}
			if got := u.Within(tc.scope); got != tc.want {
				t.Errorf("Within(%q) = %v, want %v", tc.scope, got, tc.want)
			}
		})
	}
}

func TestUnitValidate(t *testing.T) {
	long := ""
	for range 61 {
		long += "街"
	}
	cases := []struct {
		name string
		unit Unit
		ok   bool
	}{
		{"AcceptsGrid", Unit{Name: "第一网格", Kind: Grid}, true},
		{"RefusesBlankName", Unit{Name: "  ", Kind: Grid}, false},
		{"RefusesLongName", Unit{Name: long, Kind: Street}, false},
		{"RefusesUnknownKind", Unit{Name: "某省", Kind: "province"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.unit.Validate(); (err == nil) != tc.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

// testTree is a small district: two streets, given out of order so the
// tree must sort them.
func testTree() *Tree {
	d := Unit{ID: "d", Name: "明湖区", Kind: District, Path: []string{"d"}}
	s2 := Unit{ID: "s2", Name: "西山街道", Kind: Street, ParentID: "d", Path: []string{"d", "s2"}}
	s1 := Unit{ID: "s1", Name: "东湖街道", Kind: Street, ParentID: "d", Path: []string{"d", "s1"}}
	c2 := Unit{ID: "c2", Name: "柳岸社区", Kind: Community, ParentID: "s1", Path: []string{"d", "s1", "c2"}}
	c1 := Unit{ID: "c1", Name: "翠苑社区", Kind: Community, ParentID: "s1", Path: []string{"d", "s1", "c1"}}
	g1 := Unit{ID: "g1", Name: "第一网格", Kind: Grid, ParentID: "c1", Path: []string{"d", "s1", "c1", "g1"}}
	c3 := Unit{ID: "c3", Name: "枫林社区", Kind: Community, ParentID: "s2", Path: []string{"d", "s2", "c3"}}
	return newTree([]Unit{g1, s2, c3, c2, d, c1, s1})
}

func ids(units []Unit) []string {
	out := make([]string, len(units))
	for i, u := range units {
		out[i] = u.ID
	}
	return out
}

func TestTree(t *testing.T) {
	tree := testTree()
	t.Run("ChildrenSortedByName", func(t *testing.T) {
		// Pinyin order: 东 dōng before 西 xī, 翠 cuì before 柳 liǔ (by code point 柳 comes first).
		if got := ids(tree.Children("d")); !slices.Equal(got, []string{"s1", "s2"}) {
			t.Errorf("children of d = %v", got)
		}
		if got := ids(tree.Children("s1")); !slices.Equal(got, []string{"c1", "c2"}) {
			t.Errorf("children of s1 = %v", got)
		}
		if got := tree.Children("g1"); len(got) != 0 {
			t.Errorf("a grid has children %v", got)
		}
	})
	t.Run("RootsAreTheDistricts", func(t *testing.T) {
		if got := ids(tree.Roots()); !slices.Equal(got, []string{"d"}) {
			t.Errorf("roots = %v", got)
		}
	})
	t.Run("SubtreeParentsBeforeChildren", func(t *testing.T) {
		got := ids(tree.Subtree("s1"))
		if !slices.Equal(got, []string{"s1", "c1", "c2", "g1"}) {
			t.Errorf("subtree of s1 = %v", got)
		}
		if len(tree.Subtree("d")) != tree.Len() || tree.Len() != 7 {
			t.Errorf("subtree of the root has %d of %d units", len(tree.Subtree("d")), tree.Len())
		}
		if tree.Subtree("nowhere") != nil {
			t.Error("subtree of an unknown unit is not nil")
		}
	})
	t.Run("NamesAlongThePath", func(t *testing.T) {
		if got := tree.Names("g1"); !slices.Equal(got, []string{"明湖区", "东湖街道", "翠苑社区", "第一网格"}) {
			t.Errorf("names of g1 = %v", got)
		}
		if tree.Names("nowhere") != nil {
			t.Error("names of an unknown unit are not nil")
		}
	})
	t.Run("ChildByName", func(t *testing.T) {
		if u, ok := tree.Child("d", "西山街道"); !ok || u.ID != "s2" {
			t.Errorf("Child(d, 西山街道) = %v, %v", u, ok)
		}
		if _, ok := tree.Child("s2", "翠苑社区"); ok {
			t.Error("found 翠苑社区 below the wrong street")
		}
	})
	t.Run("UnitByID", func(t *testing.T) {
		if u, ok := tree.Unit("c3"); !ok || u.Name != "枫林社区" {
			t.Errorf("Unit(c3) = %v, %v", u, ok)
		}
		if _, ok := tree.Unit("nowhere"); ok {
			t.Error("found an unknown unit")
		}
	})
}

func TestChildUnitIDIsStable(t *testing.T) {
	parent := Unit{ID: "d", Name: "明湖区", Kind: District, Path: []string{"d"}}
	a, b := childUnit(parent, "北岭街道"), childUnit(parent, "北岭街道")
	if a.ID != b.ID || a.Kind != Street || !slices.Equal(a.Path, []string{"d", a.ID}) {
		t.Fatalf("childUnit: %+v and %+v", a, b)
	}
	if c := childUnit(parent, "南岭街道"); c.ID == a.ID {
		t.Fatal("two names gave one id")
	}
	// The child's path must not share the parent's backing array.
	a.Path[0] = "changed"
	if parent.Path[0] != "d" {
		t.Fatal("childUnit aliases the parent's path")
	}
}

func TestSiblingsSortByNumberValue(t *testing.T) {
	parent := Unit{ID: "c", Name: "翠苑社区", Kind: Community, Path: []string{"c"}}
	names := []string{"第十二网格", "第二网格", "第十网格", "第一网格", "第三网格", "第九网格", "第11网格", "第一百零五网格", "第四网格", "滨江网格"}
	units := []Unit{parent}
	for _, n := range names {
		units = append(units, childUnit(parent, n))
	}
	var got []string
	for _, u := range newTree(units).Children("c") {
		got = append(got, u.Name)
	}
	want := []string{"滨江网格", "第一网格", "第二网格", "第三网格", "第四网格", "第九网格", "第十网格", "第11网格", "第十二网格", "第一百零五网格"}
	if !slices.Equal(got, want) {
		t.Fatalf("order %v\nwant  %v", got, want)
	}
}

package people

import (
	"reflect"
	"testing"
)

func rollupTree() *Tree {
	u := func(id, name string, kind UnitKind, path ...string) Unit {
		parent := ""
		if len(path) > 0 {
			parent = path[len(path)-1]
		}
		return Unit{ID: id, Name: name, Kind: kind, ParentID: parent, Path: append(path, id)}
	}
	return newTree([]Unit{
		u("d", "明湖区", District),
		u("s", "东湖街道", Street, "d"),
		u("c1", "翠苑社区", Community, "d", "s"),
		u("g2", "第二网格", Grid, "d", "s", "c1"),
		u("g1", "第一网格", Grid, "d", "s", "c1"),
		u("c2", "柳岸社区", Community, "d", "s"),
		u("o", "西山街道", Street, "d"),
	})
}

func TestRollupCountsEachThingUpToTheScope(t *testing.T) {
	tree := rollupTree()
	street, _ := tree.Unit("s")
	r := NewRollup[int](tree, street, nil)
	for _, unit := range []string{"g1", "g1", "g2", "c2", "s", "o", "d"} {
		u, _ := tree.Unit(unit)
		r.Add(u.Path, func(n *int) { *n++ })
	}
	type row struct {
		ID    string
		Depth int
		Names []string
		Count int
	}
	var got []row
	for _, t := range r.Rows() {
		got = append(got, row{t.Unit.ID, t.Depth, t.Names, t.Count})
	}
	want := []row{
		{"s", 0, []string{"东湖街道"}, 5},
		{"c1", 1, []string{"东湖街道", "翠苑社区"}, 3},
		{"g1", 2, []string{"东湖街道", "翠苑社区", "第一网格"}, 2},
		{"g2", 2, []string{"东湖街道", "翠苑社区", "第二网格"}, 1},
		{"c2", 1, []string{"东湖街道", "柳岸社区"}, 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("rows\n got %v\nwant %v", got, want)
	}
}

func TestRollupKeepsTheScopeAndTheUnitsChosen(t *testing.T) {
	tree := rollupTree()
	district, _ := tree.Unit("d")
	r := NewRollup[int](tree, district, func(u Unit) bool { return u.Kind == Grid })
	g1, _ := tree.Unit("g1")
	r.Add(g1.Path, func(n *int) { *n++ })
	var ids []string
	var counts []int
	for _, t := range r.Rows() {
		ids, counts = append(ids, t.Unit.ID), append(counts, t.Count)
	}
	if !reflect.DeepEqual(ids, []string{"d", "g1", "g2"}) || !reflect.DeepEqual(counts, []int{1, 1, 0}) {
		t.Fatalf("rows %v counts %v; want the district and its grids, the thing counted at g1 and d", ids, counts)
	}
}

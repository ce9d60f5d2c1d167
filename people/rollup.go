package people

// Rollup counts what the people of a subtree hold, per unit: each thing is
// counted at its holder's unit and at every ancestor up to the unit reported
// on. Reports of training, certification and leaders' dashboards build on it.
type Rollup[C any] struct {
	rows []Tally[C]
	at   map[string]int // unit id → index in rows
}

// Tally is one unit's row in a roll-up.
type Tally[C any] struct {
	Unit  Unit
	Depth int      // levels below the unit reported on
	Names []string // the names along the path from the unit reported on down to this one
	Count C
}

// NewRollup returns an empty roll-up of the subtree of scope: a row for scope
// and, depth first, for each unit below it that keep accepts (every unit when
// keep is nil), so each unit's row is followed by those of the units below it.
func NewRollup[C any](t *Tree, scope Unit, keep func(Unit) bool) *Rollup[C] {
	r := &Rollup[C]{at: map[string]int{}}
	var walk func(u Unit, names []string)
	walk = func(u Unit, names []string) {
		names = append(names[:len(names):len(names)], u.Name)
		if u.ID == scope.ID || keep == nil || keep(u) {
			r.at[u.ID] = len(r.rows)
			r.rows = append(r.rows, Tally[C]{Unit: u, Depth: len(u.Path) - len(scope.Path), Names: names})
		}
		for _, ch := range t.Children(u.ID) {
			walk(ch, names)
		}
	}
	walk(scope, nil)
	return r
}

// Add counts one thing held at the unit whose path is given: f updates the
// count of every unit on the path that has a row.
func (r *Rollup[C]) Add(path []string, f func(*C)) {
	for _, id := range path {
		if i, ok := r.at[id]; ok {
			f(&r.rows[i].Count)
		}
	}
}

// Rows returns the rows in tree order.
func (r *Rollup[C]) Rows() []Tally[C] { return r.rows }

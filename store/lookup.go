package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the engine's own SQLite driver, to add lookup indexes to its files
)

// Lookups by _id on the embedded engine.
//
// FerretDB's SQLite backend finds, updates and deletes a document by _id with
// the condition `_ferretdb_sjson->'$._id' = ?`, but builds its _id index on
// `_ferretdb_sjson->"_id"`. SQLite uses an index only for the very expression
// it was built on, so every lookup by _id scanned its whole table, parsing
// every document: over 3,600 finished attempts (46 MB) one lookup took 0.2 s,
// and a lease renewal, a practice summary's replace or a finished attempt's
// read cost that much more as a collection grew. The engine therefore adds to
// every table of its files an index on FerretDB's own expression, which SQLite
// keeps up to date on every write. FerretDB never sees it: its own metadata
// lists only the indexes it made.

// lookupEvery is how often the engine looks for tables (collections created
// since) that lack the lookup index.
const lookupEvery = 2 * time.Second

// lookupSuffix names the index added to each table.
const lookupSuffix = "_id_lookup"

// lookups adds the lookup index to the tables of the engine's SQLite files.
// It opens each file only for the moment it looks: a connection kept open
// on a file that FerretDB drops and makes again (seed -reset) stayed on the
// old file, indexed it instead of the new one, and made other connections
// to the new one fail with disk I/O errors.
type lookups struct {
	dir string
	mu  sync.Mutex // one ensure at a time
}

func newLookups(dir string) *lookups { return &lookups{dir: dir} }

// ensure adds the lookup index to every table of every database file that
// lacks it. A table created meanwhile is done on the next call.
func (l *lookups) ensure(ctx context.Context) error {
	paths, err := filepath.Glob(filepath.Join(l.dir, "*.sqlite"))
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, p := range paths {
		if err := indexFile(ctx, p); err != nil {
			return fmt.Errorf("index lookups in %s: %w", filepath.Base(p), err)
		}
	}
	return nil
}

// indexFile indexes the tables of one file, unless it was dropped meanwhile.
func indexFile(ctx context.Context, path string) error {
	// mode=rw: a file dropped meanwhile is not made again.
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?mode=rw&_pragma=busy_timeout(10000)&_txlock=immediate")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	err = indexTables(ctx, db)
	if err != nil && (strings.Contains(err.Error(), "no such table") || strings.Contains(err.Error(), "unable to open")) {
		return nil // dropped since the glob, or not yet made by FerretDB
	}
	return err
}

// indexTables adds the lookup index to each of the file's collection tables
// that lacks it.
func indexTables(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT c.table_name FROM _ferretdb_collections c
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.name = c.table_name || ?)`, lookupSuffix)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, t+lookupSuffix, t)
		if _, err := db.ExecContext(ctx, q); err != nil && !strings.Contains(err.Error(), "no such table") {
			return err
		}
	}
	return nil
}

// run calls ensure every lookupEvery until ctx ends.
func (l *lookups) run(ctx context.Context, log func(err error)) {
	t := time.NewTicker(lookupEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := l.ensure(ctx); err != nil && ctx.Err() == nil {
				log(err)
			}
		}
	}
}

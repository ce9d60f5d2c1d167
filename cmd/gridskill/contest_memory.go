package main

import (
	"os"
	"runtime/debug"
)

// defaultMemoryLimit keeps the server's heap, and so its resident size,
// inside a small machine's budget while a live round holds a thousand
// streams open: the collector works harder as the heap nears it instead of
// letting it double. GOMEMLIMIT, when set, wins.
const defaultMemoryLimit = 150 << 20

func init() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}

package cluster

import (
	"hash/fnv"
	"slices"
	"strconv"
)

// PointsPerBackend is how many points each backend has on the ring: enough
// that the keys spread evenly (within a few per cent) over a handful of
// instances, and that a departing instance's keys spread over all the others.
const PointsPerBackend = 160

// Ring places keys on backends by consistent hashing, ketama-style: each
// backend has PointsPerBackend points on a circle of 64-bit hashes, and a key
// belongs to the backend of the first point at or after the key's hash. When
// a backend leaves, only its keys move, each to the next backend along the
// circle; the others stay where they were.
//
// nginx's `hash $route_key consistent` (deploy/nginx.conf) follows the same
// idea with its own hash function (CRC32, 160 points per weight), so nginx and
// this ring may place one key on different instances. That costs nothing but
// a hop: the instance a request lands on forwards it to the owner of its
// round or exam (cluster.Node.Owner).
type Ring struct {
	backends []string
	points   []point
}

type point struct {
	hash    uint64
	backend int
}

// NewRing builds the ring over backends (their addresses; duplicates count once).
func NewRing(backends []string) *Ring {
	r := &Ring{}
	for _, b := range backends {
		if slices.Contains(r.backends, b) {
			continue
		}
		r.backends = append(r.backends, b)
	}
	for i, b := range r.backends {
		for j := range PointsPerBackend {
			r.points = append(r.points, point{hash: hashOf(b + "#" + strconv.Itoa(j)), backend: i})
		}
	}
	slices.SortFunc(r.points, func(a, b point) int {
		switch {
		case a.hash < b.hash:
			return -1
		case a.hash > b.hash:
			return 1
		}
		return a.backend - b.backend
	})
	return r
}

// Backends lists the ring's backends in the order they were given.
func (r *Ring) Backends() []string { return slices.Clone(r.backends) }

// Get is the backend that key belongs to, or "" on an empty ring.
func (r *Ring) Get(key string) string {
	if len(r.points) == 0 {
		return ""
	}
	return r.backends[r.points[r.search(key)].backend]
}

// Order lists every backend in the order key would fall to them: its own
// first, then the one that takes it over if that one leaves, and so on. A
// balancer walks it to skip backends that are down.
func (r *Ring) Order(key string) []string {
	if len(r.points) == 0 {
		return nil
	}
	out := make([]string, 0, len(r.backends))
	seen := make([]bool, len(r.backends))
	for i, at := 0, r.search(key); i < len(r.points) && len(out) < len(r.backends); i++ {
		p := r.points[(at+i)%len(r.points)]
		if !seen[p.backend] {
			seen[p.backend] = true
			out = append(out, r.backends[p.backend])
		}
	}
	return out
}

// search is the index of the first point at or after key's hash, wrapping round.
func (r *Ring) search(key string) int {
	h := hashOf(key)
	i, _ := slices.BinarySearchFunc(r.points, h, func(p point, h uint64) int {
		switch {
		case p.hash < h:
			return -1
		case p.hash > h:
			return 1
		}
		return 0
	})
	if i == len(r.points) {
		i = 0
	}
	return i
}

func hashOf(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	// FNV's low bits mix poorly for keys that differ in their last bytes;
	// a final avalanche (splitmix64's) spreads them over the circle.
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

package people

import "sync"

// Compares records the cost of every hash a password is checked against.
type Compares struct {
	mu    sync.Mutex
	costs []int
}

// Costs returns the costs recorded so far and starts afresh.
func (c *Compares) Costs() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.costs
	c.costs = nil
	return out
}

// CountCompares makes s record every password check it makes.
func CountCompares(s *Service) *Compares {
	c := &Compares{}
	check := s.compare
	s.compare = func(hash, password []byte) error {
		cost, err := bcryptCost(hash)
		if err != nil {
			cost = -1
		}
		c.mu.Lock()
		c.costs = append(c.costs, cost)
		c.mu.Unlock()
		return check(hash, password)
	}
	return c
}

// FeedSeen returns the last change record this service has passed.
func FeedSeen(s *Service) int64 {
	s.announceMu.Lock()
	defer s.announceMu.Unlock()
	return s.feed.seen
}

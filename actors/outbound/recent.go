package outbound

// recent remembers the ids of the last entries the actor finished, so a
// Notify that arrives after its entry was already sent (a read of the
// pending set, after an outage or for a 63016 fallback, picked it up
// first) does not send it again. Bounded: the oldest id is forgotten
// when a new one comes in.
type recent struct {
	ids  map[string]bool
	ring []string
	next int
}

// recentSize is how many finished ids are kept; Notify follows its commit
// within milliseconds, so a few thousand cover any sender's burst.
const recentSize = 4096

func newRecent(n int) *recent {
	return &recent{ids: make(map[string]bool, n), ring: make([]string, n)}
}

func (r *recent) add(id string) {
	if r.ids[id] {
		return
	}
	if old := r.ring[r.next]; old != "" {
		delete(r.ids, old)
	}
	r.ring[r.next] = id
	r.ids[id] = true
	r.next = (r.next + 1) % len(r.ring)
}

func (r *recent) has(id string) bool { return r.ids[id] }

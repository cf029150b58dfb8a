package simulator

import "sync"

// maxMediaFiles bounds the files the simulator keeps: they live in memory
// only as long as a demo needs them.
const maxMediaFiles = 50

// media is one uploaded file.
type media struct {
	contentType string
	data        []byte
}

// mediaStore keeps the latest uploads in memory, evicting the oldest.
type mediaStore struct {
	mu    sync.Mutex
	max   int
	byID  map[string]media
	order []string // oldest first
}

func newMediaStore(max int) *mediaStore {
	return &mediaStore{max: max, byID: map[string]media{}}
}

// put stores a file under a new unguessable id (the URL is the only
// access control, as for Twilio's own media URLs without auth).
func (s *mediaStore) put(m media) string {
	id := randomHex(16)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byID[id] = m
	s.order = append(s.order, id)
	for len(s.order) > s.max {
		delete(s.byID, s.order[0])
		s.order = s.order[1:]
	}
	return id
}

// get returns a stored file.
func (s *mediaStore) get(id string) (media, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.byID[id]
	return m, ok
}

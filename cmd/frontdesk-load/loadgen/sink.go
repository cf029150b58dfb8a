package loadgen

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Reply is one message the server sent through the fake Twilio API.
type Reply struct {
	To   string // "whatsapp:+917000000042"
	Body string
	At   time.Time // when the sink received it
}

// Sink is a fake Twilio REST API: it accepts
// POST /2010-04-01/Accounts/{sid}/Messages.json with basic auth, answers
// 201 with a message SID at once, and hands each reply to OnReply. It lives
// in the load tool (or the test) so it survives the server being killed.
type Sink struct {
	accountSID, authToken string
	onReply               func(Reply)
	srv                   *http.Server
	url                   string
	replies               atomic.Int64
	refused               atomic.Int64
	conns                 atomic.Int64
	seq                   atomic.Uint64
	served                chan error

	// gate holds new messages while paused (see Pause); accepted lists
	// the message SIDs answered since the last Pause, once Track asked.
	gate     sync.Mutex
	paused   chan struct{} // closed by Resume; nil when not paused
	tracking bool
	accepted []string
	held     atomic.Int64
	holding  atomic.Int64 // messages waiting for Resume now
	doors    int          // doors opened so far
	shut     map[int]bool // doors shut
}

// StartSink listens on a free loopback port. onReply is called from the
// HTTP handler's goroutine for every accepted message, before the 201, so a
// reply is counted before the server can mark it sent; it must be fast and
// safe for concurrent use.
func StartSink(accountSID, authToken string, onReply func(Reply)) (*Sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start fake twilio: %w", err)
	}
	s := &Sink{accountSID: accountSID, authToken: authToken, onReply: onReply,
		url: "http://" + ln.Addr().String(), served: make(chan error, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2010-04-01/Accounts/{sid}/Messages.json", s.messages)
	mux.HandleFunc("POST /door/{door}/2010-04-01/Accounts/{sid}/Messages.json", s.messages)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ConnState: func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				s.conns.Add(1)
			}
		}}
	go func() { s.served <- s.srv.Serve(ln) }()
	return s, nil
}

// URL is the base URL to give the server as TWILIO_API_BASE_URL.
func (s *Sink) URL() string { return s.url }

// Replies is how many messages the sink accepted.
func (s *Sink) Replies() int64 { return s.replies.Load() }

// Conns is how many connections the server opened to the sink: far fewer
// than Replies when it keeps them alive, as it should.
func (s *Sink) Conns() int64 { return s.conns.Load() }

// Refused is how many requests the sink refused (bad credentials or form):
// a non-zero figure means the run is misconfigured.
func (s *Sink) Refused() int64 { return s.refused.Load() }

// Close stops the sink.
func (s *Sink) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if serr := <-s.served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("stop fake twilio: %w", err)
	}
	return nil
}

// messages is the Messages.json endpoint: check the credentials and the
// form, record the message, answer 201 as Twilio does.
func (s *Sink) messages(w http.ResponseWriter, r *http.Request) {
	user, pass, ok := r.BasicAuth()
	if !ok || subtle.ConstantTimeCompare([]byte(user), []byte(s.accountSID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(pass), []byte(s.authToken)) != 1 || r.PathValue("sid") != s.accountSID {
		s.refused.Add(1)
		http.Error(w, `{"code":20003,"message":"Authenticate","status":401}`, http.StatusUnauthorized)
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("To") == "" {
		s.refused.Add(1)
		http.Error(w, `{"code":21604,"message":"A 'To' phone number is required.","status":400}`, http.StatusBadRequest)
		return
	}
	sid, ok := s.accept(r)
	if !ok {
		s.held.Add(1)
		w.Header().Set("Retry-After", "1")
		http.Error(w, `{"code":20503,"message":"Service unavailable","status":503}`, http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write([]byte(`{"sid":"` + sid + `","account_sid":"` + s.accountSID + `","status":"queued","direction":"outbound-api"}`))
}

// accept records one message and returns the SID to answer with; while the
// sink is paused it waits until Resume (or until the caller goes away) and
// records nothing (ok false), and a message through a shut door is not
// recorded either.
func (s *Sink) accept(r *http.Request) (sid string, ok bool) {
	s.gate.Lock()
	if door, err := strconv.Atoi(r.PathValue("door")); err == nil && s.shut[door] {
		s.gate.Unlock()
		return "", false
	}
	if wait := s.paused; wait != nil {
		s.holding.Add(1)
		s.gate.Unlock()
		select {
		case <-wait:
		case <-r.Context().Done():
		}
		s.holding.Add(-1)
		return "", false
	}
	defer s.gate.Unlock()
	s.replies.Add(1)
	if s.onReply != nil {
		s.onReply(Reply{To: r.PostForm.Get("To"), Body: r.PostForm.Get("Body"), At: time.Now()})
	}
	sid = fmt.Sprintf("SM%032x", s.seq.Add(1))
	if s.tracking {
		s.accepted = append(s.accepted, sid)
	}
	return sid, true
}

// Track makes the sink keep the SIDs of the messages it accepts, for
// Accepted and Pause to return.
func (s *Sink) Track() {
	s.gate.Lock()
	s.tracking = true
	s.gate.Unlock()
}

// Accepted returns the SIDs of the messages accepted since Track or the
// previous Accepted or Pause.
func (s *Sink) Accepted() []string {
	s.gate.Lock()
	defer s.gate.Unlock()
	out := s.accepted
	s.accepted = nil
	return out
}

// Pause makes the sink hold every message that arrives from now on: held
// messages are not recorded and, once Resume is called, are refused with
// 503, as Twilio refuses when it cannot take a message, so the server
// keeps them to send again. Pause returns what Accepted would: when it
// returns, each of those messages has been recorded and nothing more will
// be until Resume.
//
// The crash test pauses the sink before each kill and waits until the
// server has marked every accepted message sent, so that no message is
// both accepted by the fake Twilio and still pending in the store when the
// server dies (see TestCrashRecovery).
func (s *Sink) Pause() []string {
	s.gate.Lock()
	if s.paused == nil {
		s.paused = make(chan struct{})
	}
	s.gate.Unlock()
	return s.Accepted()
}

// Resume releases what Pause held (refused, unrecorded) and accepts
// messages again.
func (s *Sink) Resume() {
	s.gate.Lock()
	defer s.gate.Unlock()
	if s.paused != nil {
		close(s.paused)
		s.paused = nil
	}
}

// OpenDoor returns a base URL of the sink for one server process (to give
// it as TWILIO_API_BASE_URL): messages through it are accepted as through
// URL until ShutDoor.
func (s *Sink) OpenDoor() (url string, door int) {
	s.gate.Lock()
	defer s.gate.Unlock()
	s.doors++
	return s.url + "/door/" + strconv.Itoa(s.doors), s.doors
}

// ShutDoor refuses, without recording them, the messages that come
// through door from now on. The crash test shuts a killed server's door:
// a request the server wrote just before it died can still be read by the
// sink afterwards, and Twilio would send it, while the restarted server
// sends it again, since it never heard that it was sent (see
// crashServer.kill).
func (s *Sink) ShutDoor(door int) {
	s.gate.Lock()
	defer s.gate.Unlock()
	if s.shut == nil {
		s.shut = map[int]bool{}
	}
	s.shut[door] = true
}

// Held is how many messages were refused because the sink was paused or
// their door shut.
func (s *Sink) Held() int64 { return s.held.Load() }

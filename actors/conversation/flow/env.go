package flow

import (
	"time"

	"github.com/frontdesk-health/frontdesk/actors/conversation/catalog"
	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// Hospital is what a decision needs to know of a hospital.
type Hospital struct {
	Config *config.Hospital
	Caps   emr.Capabilities
}

// Env is everything outside the state that a decision reads. It is built
// by the conversation actor for each event.
type Env struct {
	Now            time.Time
	Phone          string // the patient's number, E.164 with '+'
	Sender         string // the WhatsApp number the patient writes to
	SessionTimeout time.Duration
	Hospitals      map[string]*Hospital // by lower-case code
	Catalog        *catalog.Catalog
}

// hospitalFor returns the active hospital with code that answers on the
// conversation's sender.
func (e *Env) hospitalFor(code string) (*Hospital, bool) {
	h, ok := e.Hospitals[code]
	if !ok || !h.Config.IsActive() {
		return nil, false
	}
	if h.Config.Sender != "" && e.Sender != "" && h.Config.Sender != e.Sender {
		return nil, false
	}
	return h, true
}

// onlyHospital returns the hospital when exactly one answers on the sender.
func (e *Env) onlyHospital() (*Hospital, bool) {
	var found *Hospital
	for _, h := range e.Hospitals {
		if h.Config.Sender != "" && e.Sender != "" && h.Config.Sender != e.Sender {
			continue
		}
		if found != nil {
			return nil, false
		}
		found = h
	}
	return found, found != nil
}

package config

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
	// The demo and every hospital file name IANA zones; embedding the
	// database keeps them loadable on minimal images without tzdata.
	_ "time/tzdata"
)

// DemoHospital is the hospital a run without FRONTDESK_CONFIG serves: the
// built-in demo EMR behind Twilio's WhatsApp sandbox number, with both
// catalog languages and an optional photo so the whole product can be
// tried from the simulator in a minute. It passes the same validation as a
// hospital from a file.
//
// Its callback_secret, which signs patients' answers to the reminders the
// simulator schedules (posted back to the simulator playing the EMR), is
// random and the same for every call in one process: no hospital from a
// file ever has it, and no two runs share it.
func DemoHospital() Hospital {
	active := true
	return Hospital{
		Code:           "demo",
		Name:           "Demo Hospital",
		Welcome:        "Welcome to Demo Hospital, a frontdesk demo. Nothing you type here reaches a real hospital.",
		MapsURL:        "https://www.openstreetmap.org/#map=16/12.9716/77.5946",
		Helpline:       "+911234567890",
		Timezone:       DefaultTimezone,
		Languages:      []string{"en", "hi"},
		Active:         &active,
		Sender:         "whatsapp:+14155238886",
		CountryCode:    "91",
		EMR:            EMR{Kind: EMRKindDemo, Timeout: DefaultEMRTimeout},
		SendRate:       DefaultSendRate,
		Registration:   Registration{PhotoOptional: true},
		Location:       mustLoadLocation(DefaultTimezone),
		CallbackSecret: demoCallbackSecret(),
	}
}

// demoCallbackSecret is the demo hospital's callback_secret for this
// process: 32 random bytes in hex.
var demoCallbackSecret = sync.OnceValue(func() Secret {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails since Go 1.24
	return Secret(hex.EncodeToString(b))
})

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Unreachable: time/tzdata is embedded above.
		panic("config: load time zone " + name + ": " + err.Error())
	}
	return loc
}

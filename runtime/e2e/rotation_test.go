package e2e

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
)

// TestKeyRotation: a process restarted with a new encryption key and the
// old one listed as retired reads every conversation and opt-out written
// before; after a turn, data is sealed with the new key; and once the old
// key is dropped, a conversation sealed only with it starts afresh instead
// of failing the patient's every message.
func TestKeyRotation(t *testing.T) {
	keyA := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("A", 32)))
	keyB := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("B", 32)))
	h := startEnv(t, map[string]string{"FRONTDESK_ENCRYPTION_KEY": keyA})
	p, idle := restapitest.KnownMobile, "+919720000091"
	h.say(p, "hi abc", "Main menu")
	h.say(p, "1", "When would you like")
	h.say(idle, "hi abc", "full name")
	h.say(idle, "stop", "no longer receive")

	h.stop()
	h.bootWithEnv(h.cfg.ConfigPath, map[string]string{"FRONTDESK_ENCRYPTION_KEY": keyB, "FRONTDESK_ENCRYPTION_KEYS_OLD": keyA})
	h.say(p, "2", "Choose a *department*") // the step sealed with A still answers
	assert.Equal(t, http.StatusConflict, pushStatus(t, h, apiKey, idle[3:], "Your report is ready"), "an opt-out recorded under the old key still holds")

	h.stop()
	h.bootWithEnv(h.cfg.ConfigPath, map[string]string{"FRONTDESK_ENCRYPTION_KEY": keyB})
	h.say(p, "1", "Choose a *doctor*") // resealed with B at the last turn
	out := h.say(idle, "Ravi Kumar", "To start")
	assert.NotContains(t, out, "age", "a conversation only A could open starts afresh")
	assert.Equal(t, http.StatusConflict, pushStatus(t, h, apiKey, idle[3:], "Your report is ready"), "the opt-out ledger is keyed by a hash that survives rotation")
	assert.NotContains(t, h.logs.String(), "Ravi", "no patient data in the log about the unreadable snapshot")
}

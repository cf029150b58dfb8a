package flow

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/frontdesk-health/frontdesk/actors/conversation/catalog"
)

func TestDatePerLanguage(t *testing.T) {
	cat := catalog.MustLoad()
	d := time.Date(2026, 1, 4, 9, 0, 0, 0, time.UTC) // a Sunday
	assert.Equal(t, "Sun 4 Jan", Date(cat, nil, "en", d))
	assert.Equal(t, "रविवार, 4 जनवरी", Date(cat, nil, "hi", d))
	assert.Equal(t, "शनिवार, 26 दिसंबर", Date(cat, nil, "hi", time.Date(2026, 12, 26, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, "9:00 AM", Clock(d))

	broken := map[string]map[string]string{"hi": {"weekdays": "only three names"}}
	assert.Equal(t, "Sun 4 Jan", Date(cat, broken, "hi", d), "a hospital's bad list of names falls back to English")
}

package flow

import (
	"strings"
	"time"

	"github.com/frontdesk-health/frontdesk/actors/conversation/catalog"
)

// Date writes day d the way patients read it in lang, from the catalog's
// `date` pattern and its `weekdays` (Sunday first) and `months` names:
// "Thu 26 Nov" in English, "गुरुवार, 26 नवंबर" in Hindi. d is taken on its
// own clock: convert it to the hospital's zone first. Names that a
// hospital's override lists wrongly (not 7 or 12 words) fall back to
// English.
func Date(cat *catalog.Catalog, overrides map[string]map[string]string, lang string, d time.Time) string {
	days := strings.Fields(cat.Text(lang, overrides, "weekdays"))
	months := strings.Fields(cat.Text(lang, overrides, "months"))
	if len(days) != 7 || len(months) != 12 {
		return d.Format("Mon 2 Jan")
	}
	return cat.Text(lang, overrides, "date",
		"weekday", days[d.Weekday()], "day", itoa(d.Day()), "month", months[d.Month()-1])
}

// Clock writes a time of day on d's own clock: "10:30 AM".
func Clock(d time.Time) string { return d.Format("3:04 PM") }

// date writes a day in the patient's language on the hospital's clock.
func (t *turn) date(d time.Time) string {
	var overrides map[string]map[string]string
	if t.h != nil {
		overrides = t.h.Config.Messages
	}
	return Date(t.eng.cat, overrides, t.lang(), d.In(t.location()))
}

// clock writes a time of day on the hospital's clock: "10:30 AM".
func (t *turn) clock(d time.Time) string { return Clock(d.In(t.location())) }

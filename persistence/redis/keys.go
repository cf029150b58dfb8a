package redisstore

import "strconv"

// keys builds the store's Redis keys; docs/storage.md describes them. Every
// key is the prefix, one letter naming the kind, a colon, and the record's
// identity, so kinds never meet. Identities are what callers pass:
// conversation keys and subjects are keyed hashes, never phone numbers.
// Where an identity has two parts, the first is length-prefixed
// ("<n>:<a>:<b>", n = len(a)) so that no two pairs share a key.
//
//	<p>s:<conversation>        string  snapshot record; TTL Retention
//	<p>o:<n>:<sender>:<id>     hash    outbox entry; TTL Retention once
//	                                   sent or failed
//	<p>p:<sender>              zset    pending entry ids, score 0, so ZRANGE
//	                                   returns them in id (byte) order
//	<p>v:<provider id>         string  "<n>:<sender>:<id>" of the entry
//	                                   MarkSent gave that id; TTL Retention
//	<p>i:<n>:<sender>:<subj>   string  last inbound time (20-digit ns); TTL
//	                                   Retention from the latest
//	<p>m:<MessageSid>          string  "1"; TTL DedupeTTL
//	<p>c:<hospital>            hash    subject → latest change for everything
//	<p>k:<n>:<hospital>:<kind> hash    subject → latest change for the kind
//	<p>l:<hospital>            stream  every consent change, in commit order
//	<p>h:<n>:<hospital>:<subj> list    the subject's consent changes
//	<p>r:<n>:<hospital>:<id>   hash    a reminder; TTL Retention once fired
//	                                   or cancelled
//	<p>d                       zset    scheduled reminders, score = claim
//	                                   time (unix ms), member "<n>:<hospital>:<id>"
//	<p>j:<hospital>            zset    the hospital's reminders, score 0,
//	                                   member "<due 20-digit ns>:<id>"
//	<p>u:<n>:<hospital>:<subj> zset    the same, one subject's
//	<p>g                       zset    listing members of fired and cancelled
//	                                   reminders to drop, score = expiry (wall
//	                                   clock ms)
//	<p>e:<n>:<hospital>:<key>  string  an idempotency record; TTL as asked
//	<p>f:<id>                  string  sealed media; TTL as asked
//	<p>w                       zset    conversations to wake after a restart,
//	                                   score = mark expiry (unix ms)
//	<p>a:<conversation>        string  the wake mark's sealed address; TTL WakeTTL
//	<p>x:<name>                string  a meta value (e.g. the sealed hash key)
//	<p>b:<holder>              string  "1" while a live lease holder beats;
//	                                   TTL as its last beat asked
//
// Scripts that reach keys named by stored data (a reminder's hash from the
// due set, its listings from its subject) build them from the prefix with
// the same layout; layout_test.go checks both agree.
type keys struct{ prefix string }

// pair is "<len(a)>:<a>:<b>".
func pair(a, b string) string {
	return strconv.Itoa(len(a)) + ":" + a + ":" + b
}

func (k keys) snapshot(conversation string) string { return k.prefix + "s:" + conversation }

// entry length-prefixes the sender, so sender "a:b" with id "c" and sender
// "a" with id "b:c" get different keys.
func (k keys) entry(sender, id string) string { return k.prefix + "o:" + pair(sender, id) }

func (k keys) pending(sender string) string      { return k.prefix + "p:" + sender }
func (k keys) provider(providerID string) string { return k.prefix + "v:" + providerID }
func (k keys) inbound(sender, subject string) string {
	return k.prefix + "i:" + pair(sender, subject)
}
func (k keys) sid(messageSid string) string { return k.prefix + "m:" + messageSid }

// consent is the hash of latest changes for kind ("" is everything, the
// layout from before kinds).
func (k keys) consent(hospital, kind string) string {
	if kind == "" {
		return k.prefix + "c:" + hospital
	}
	return k.prefix + "k:" + pair(hospital, kind)
}
func (k keys) ledger(hospital string) string { return k.prefix + "l:" + hospital }
func (k keys) history(hospital, subject string) string {
	return k.prefix + "h:" + pair(hospital, subject)
}

// reminderRef names a reminder in the due set; reminder is its hash.
func reminderRef(hospital, id string) string { return pair(hospital, id) }
func (k keys) reminder(hospital, id string) string {
	return k.prefix + "r:" + reminderRef(hospital, id)
}
func (k keys) due() string                         { return k.prefix + "d" }
func (k keys) gone() string                        { return k.prefix + "g" }
func (k keys) hospitalList(hospital string) string { return k.prefix + "j:" + hospital }
func (k keys) subjectList(hospital, subject string) string {
	return k.prefix + "u:" + pair(hospital, subject)
}

func (k keys) idempotency(hospital, key string) string { return k.prefix + "e:" + pair(hospital, key) }
func (k keys) media(id string) string                  { return k.prefix + "f:" + id }

func (k keys) wakes() string                       { return k.prefix + "w" }
func (k keys) wakeData(conversation string) string { return k.prefix + "a:" + conversation }

func (k keys) meta(name string) string { return k.prefix + "x:" + name }

// beat is a live holder's beat key; claimEntryScript builds it from the
// holder's name as beatPrefix + holder.
func (k keys) beat(holder string) string { return k.beatPrefix() + holder }
func (k keys) beatPrefix() string        { return k.prefix + "b:" }

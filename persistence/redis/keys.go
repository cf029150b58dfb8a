package redisstore

import "strconv"

// keys builds the store's Redis keys; docs/storage.md describes them. Every
// key is the prefix, one letter naming the kind, a colon, and the record's
// identity, so kinds never meet. Identities are what callers pass:
// conversation keys and subjects are keyed hashes, never phone numbers.
//
//	<p>s:<conversation>        string  snapshot record; TTL Retention
//	<p>o:<n>:<sender>:<id>     hash    outbox entry (n = len(sender)); TTL
//	                                   Retention once sent or failed
//	<p>p:<sender>              zset    pending entry ids, score 0, so ZRANGE
//	                                   returns them in id (byte) order
//	<p>m:<MessageSid>          string  "1"; TTL DedupeTTL
//	<p>c:<hospital>            hash    subject → latest consent change
//	<p>l:<hospital>            stream  every consent change, in commit order
//	<p>w                       zset    conversations to wake after a restart,
//	                                   score = mark expiry (unix ms)
//	<p>a:<conversation>        string  the wake mark's sealed address; TTL WakeTTL
//	<p>x:<name>                string  a meta value (e.g. the sealed hash key)
type keys struct{ prefix string }

func (k keys) snapshot(conversation string) string { return k.prefix + "s:" + conversation }

// entry length-prefixes the sender, so sender "a:b" with id "c" and sender
// "a" with id "b:c" get different keys.
func (k keys) entry(sender, id string) string {
	return k.prefix + "o:" + strconv.Itoa(len(sender)) + ":" + sender + ":" + id
}

func (k keys) pending(sender string) string   { return k.prefix + "p:" + sender }
func (k keys) sid(messageSid string) string   { return k.prefix + "m:" + messageSid }
func (k keys) consent(hospital string) string { return k.prefix + "c:" + hospital }
func (k keys) ledger(hospital string) string  { return k.prefix + "l:" + hospital }

func (k keys) wakes() string                       { return k.prefix + "w" }
func (k keys) wakeData(conversation string) string { return k.prefix + "a:" + conversation }

func (k keys) meta(name string) string { return k.prefix + "x:" + name }

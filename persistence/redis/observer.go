package redisstore

import "time"

// Observer receives the store's figures so the runtime can export them
// (commit latency, pipeline size, failures) without this package knowing
// the metrics library. Nil fields are skipped. The functions run on the
// commit path and must return quickly.
type Observer struct {
	// OnCommit is called when a Commit returns: how long it took from the
	// call to its outcome (queueing, pipeline, reply) and its error, nil on
	// success; errors.Is(err, persistence.ErrConflict) tells a version
	// conflict from a failure.
	OnCommit func(took time.Duration, err error)
	// OnBatch is called after each pipeline: how many scripts it carried
	// (commits, enqueues and marks), how long the round trip took, and the
	// error that failed it as a whole (connection lost, timeout), nil when
	// Redis answered.
	OnBatch func(size int, took time.Duration, err error)
}

func (o Observer) commit(took time.Duration, err error) {
	if o.OnCommit != nil {
		o.OnCommit(took, err)
	}
}

func (o Observer) batch(size int, took time.Duration, err error) {
	if o.OnBatch != nil {
		o.OnBatch(size, took, err)
	}
}

package redisstore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// OptedOut reports the latest consent change for everything of subject at
// hospital; without one, the subject is not opted out.
func (s *Store) OptedOut(ctx context.Context, hospital, subject string) (bool, error) {
	if err := s.check(ctx); err != nil {
		return false, fmt.Errorf("opted out: %w", err)
	}
	v, err := s.client.HGet(ctx, s.keys.consent(hospital, ""), subject).Result()
	ch, err := latestConsent(v, err)
	if err != nil {
		return false, fmt.Errorf("opted out: %w", err)
	}
	return ch != nil && ch.OptedOut, nil
}

// OptedOutOf reads the latest change for everything and for kind in one
// round trip and weighs them by persistence.OptedOutOfKind.
func (s *Store) OptedOutOf(ctx context.Context, hospital, subject, kind string) (bool, error) {
	if kind == "" {
		return s.OptedOut(ctx, hospital, subject)
	}
	if err := s.check(ctx); err != nil {
		return false, fmt.Errorf("opted out of kind: %w", err)
	}
	var all, one *redis.StringCmd
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		all = p.HGet(ctx, s.keys.consent(hospital, ""), subject)
		one = p.HGet(ctx, s.keys.consent(hospital, kind), subject)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, fmt.Errorf("opted out of kind: %w", err)
	}
	everything, err := latestConsent(all.Result())
	if err != nil {
		return false, fmt.Errorf("opted out of kind: %w", err)
	}
	ofKind, err := latestConsent(one.Result())
	if err != nil {
		return false, fmt.Errorf("opted out of kind: %w", err)
	}
	return persistence.OptedOutOfKind(everything, ofKind), nil
}

// latestConsent reads a consent hash value (flag, 20-digit time, source);
// nil when there is none.
func latestConsent(v string, err error) (*persistence.ConsentChange, error) {
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(v) < 1+fixedTimeWidth {
		return nil, errCorrupt
	}
	at, err := parseFixedTime(v[1 : 1+fixedTimeWidth])
	if err != nil {
		return nil, err
	}
	return &persistence.ConsentChange{OptedOut: v[0] == '1', At: at, Source: v[1+fixedTimeWidth:]}, nil
}

// ConsentHistory reads the subject's history list, in which the commit
// script appends every change, and orders it by At (a stable sort keeps
// commit order for equal At). The hospital's ledger stream holds the same
// changes for every subject in commit order, for audits.
func (s *Store) ConsentHistory(ctx context.Context, hospital, subject string) ([]persistence.ConsentChange, error) {
	if err := s.check(ctx); err != nil {
		return nil, fmt.Errorf("consent history: %w", err)
	}
	items, err := s.client.LRange(ctx, s.keys.history(hospital, subject), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("consent history: %w", err)
	}
	out := make([]persistence.ConsentChange, 0, len(items))
	for _, v := range items {
		ch, err := decodeChange(hospital, subject, v)
		if err != nil {
			return nil, fmt.Errorf("consent history: %w", err)
		}
		out = append(out, ch)
	}
	slices.SortStableFunc(out, func(a, b persistence.ConsentChange) int { return a.At.Compare(b.At) })
	return out, nil
}

package fhir

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/frontdesk-health/frontdesk/emr"
)

// Token lifetimes: a token is used until refreshMargin before it expires
// (at most a tenth of its life), and one whose answer says nothing of its
// life is kept defaultTokenLife.
const (
	refreshMargin    = time.Minute
	defaultTokenLife = 5 * time.Minute
)

// tokenSource gets OAuth2 access tokens with the client credentials grant
// (RFC 6749 §4.4, client authenticated with HTTP Basic) and caches one
// until shortly before it expires. Concurrent calls share one fetch.
type tokenSource struct {
	http   *http.Client
	url    string
	id     string
	secret string
	scope  string
	now    func() time.Time // wall clock: token lifetimes are real time

	mu      sync.Mutex
	token   string // "Bearer ..."
	expires time.Time
}

// tokenAnswer is the token endpoint's JSON answer (RFC 6749 §5.1, §5.2).
type tokenAnswer struct {
	AccessToken string          `json:"access_token"`
	TokenType   string          `json:"token_type"`
	ExpiresIn   json.RawMessage `json:"expires_in"`
	Error       string          `json:"error"`
}

// authorization is the Authorization header for the next request: the
// configured auth_header, or a bearer token from the token endpoint.
func (c *Client) authorization(ctx context.Context, op string) (string, error) {
	if c.tokens == nil {
		return c.auth, nil
	}
	return c.tokens.get(ctx, op)
}

// get returns a cached token or fetches a new one.
func (s *tokenSource) get(ctx context.Context, op string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && s.now().Before(s.expires) {
		return s.token, nil
	}
	token, life, err := s.fetch(ctx, op)
	if err != nil {
		return "", err
	}
	margin := min(refreshMargin, life/10)
	s.token, s.expires = token, s.now().Add(life-margin)
	return token, nil
}

// invalidate drops the cached token after the server refused it, unless
// another call already replaced it.
func (s *tokenSource) invalidate(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token == token {
		s.token = ""
	}
}

// fetch asks the token endpoint for a token. Its failures are Unavailable
// (the hospital's credentials or auth server need fixing) and quote
// neither the secret nor the answer, only the OAuth2 error code.
func (s *tokenSource) fetch(ctx context.Context, op string) (string, time.Duration, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	if s.scope != "" {
		form.Set("scope", s.scope)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, opError(op, emr.Unavailable, errors.New("build token request"))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(url.QueryEscape(s.id), url.QueryEscape(s.secret))
	resp, err := s.http.Do(req)
	if err != nil {
		return "", 0, opError(op, emr.Unavailable, fmt.Errorf("token endpoint: %w", transportCause(ctx, err)))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var a tokenAnswer
	jsonErr := json.Unmarshal(body, &a)
	if resp.StatusCode != http.StatusOK {
		return "", 0, opError(op, emr.Unavailable, fmt.Errorf("token endpoint: HTTP %d %s", resp.StatusCode, safeToken(a.Error)))
	}
	if jsonErr != nil || a.AccessToken == "" {
		return "", 0, opError(op, emr.Unavailable, errors.New("token endpoint: answer has no access_token"))
	}
	if a.TokenType != "" && !strings.EqualFold(a.TokenType, "bearer") {
		return "", 0, opError(op, emr.Unavailable, errors.New("token endpoint: token type is not bearer"))
	}
	life := defaultTokenLife
	var secs float64
	if json.Unmarshal(a.ExpiresIn, &secs) != nil {
		var s string
		if json.Unmarshal(a.ExpiresIn, &s) == nil {
			fmt.Sscanf(s, "%g", &secs)
		}
	}
	if secs > 0 {
		life = time.Duration(secs * float64(time.Second))
	}
	return "Bearer " + a.AccessToken, life, nil
}

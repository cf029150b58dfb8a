// Package emrapi is the API the hospitals' EMRs call: the seed-compatible
// push routes (/api/notifyuserwa, /api/confirmvideoappt and their .php
// spellings) that let an EMR built for the original PHP bot move over with
// a new host name and a key, and the native API under /v1 (files v1_*,
// documented in docs/openapi.yaml): messages, reminders and video
// confirmations, with JSON errors and Idempotency-Key. Every call is
// authenticated with a bearer key whose SHA-256 is listed for exactly one
// hospital; that hospital is the caller.
package emrapi

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/frontdesk-health/frontdesk/http/server"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// Keys finds the hospital that owns an API key.
type Keys struct {
	byHash map[string]*config.Hospital
}

// NewKeys indexes the hospitals' api_keys_sha256.
func NewKeys(hospitals []config.Hospital) *Keys {
	k := &Keys{byHash: map[string]*config.Hospital{}}
	for i := range hospitals {
		for _, h := range hospitals[i].APIKeysSHA256 {
			k.byHash[strings.ToLower(h)] = &hospitals[i]
		}
	}
	return k
}

// hospital authenticates the request and returns the key's hospital.
func (k *Keys) hospital(c *gin.Context) (*config.Hospital, error) {
	auth := c.GetHeader("Authorization")
	scheme, key, ok := strings.Cut(auth, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(key) == "" {
		c.Header("WWW-Authenticate", `Bearer realm="frontdesk"`)
		return nil, server.Errorf(http.StatusUnauthorized, "missing bearer API key")
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(key)))
	h, found := k.byHash[hex.EncodeToString(sum[:])]
	if !found {
		c.Header("WWW-Authenticate", `Bearer realm="frontdesk", error="invalid_token"`)
		return nil, server.Errorf(http.StatusUnauthorized, "unknown API key")
	}
	if !h.IsActive() {
		return nil, server.Errorf(http.StatusForbidden, "hospital %s is not active", h.Code)
	}
	return h, nil
}

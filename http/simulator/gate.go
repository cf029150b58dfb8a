package simulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/frontdesk-health/frontdesk/http/server"
)

// sessionCookie carries proof of the token in the browser, so that the
// token itself leaves the address bar after the first visit.
const sessionCookie = "frontdesk_simulator"

// gate decides who may use the simulator. Outside the plain demo the
// simulator reaches a real EMR or Twilio, so it is either bound to
// loopback (and then refuses other Host names, which a DNS-rebinding page
// would send) or guarded by a token. Every state-changing request must
// also come from the simulator's own origin.
type gate struct {
	token        []byte // sha256 of the token; nil: no token
	session      string // the cookie value that proves the token
	loopbackOnly bool
	secure       bool // the public URL is https: cookie only over TLS
}

func newGate(opts Options) gate {
	g := gate{loopbackOnly: opts.LoopbackOnly, secure: strings.HasPrefix(opts.PublicURL, "https://")}
	if opts.Token != "" {
		sum := sha256.Sum256([]byte(opts.Token))
		g.token = sum[:]
		mac := hmac.New(sha256.New, []byte(opts.Token))
		mac.Write([]byte("frontdesk simulator session"))
		g.session = hex.EncodeToString(mac.Sum(nil))
	}
	return g
}

// wrap puts the gate in front of a simulator route.
func (g gate) wrap(next gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if g.loopbackOnly && !loopbackHost(c.Request.Host) {
			server.Abort(c, server.Errorf(http.StatusForbidden, "the simulator answers only on a loopback address (127.0.0.1, localhost)"))
			return
		}
		if c.Request.Method != http.MethodGet && !sameOrigin(c.Request) {
			server.Abort(c, server.Errorf(http.StatusForbidden, "cross-origin request refused"))
			return
		}
		if g.token != nil && !g.allowed(c) {
			return
		}
		next(c)
	}
}

// allowed checks the token (bearer header, session cookie, or ?token= on
// the page itself, which then sets the cookie and drops the token from the
// address) and answers 403 when it is missing or wrong.
func (g gate) allowed(c *gin.Context) bool {
	if bearer, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer "); ok && g.matches(bearer) {
		return true
	}
	if v, err := c.Cookie(sessionCookie); err == nil && subtle.ConstantTimeCompare([]byte(v), []byte(g.session)) == 1 {
		return true
	}
	if c.Request.Method == http.MethodGet && c.Request.URL.Path == "/" {
		if t := c.Query("token"); t != "" && g.matches(t) {
			http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: g.session, Path: "/",
				HttpOnly: true, Secure: g.secure, SameSite: http.SameSiteLaxMode})
			c.Redirect(http.StatusSeeOther, "/")
			c.Abort()
			return false
		}
		c.Header("Cache-Control", "no-store")
		c.Data(http.StatusForbidden, "text/plain; charset=utf-8",
			[]byte("This simulator is protected: open /?token=<FRONTDESK_SIMULATOR_TOKEN> once to get in.\n"))
		c.Abort()
		return false
	}
	server.Abort(c, server.Errorf(http.StatusForbidden, "the simulator needs its token: open /?token=... or send Authorization: Bearer <token>"))
	return false
}

// matches compares a presented token with the configured one in constant
// time (hashing first, so that the length does not leak either).
func (g gate) matches(presented string) bool {
	sum := sha256.Sum256([]byte(presented))
	return subtle.ConstantTimeCompare(sum[:], g.token) == 1
}

// loopbackHost reports whether a Host header names this machine.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sameOrigin refuses a browser request sent from another site (forms and
// fetches there carry their own Origin); requests without an Origin, from
// tools rather than pages, pass.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

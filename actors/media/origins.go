// Package media takes in the files patients send (profile photos and
// documents) before they go to the EMR: it downloads them from Twilio,
// with Twilio's credentials sent only to Twilio's API and redirects
// followed only to Twilio's media hosts, under a size cap, a timeout and
// a type allow-list checked on the bytes; it keeps them sealed in the
// store for a while and hands the EMR a signed, expiring URL of
// frontdesk's own (served by http/media) instead of Twilio's, which the
// EMR could not open without our Twilio credentials.
//
// Downloads run in the hospital actor's call goroutines (see Preparer),
// never in an actor's Receive.
package media

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Origin is one place files may be fetched from: a scheme and a host, and
// optionally a path prefix the URL must start with.
type Origin struct {
	Scheme string // "https" or "http"
	// Host is host[:port]; a leading "*." matches any subdomain (and only
	// on the scheme's default port).
	Host       string
	PathPrefix string
	// Credentials says whether Twilio's basic auth goes with requests to
	// this origin. Only Twilio's API gets it: never a CDN host, never a
	// host a redirect points at merely because the redirect said so.
	Credentials bool
}

// TwilioAPI is Twilio's REST API, where inbound media URLs point.
const TwilioAPI = "https://api.twilio.com"

// TwilioCDN are the hosts Twilio's media URLs redirect to, fetched without
// credentials (the redirect URL is itself short-lived and signed).
// Twilio's support article "Protect Media Access with HTTP Basic
// Authentication for Programmable Messaging" (223183748) names them: with
// HTTP auth on (Twilio now enforces it for all media), a media URL
// redirects to a URL on mms.twiliocdn.com valid for 4 hours; media stored
// before auth was enforced is served from s3-external-1.amazonaws.com,
// path-style in Twilio's bucket media.twiliocdn.com. The bucket is pinned
// by path so that no other S3 bucket is reachable; *.twiliocdn.com is a
// domain Twilio owns (media.twiliocdn.com serves its SDKs too).
var TwilioCDN = []Origin{
	{Scheme: "https", Host: "*.twiliocdn.com"},
	{Scheme: "https", Host: "s3-external-1.amazonaws.com", PathPrefix: "/media.twiliocdn.com/"},
}

// TwilioOrigins are the origins for an account whose API base URL is
// apiBase (TWILIO_API_BASE_URL; empty means TwilioAPI): that base and
// https://api.twilio.com with credentials, and TwilioCDN without.
func TwilioOrigins(apiBase string) ([]Origin, error) {
	if apiBase == "" {
		apiBase = TwilioAPI
	}
	base, err := OriginOf(apiBase, true)
	if err != nil {
		return nil, err
	}
	api, _ := OriginOf(TwilioAPI, true)
	out := []Origin{base}
	if base != api {
		out = append(out, api)
	}
	return append(out, TwilioCDN...), nil
}

// OriginOf makes an origin from a URL such as https://api.twilio.com or
// http://127.0.0.1:8080/simulator/media/ (the path becomes the prefix).
func OriginOf(raw string, credentials bool) (Origin, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Origin{}, fmt.Errorf("media origin: %w", stripURL(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil {
		return Origin{}, fmt.Errorf("media origin %s: want http(s)://host[:port][/path] without user info", u.Redacted())
	}
	prefix := u.EscapedPath()
	if prefix == "/" {
		prefix = ""
	}
	return Origin{Scheme: u.Scheme, Host: strings.ToLower(u.Host), PathPrefix: prefix, Credentials: credentials}, nil
}

// match reports whether u lies within the origin.
func (o Origin) match(u *url.URL) bool {
	if !strings.EqualFold(u.Scheme, o.Scheme) {
		return false
	}
	host, port := splitHost(u)
	if suffix, ok := strings.CutPrefix(o.Host, "*."); ok {
		if port != defaultPort(o.Scheme) || !strings.HasSuffix(host, "."+suffix) {
			return false
		}
	} else {
		wantHost, wantPort := splitHost(&url.URL{Scheme: o.Scheme, Host: o.Host})
		if host != wantHost || port != wantPort {
			return false
		}
	}
	return o.PathPrefix == "" || strings.HasPrefix(u.EscapedPath(), o.PathPrefix)
}

// allowed returns the origin u belongs to. URLs with user info or with
// dot segments (which a server could resolve out of a path prefix) belong
// to none.
func allowed(origins []Origin, u *url.URL) (Origin, bool) {
	if u.User != nil || u.Host == "" {
		return Origin{}, false
	}
	for _, seg := range strings.Split(u.EscapedPath(), "/") {
		if seg == "." || seg == ".." || strings.Contains(strings.ToLower(seg), "%2e") {
			return Origin{}, false
		}
	}
	for _, o := range origins {
		if o.match(u) {
			return o, true
		}
	}
	return Origin{}, false
}

// splitHost returns u's lower-case host name and its port, the scheme's
// default when none is written.
func splitHost(u *url.URL) (string, string) {
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if port == "" {
		port = defaultPort(u.Scheme)
	}
	return strings.TrimSuffix(host, "."), port
}

func defaultPort(scheme string) string {
	if strings.EqualFold(scheme, "http") {
		return "80"
	}
	return "443"
}

// hostOf names a URL's host for error texts (never the path or query,
// which can be a capability).
func hostOf(u *url.URL) string { return net.JoinHostPort(splitHost(u)) }

package config

import "net/url"

// checkHTTPURL returns what is wrong with raw as an absolute http(s) URL,
// or "" when nothing is. The message never repeats the URL (nor url.Parse's
// error, which does), because a URL filled from ${VAR} may carry a token.
// Credentials in the URL are refused: they belong in emr.auth_header or a
// Secret, where they are masked. A base URL, which paths are appended to,
// may not have a query or fragment; a link or endpoint may (an EMR endpoint
// may need a query, a maps link often has a fragment).
func checkHTTPURL(raw string, base bool) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "not a valid URL"
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "must be an absolute http:// or https:// URL"
	case u.Host == "" || u.Hostname() == "":
		return "URL has no host"
	case u.User != nil:
		return "URL must not contain credentials"
	case base && (u.RawQuery != "" || u.ForceQuery):
		return "URL must not contain a query"
	case base && u.Fragment != "":
		return "URL must not contain a fragment"
	}
	return ""
}

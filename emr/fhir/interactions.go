package fhir

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/frontdesk-health/frontdesk/emr"
)

// maxPages bounds how many pages of one search are read: the lists the
// conversation shows are short, and a server that pages forever must not
// hold a call.
const maxPages = 10

var errUnreadable = errors.New("answer is not the expected FHIR JSON")

// read fetches one resource. A missing one is Rejected: the id came from
// the server, so it was deleted meanwhile.
func (c *Client) read(ctx context.Context, op, resourceType, id string) (raw, error) {
	if id == "" || strings.ContainsAny(id, "/?#") {
		return raw{}, opError(op, emr.Rejected, fmt.Errorf("%s id is not a FHIR id", resourceType))
	}
	rep, err := c.do(ctx, request{op: op, method: http.MethodGet, path: resourceType + "/" + url.PathEscape(id)})
	if err != nil {
		return raw{}, err
	}
	r, err := parseRaw(rep.body, rep.header.Get("ETag"))
	if err != nil {
		return raw{}, opError(op, emr.Unavailable, fmt.Errorf("GET %s: %w", resourceType, err))
	}
	return r, nil
}

// found is a search's result: the matches in the server's order and the
// resources _include brought, by reference ("Practitioner/7").
type found struct {
	matches  []json.RawMessage
	included map[string]json.RawMessage
}

// search runs a search and reads every page (up to maxPages). Paging
// links are only followed on this server, so a token is never sent
// elsewhere.
func (c *Client) search(ctx context.Context, op, resourceType string, query url.Values) (found, error) {
	f := found{included: map[string]json.RawMessage{}}
	r := request{op: op, method: http.MethodGet, path: resourceType, query: query}
	for page := 0; page < maxPages; page++ {
		rep, err := c.do(ctx, r)
		if err != nil {
			return found{}, err
		}
		var b Bundle
		if json.Unmarshal(rep.body, &b) != nil || b.ResourceType != "Bundle" {
			return found{}, opError(op, emr.Unavailable, fmt.Errorf("search %s: %w", resourceType, errUnreadable))
		}
		for _, e := range b.Entry {
			if len(e.Resource) == 0 {
				continue
			}
			if e.Search != nil && e.Search.Mode == "include" {
				var head struct{ ResourceType, ID string }
				if json.Unmarshal(e.Resource, &head) == nil {
					f.included[head.ResourceType+"/"+head.ID] = e.Resource
				}
				continue
			}
			f.matches = append(f.matches, e.Resource)
		}
		next := ""
		for _, l := range b.Link {
			if l.Relation == "next" {
				next = l.URL
			}
		}
		if next == "" || (!strings.HasPrefix(next, c.base+"/") && !strings.HasPrefix(next, c.base+"?")) {
			return f, nil
		}
		r = request{op: op, method: http.MethodGet, next: next}
	}
	return f, nil
}

// decodeAll reads search matches into one of the resource structs; an
// entry that does not decode makes the answer unreadable.
func decodeAll[T any](op string, raws []json.RawMessage) ([]T, error) {
	out := make([]T, 0, len(raws))
	for _, r := range raws {
		var v T
		if err := json.Unmarshal(r, &v); err != nil {
			return nil, opError(op, emr.Unavailable, fmt.Errorf("%w: %T", errUnreadable, v))
		}
		out = append(out, v)
	}
	return out, nil
}

// create posts a new resource and returns the id the server gave it,
// from the answer's body or its Location header.
func (c *Client) create(ctx context.Context, op, resourceType string, resource any) (string, error) {
	rep, err := c.do(ctx, request{op: op, method: http.MethodPost, path: resourceType, body: resource})
	if err != nil {
		return "", err
	}
	var head struct{ ID string }
	if json.Unmarshal(rep.body, &head) == nil && head.ID != "" {
		return head.ID, nil
	}
	if _, id := splitReference(rep.header.Get("Location")); id != "" {
		return id, nil
	}
	return "", opError(op, emr.Unavailable, fmt.Errorf("POST %s: the answer names no id", resourceType))
}

// update replaces a resource if it still has the version read (If-Match);
// someone else's change in between is a Conflict.
func (c *Client) update(ctx context.Context, op string, r raw) error {
	resourceType, id := r.str("resourceType"), r.str("id")
	_, err := c.do(ctx, request{
		op: op, method: http.MethodPut, path: resourceType + "/" + url.PathEscape(id), body: r, ifMatch: r.version,
	})
	return err
}

// transaction posts a transaction Bundle and returns the answer's entries
// (their response and, when the server sends it, resource). The server
// applies all entries or none; an entry that failed inside a 2xx answer
// (which a transaction must not have) is classified by its own status.
func (c *Client) transaction(ctx context.Context, op string, entries []BundleEntry) ([]BundleEntry, error) {
	rep, err := c.do(ctx, request{
		op: op, method: http.MethodPost, body: Bundle{ResourceType: "Bundle", Type: "transaction", Entry: entries},
	})
	if err != nil {
		return nil, err
	}
	var b Bundle
	if json.Unmarshal(rep.body, &b) != nil || b.ResourceType != "Bundle" || len(b.Entry) != len(entries) {
		return nil, opError(op, emr.Unavailable, fmt.Errorf("transaction: %w", errUnreadable))
	}
	for _, e := range b.Entry {
		if e.Response == nil {
			return nil, opError(op, emr.Unavailable, fmt.Errorf("transaction: %w", errUnreadable))
		}
		code := 0
		fmt.Sscanf(e.Response.Status, "%d", &code)
		if code/100 != 2 {
			return nil, statusError(request{op: op, method: http.MethodPost}, code, nil)
		}
	}
	return b.Entry, nil
}

// splitReference reads "Type/id", "Type/id/_history/v" or an absolute URL
// ending so.
func splitReference(ref string) (resourceType, id string) {
	if i := strings.Index(ref, "/_history/"); i >= 0 {
		ref = ref[:i]
	}
	parts := strings.Split(strings.TrimRight(ref, "/"), "/")
	if len(parts) < 2 {
		return "", ""
	}
	return parts[len(parts)-2], parts[len(parts)-1]
}

// idOf is the id of a reference to resourceType, "" when it points
// elsewhere.
func idOf(ref Reference, resourceType string) string {
	t, id := splitReference(ref.Reference)
	if t != resourceType {
		return ""
	}
	return id
}

// sameRef reports whether two references (relative or absolute) name the
// same resource.
func sameRef(a, b string) bool {
	ta, ia := splitReference(a)
	tb, ib := splitReference(b)
	return ia != "" && ta == tb && ia == ib
}

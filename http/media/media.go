// Package media serves GET /media/:id: the files patients sent, kept by
// actors/media, to the EMR that was handed a link to them. A link is
// signed and expires (actors/media.Vault); anyone holding a valid one
// may fetch the file, so links go only to the EMR, and the answer is
// marked private so that no shared cache keeps health data.
package media

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"regexp"

	"github.com/gin-gonic/gin"

	fdmedia "github.com/frontdesk-health/frontdesk/actors/media"
	"github.com/frontdesk-health/frontdesk/http/server"
	"github.com/frontdesk-health/frontdesk/persistence"
)

// Opener checks a link and returns its file (actors/media.Vault).
type Opener interface {
	Open(ctx context.Context, id, exp, sig string) (fdmedia.File, error)
}

// Options configure the route.
type Options struct {
	Vault  Opener
	Logger *slog.Logger
}

// idPattern is the shape of the ids the vault makes; anything else is
// refused before the store is asked.
var idPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// Routes returns the media route.
func Routes(opts Options) []server.Route {
	return []server.Route{{Method: http.MethodGet, Path: "/media/:id", Handler: serve(opts)}}
}

func serve(opts Options) gin.HandlerFunc {
	log := opts.Logger.With("component", "media")
	return func(c *gin.Context) {
		id := c.Param("id")
		if !idPattern.MatchString(id) {
			server.Abort(c, server.Errorf(http.StatusNotFound, "no such file"))
			return
		}
		f, err := opts.Vault.Open(c.Request.Context(), id, c.Query("exp"), c.Query("sig"))
		switch {
		case errors.Is(err, fdmedia.ErrBadLink):
			server.Abort(c, server.Errorf(http.StatusForbidden, "invalid link"))
			return
		case errors.Is(err, fdmedia.ErrExpiredLink):
			server.Abort(c, server.Errorf(http.StatusForbidden, "link expired"))
			return
		case errors.Is(err, persistence.ErrNotFound):
			server.Abort(c, server.Errorf(http.StatusNotFound, "no such file (files are kept for a limited time)"))
			return
		case err != nil:
			log.Error("open media failed", "err", err)
			server.Abort(c, server.Errorf(http.StatusServiceUnavailable, "file temporarily unavailable"))
			return
		}
		h := c.Writer.Header()
		h.Set("Content-Disposition", "inline")
		h.Set("Cache-Control", "private")
		h.Set("X-Content-Type-Options", "nosniff")
		c.Data(http.StatusOK, f.ContentType, f.Data)
	}
}

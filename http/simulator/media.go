package simulator

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/frontdesk-health/frontdesk/http/server"
)

// maxMediaBytes is the largest file the page may attach: what the
// registration photo and document steps need, not a file store.
const maxMediaBytes = 5 << 20

// acceptedMedia lists the types the bot handles, as sniffed from content.
var acceptedMedia = map[string]bool{
	"image/jpeg":      true,
	"image/png":       true,
	"image/gif":       true,
	"application/pdf": true,
}

// upload handles POST /simulator/media: a multipart form whose "file" part
// is kept in memory and given a URL the bot (and the demo EMR) can fetch.
func (h *handlers) upload(c *gin.Context) {
	// Room for the multipart framing around the file itself.
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxMediaBytes+64<<10)
	data, err := readFilePart(c.Request)
	if err != nil {
		server.Abort(c, err)
		return
	}
	ct := http.DetectContentType(data)
	if !acceptedMedia[ct] {
		server.Abort(c, server.Errorf(http.StatusUnsupportedMediaType, "only JPEG, PNG or GIF images and PDF documents are accepted"))
		return
	}
	id := h.media.put(media{contentType: ct, data: data})
	c.JSON(http.StatusOK, gin.H{"media_id": id, "url": h.mediaURL(c, id), "content_type": ct})
}

// readFilePart streams the multipart body to its "file" part and reads it
// within the size limit, without spilling to temporary files.
func readFilePart(r *http.Request) ([]byte, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, server.Errorf(http.StatusBadRequest, "body must be multipart/form-data with a file field")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, server.Errorf(http.StatusBadRequest, "no file field in the form")
		}
		if err != nil {
			return nil, multipartError(err)
		}
		if part.FormName() != "file" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, maxMediaBytes+1))
		if err != nil {
			return nil, multipartError(err)
		}
		if len(data) > maxMediaBytes {
			return nil, server.Errorf(http.StatusRequestEntityTooLarge, "file larger than %d MiB", maxMediaBytes>>20)
		}
		if len(data) == 0 {
			return nil, server.Errorf(http.StatusBadRequest, "file is empty")
		}
		return data, nil
	}
}

// multipartError tells a body over the limit from a malformed one.
func multipartError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return server.Errorf(http.StatusRequestEntityTooLarge, "file larger than %d MiB", maxMediaBytes>>20)
	}
	return &server.Error{Status: http.StatusBadRequest, Message: "malformed multipart body", Err: err}
}

// serveMedia handles GET /simulator/media/:id.
func (h *handlers) serveMedia(c *gin.Context) {
	m, ok := h.media.get(c.Param("id"))
	if !ok {
		server.Abort(c, server.Errorf(http.StatusNotFound, "no such media (the simulator keeps the latest %d files)", maxMediaFiles))
		return
	}
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Cache-Control", "private, max-age=3600")
	c.Header("Content-Disposition", "inline")
	c.Data(http.StatusOK, m.contentType, m.data)
}

// mediaURL is where a stored file is served, on the public URL when one is
// configured so that the EMR can fetch it.
func (h *handlers) mediaURL(c *gin.Context, id string) string {
	return h.baseURL(c) + "/simulator/media/" + id
}

// baseURL is where this process is reached from elsewhere: the public URL,
// else the request's own scheme and host.
func (h *handlers) baseURL(c *gin.Context) string {
	if h.opts.PublicURL != "" {
		return h.opts.PublicURL
	}
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

package simulator

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUploadSniffsTheType(t *testing.T) {
	tests := []struct {
		name   string
		data   []byte
		status int
		ct     string
	}{
		{"png", pngFile, http.StatusOK, "image/png"},
		{"jpeg", jpegFile, http.StatusOK, "image/jpeg"},
		{"gif", gifFile, http.StatusOK, "image/gif"},
		{"pdf", pdfFile, http.StatusOK, "application/pdf"},
		{"text", []byte("just some words, not a picture"), http.StatusUnsupportedMediaType, ""},
		{"html", []byte("<html><script>alert(1)</script></html>"), http.StatusUnsupportedMediaType, ""},
		{"zip", append([]byte("PK\x03\x04"), make([]byte, 32)...), http.StatusUnsupportedMediaType, ""},
	}
	hs := newHarness(t, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := hs.upload(t, tt.data)
			require.Equal(t, tt.status, status)
			if tt.status != http.StatusOK {
				assert.NotEmpty(t, out["error"])
				return
			}
			assert.Equal(t, tt.ct, out["content_type"])
			id := out["media_id"].(string)
			assert.Equal(t, hs.srv.URL+"/simulator/media/"+id, out["url"])
			code, ct, body := get(t, out["url"].(string))
			assert.Equal(t, http.StatusOK, code)
			assert.Equal(t, tt.ct, ct)
			assert.Equal(t, tt.data, body)
		})
	}
}

func TestUploadSizeLimit(t *testing.T) {
	hs := newHarness(t, Options{})
	exact := append(bytes.Clone(pngFile), make([]byte, maxMediaBytes-len(pngFile))...)
	status, _ := hs.upload(t, exact)
	assert.Equal(t, http.StatusOK, status, "5 MiB is allowed")

	status, out := hs.upload(t, append(exact, 0))
	assert.Equal(t, http.StatusRequestEntityTooLarge, status)
	assert.NotEmpty(t, out["error"])

	status, _ = hs.upload(t, append(exact, make([]byte, 1<<20)...))
	assert.Equal(t, http.StatusRequestEntityTooLarge, status, "beyond the body limit too")
}

func TestUploadRefusesMalformedForms(t *testing.T) {
	hs := newHarness(t, Options{})
	res, err := http.Post(hs.srv.URL+"/simulator/media", "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	status, _ := decode(t, res)
	assert.Equal(t, http.StatusBadRequest, status)

	status, _ = hs.upload(t, nil)
	assert.Equal(t, http.StatusBadRequest, status, "an empty file")
}

func TestMediaEvictsTheOldest(t *testing.T) {
	hs := newHarness(t, Options{})
	var ids []string
	for range maxMediaFiles + 1 {
		status, out := hs.upload(t, gifFile)
		require.Equal(t, http.StatusOK, status)
		ids = append(ids, out["media_id"].(string))
	}
	code, _, _ := get(t, hs.srv.URL+"/simulator/media/"+ids[0])
	assert.Equal(t, http.StatusNotFound, code, "the oldest is gone")
	for _, id := range ids[1:] {
		code, _, _ = get(t, hs.srv.URL+"/simulator/media/"+id)
		require.Equal(t, http.StatusOK, code)
	}

	// An evicted file can no longer be sent.
	status, _ := hs.postJSON(t, "/simulator/send", map[string]any{"hospital": "demo", "phone": "+919800000001", "media_id": ids[0]})
	assert.Equal(t, http.StatusBadRequest, status)
}

func TestMediaUnknownID(t *testing.T) {
	hs := newHarness(t, Options{})
	code, _, _ := get(t, hs.srv.URL+"/simulator/media/0123456789abcdef")
	assert.Equal(t, http.StatusNotFound, code)
}

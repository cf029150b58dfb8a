package prismtest

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAdaptRenamesOnlyArrayFields(t *testing.T) {
	sent := url.Values{"To": {"whatsapp:+919876543210"}, "MediaUrl": {"https://a.example/1.jpg", "https://b.example/2.pdf"}}
	req, err := http.NewRequest(http.MethodPost, "http://prism/2010-04-01/Accounts/AC1/Messages.json", strings.NewReader(sent.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	out, err := adapt(req, map[string]bool{"MediaUrl": true})
	require.NoError(t, err)
	body, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	got, err := url.ParseQuery(string(body))
	require.NoError(t, err)
	assert.Equal(t, url.Values{"To": {"whatsapp:+919876543210"}, "MediaUrl[]": {"https://a.example/1.jpg", "https://b.example/2.pdf"}}, got,
		"what Prism validates: the array in the bracket form it reads, in order")
	assert.EqualValues(t, len(body), out.ContentLength)
	assert.Equal(t, sent, sentForm(out), "what the client sent is kept for the test")
}

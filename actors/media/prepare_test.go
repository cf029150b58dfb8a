package media

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

func TestPrepareSwapsTwilioURLsForOurLinks(t *testing.T) {
	hosts := newFakeHosts(t)
	r := newVaultRig(t, bytes.Repeat([]byte{7}, 32))
	p := &Preparer{Fetcher: hosts.fetcher(t, 0), Vault: r.vault}

	photo, err := p.Prepare(t.Context(), emr.Call{Op: emr.OpProfilePhoto, URL: hosts.twilio.URL + "/to-cdn"})
	require.NoError(t, err)
	id, exp, sig := parts(t, photo.URL)
	got, err := r.vault.Open(t.Context(), id, exp, sig)
	require.NoError(t, err)
	assert.Equal(t, jpegFile, got.Data, "the link serves the very bytes downloaded")

	doc, err := p.Prepare(t.Context(), emr.Call{Op: emr.OpUploadDocument,
		Document: emr.Document{URL: hosts.twilio.URL + "/pdf", ContentType: "image/jpeg", Caption: "report"}})
	require.NoError(t, err)
	assert.Equal(t, "application/pdf", doc.Document.ContentType, "the EMR is told the type the bytes show")
	assert.Equal(t, "report", doc.Document.Caption)
	assert.Contains(t, doc.Document.URL, "https://frontdesk.example/media/")

	other := emr.Call{Op: emr.OpUpdateAddress, Address: "12 MG Road"}
	same, err := p.Prepare(t.Context(), other)
	require.NoError(t, err)
	assert.Equal(t, other, same, "calls without a file pass as they are")
}

func TestPrepareRefusals(t *testing.T) {
	hosts := newFakeHosts(t)
	r := newVaultRig(t, bytes.Repeat([]byte{7}, 32))
	p := &Preparer{Fetcher: hosts.fetcher(t, 0), Vault: r.vault}
	tests := []struct {
		name   string
		call   emr.Call
		reason emr.MediaReason
	}{
		{"a WebP photo", emr.Call{Op: emr.OpProfilePhoto, URL: hosts.twilio.URL + "/webp-claimed-jpeg"}, emr.MediaWrongType},
		{"a PDF photo", emr.Call{Op: emr.OpProfilePhoto, URL: hosts.twilio.URL + "/pdf"}, emr.MediaWrongType},
		{"a document from a foreign host", emr.Call{Op: emr.OpUploadDocument, Document: emr.Document{URL: hosts.foreign.URL + "/x.pdf"}}, emr.MediaUnreachable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Prepare(t.Context(), tc.call)
			assert.Equal(t, emr.BadMedia, emr.KindOf(err))
			var me *emr.MediaError
			require.True(t, errors.As(err, &me))
			assert.Equal(t, tc.reason, me.Reason)
		})
	}

	small := &Preparer{Fetcher: hosts.fetcher(t, 0), Vault: r.vault, Photo: Rule{MaxBytes: 1000, Types: PhotoRule.Types}}
	_, err := small.Prepare(t.Context(), emr.Call{Op: emr.OpProfilePhoto, URL: hosts.twilio.URL + "/jpeg"})
	var me *emr.MediaError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, emr.MediaTooBig, me.Reason, "the limits are set in code per kind")
	assert.EqualValues(t, 1000, me.Limit)
}

func TestPrepareStoreDown(t *testing.T) {
	hosts := newFakeHosts(t)
	r := newVaultRig(t, bytes.Repeat([]byte{7}, 32))
	down := *r.vault
	down.opts.Store = failingStore{}
	p := &Preparer{Fetcher: hosts.fetcher(t, 0), Vault: &down}
	_, err := p.Prepare(t.Context(), emr.Call{Op: emr.OpProfilePhoto, URL: hosts.twilio.URL + "/jpeg"})
	assert.Equal(t, emr.Unavailable, emr.KindOf(err), "our own store failing is not the patient's file's fault")
}

package emrapi

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/persistence"
)

// TestV1MessageStatus: the id sending answered finds the message, first
// pending, then sent with Twilio's SID, then with Twilio's delivery status.
func TestV1MessageStatus(t *testing.T) {
	f := newFixture(t)
	res := f.client.Do(req(http.MethodPost, "/v1/messages", map[string]any{"to": testNational, "body": "Your report is ready."}))
	require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	var sent sendMessageResponse
	res.JSON(t, &sent)

	got := f.status(t, sent.ID)
	assert.Equal(t, messageStatusResponse{ID: sent.ID, State: "pending", CreatedAt: f.now, UpdatedAt: f.now}, got)

	ctx := context.Background()
	f.advance(time.Second)
	require.NoError(t, f.store.MarkSent(ctx, testSender, sent.ID, "SM0123456789abcdef0123456789abcdef", f.clock()))
	f.advance(3 * time.Second)
	delivered := f.clock()
	require.NoError(t, f.store.RecordStatus(ctx, "SM0123456789abcdef0123456789abcdef",
		persistence.DeliveryStatus{Status: "delivered", At: delivered}))
	got = f.status(t, sent.ID)
	assert.Equal(t, "sent", got.State)
	assert.Equal(t, "SM0123456789abcdef0123456789abcdef", got.TwilioSID)
	assert.Equal(t, "delivered", got.Status)
	require.NotNil(t, got.StatusAt)
	assert.True(t, delivered.Equal(*got.StatusAt))
	assert.NotContains(t, string(f.client.Do(req(http.MethodGet, "/v1/messages/"+sent.ID, nil)).Body), testNational,
		"no recipient in the answer")
}

// TestV1MessageStatusFailed: a message given up says why.
func TestV1MessageStatusFailed(t *testing.T) {
	f := newFixture(t)
	id := f.enqueue(t, "abc")
	require.NoError(t, f.store.MarkFailed(context.Background(), testSender, id, outbound.ReasonNoTemplate, true, f.clock()))
	got := f.status(t, id)
	assert.Equal(t, "failed", got.State)
	assert.Equal(t, outbound.ReasonNoTemplate, got.Reason)
	assert.Equal(t, 1, got.Attempts)
}

// TestV1MessageStatusNotFound: unknown ids, and messages of another
// hospital on the same sender, are not found (nor told apart).
func TestV1MessageStatusNotFound(t *testing.T) {
	f := newFixture(t)
	theirs := f.enqueue(t, "closed") // shares abc's sender
	for _, id := range []string{theirs, "01JDQ8Z6Y3V1B2C3D4E5F6G7H8", "%E2%80%AE%F0%9F%99%8F"} {
		res := f.client.Do(req(http.MethodGet, "/v1/messages/"+id, nil))
		assert.Equal(t, http.StatusNotFound, res.Status, "%s: %s", id, res.Body)
		assert.Equal(t, "not_found", res.Error.Code, id)
	}
	res := f.client.Do(req(http.MethodGet, "/v1/messages/"+theirs, nil, "Authorization", "Bearer "+otherKey))
	assert.Equal(t, http.StatusNotFound, res.Status, "another hospital's key on another sender")
	res = f.client.Do(req(http.MethodGet, "/v1/messages/"+theirs, nil, "Authorization", ""))
	assert.Equal(t, http.StatusUnauthorized, res.Status)
}

// status reads GET /v1/messages/{id} as the test hospital.
func (f *fixture) status(t *testing.T, id string) messageStatusResponse {
	t.Helper()
	res := f.client.Do(req(http.MethodGet, "/v1/messages/"+id, nil))
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	var out messageStatusResponse
	res.JSON(t, &out)
	return out
}

// enqueue stores a push of hospital on the test sender and returns its id.
func (f *fixture) enqueue(t *testing.T, hospital string) string {
	t.Helper()
	entries, err := f.codec.Entries(f.clock(), testSender, outbound.Message{
		To: testPhone, From: testSender, Body: "hello", Hospital: hospital, Kind: outbound.KindPush})
	require.NoError(t, err)
	require.NoError(t, f.store.Enqueue(context.Background(), entries...))
	return entries[0].ID
}

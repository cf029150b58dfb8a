package twiliotest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio/twiliotest"
)

const (
	accountSID = "AC00000000000000000000000000000001"
	authToken  = "secret0token"
	sender     = "whatsapp:+14155238886"
	patient    = "whatsapp:+919812345678"
)

// post sends a create-message form the way twilio-go does and decodes the JSON answer.
func post(t *testing.T, s *twiliotest.Server, account, user, pass string, form url.Values) (*http.Response, map[string]any) {
	t.Helper()
	u := s.URL() + "/2010-04-01/Accounts/" + account + "/Messages.json"
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp, body
}

// textForm is a valid text message form.
func textForm(body string) url.Values {
	return url.Values{"To": {patient}, "From": {sender}, "Body": {body}}
}

func TestAcceptsMessageAndAnswersLikeTwilio(t *testing.T) {
	s := twiliotest.NewServer(t, accountSID, authToken)
	form := url.Values{
		"To": {patient}, "From": {sender}, "Body": {"Your report is ready"},
		"MediaUrl":       {"https://files.example/a.pdf", "https://files.example/b.jpg"},
		"StatusCallback": {"https://frontdesk.example/twilio/status"},
	}
	resp, body := post(t, s, accountSID, accountSID, authToken, form)

	require.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Regexp(t, regexp.MustCompile(`^SM[0-9a-f]{32}$`), body["sid"])
	assert.Equal(t, "queued", body["status"])
	assert.Equal(t, patient, body["to"])
	assert.Equal(t, sender, body["from"])
	assert.Equal(t, "Your report is ready", body["body"])
	assert.Equal(t, "2", body["num_media"])
	assert.Equal(t, accountSID, body["account_sid"])
	assert.Equal(t, "outbound-api", body["direction"])
	_, err := time.Parse(time.RFC1123Z, body["date_created"].(string))
	assert.NoError(t, err, "date_created is RFC 2822")
	assert.Equal(t, "/2010-04-01/Accounts/"+accountSID+"/Messages/"+body["sid"].(string)+".json", body["uri"])

	got := s.Messages()
	require.Len(t, got, 1)
	assert.Equal(t, body["sid"], got[0].SID)
	assert.Equal(t, []string{"https://files.example/a.pdf", "https://files.example/b.jpg"}, got[0].MediaURLs)
	assert.Equal(t, "https://frontdesk.example/twilio/status", got[0].StatusCallback)
	assert.WithinDuration(t, time.Now(), got[0].Time, time.Minute)
}

func TestRefusesWrongCredentialsAndAccount(t *testing.T) {
	s := twiliotest.NewServer(t, accountSID, authToken)
	tests := []struct {
		name                string
		account, user, pass string
		status, code        int
	}{
		{"no credentials", accountSID, "", "", http.StatusUnauthorized, 20003},
		{"wrong token", accountSID, accountSID, "nottheToken", http.StatusUnauthorized, 20003},
		{"wrong user", accountSID, "AC99999999999999999999999999999999", authToken, http.StatusUnauthorized, 20003},
		{"other account in path", "AC99999999999999999999999999999999", accountSID, authToken, http.StatusNotFound, 20404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := post(t, s, tt.account, tt.user, tt.pass, textForm("hello"))
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.EqualValues(t, tt.code, body["code"])
			assert.EqualValues(t, tt.status, body["status"])
			assert.NotEmpty(t, body["message"])
			assert.NotEmpty(t, body["more_info"])
		})
	}
	assert.Empty(t, s.Messages(), "refused requests record nothing")
	assert.Equal(t, len(tests), s.Requests())
}

func TestRefusesInvalidFields(t *testing.T) {
	s := twiliotest.NewServer(t, accountSID, authToken)
	tests := []struct {
		name string
		form url.Values
		code int
	}{
		{"no To", url.Values{"From": {sender}, "Body": {"x"}}, 21604},
		{"no From", url.Values{"To": {patient}, "Body": {"x"}}, 21603},
		{"nothing to send", url.Values{"To": {patient}, "From": {sender}}, 21602},
		{"body over 1600 characters", textForm(strings.Repeat("अ", 1601)), 21617},
		{"eleven media", url.Values{"To": {patient}, "From": {sender}, "MediaUrl": strings.Split("a,b,c,d,e,f,g,h,i,j,k", ",")}, 21623},
		{"content SID not HX", url.Values{"To": {patient}, "From": {sender}, "ContentSid": {"MG123"}}, 21655},
		{"content variables not JSON", url.Values{"To": {patient}, "From": {sender}, "ContentSid": {"HX0123"}, "ContentVariables": {"1=a"}}, 21656},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := post(t, s, accountSID, accountSID, authToken, tt.form)
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
			assert.EqualValues(t, tt.code, body["code"])
		})
	}
	assert.Empty(t, s.Messages())

	resp, _ := post(t, s, accountSID, accountSID, authToken, textForm(strings.Repeat("अ", 1600)))
	assert.Equal(t, http.StatusCreated, resp.StatusCode, "1600 characters fit")
}

func TestFailNextScriptsFaultsThenRecovers(t *testing.T) {
	s := twiliotest.NewServer(t, accountSID, authToken)
	s.FailNext(2, twiliotest.Fault{Code: 20429, RetryAfter: "3"})
	s.FailNext(1, twiliotest.Fault{Code: 21211})
	s.FailNext(1, twiliotest.Fault{Status: http.StatusBadGateway, RawBody: "<html>bad gateway</html>"})

	for range 2 {
		resp, body := post(t, s, accountSID, accountSID, authToken, textForm("hi"))
		assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
		assert.Equal(t, "3", resp.Header.Get("Retry-After"))
		assert.EqualValues(t, 20429, body["code"])
		assert.EqualValues(t, 429, body["status"])
		assert.Equal(t, "https://www.twilio.com/docs/errors/20429", body["more_info"])
	}
	resp, body := post(t, s, accountSID, accountSID, authToken, textForm("hi"))
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body["message"], patient, "like Twilio, 21211 quotes the number")

	resp, body = post(t, s, accountSID, accountSID, authToken, textForm("hi"))
	assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
	assert.Nil(t, body, "raw body is not JSON")

	resp, _ = post(t, s, accountSID, accountSID, authToken, textForm("hi"))
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Len(t, s.Messages(), 1, "failed requests record nothing")
}

func TestFaultDefaults(t *testing.T) {
	tests := []struct {
		fault        twiliotest.Fault
		status, code int
	}{
		{twiliotest.Fault{Code: 63016}, 400, 63016},
		{twiliotest.Fault{Status: 503}, 503, 20503},
		{twiliotest.Fault{}, 500, 20500},
	}
	s := twiliotest.NewServer(t, accountSID, authToken)
	for _, tt := range tests {
		s.FailNext(1, tt.fault)
		resp, body := post(t, s, accountSID, accountSID, authToken, textForm("hi"))
		assert.Equal(t, tt.status, resp.StatusCode)
		assert.EqualValues(t, tt.code, body["code"])
	}
}

func TestHangReleasedByClientAndByClose(t *testing.T) {
	s := twiliotest.NewServer(t, accountSID, authToken)
	s.FailNext(1, twiliotest.Fault{Hang: true})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	u := s.URL() + "/2010-04-01/Accounts/" + accountSID + "/Messages.json"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(textForm("hi").Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(accountSID, authToken)
	_, err = http.DefaultClient.Do(req)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	s.FailNext(1, twiliotest.Fault{Hang: true})
	done := make(chan int)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(textForm("hi").Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(accountSID, authToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	require.Eventually(t, func() bool { return s.Requests() == 2 }, 5*time.Second, time.Millisecond)
	s.Close()
	select {
	case status := <-done:
		assert.Equal(t, http.StatusServiceUnavailable, status)
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not release a hanging request")
	}
}

func TestWaitForConcurrentSendersAndFilter(t *testing.T) {
	s := twiliotest.NewServer(t, accountSID, authToken)
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			form := textForm("hi")
			if i%2 == 0 {
				form.Set("To", "whatsapp:+910000000000")
			}
			resp, err := http.PostForm(s.URL()+"/2010-04-01/Accounts/"+accountSID+"/Messages.json", form)
			if err == nil {
				resp.Body.Close() // no auth: refused, checks that refusals do not count
			}
			req, _ := http.NewRequest(http.MethodPost, s.URL()+"/2010-04-01/Accounts/"+accountSID+"/Messages.json", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth(accountSID, authToken)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		})
	}
	got := s.WaitFor(t, n, 5*time.Second)
	wg.Wait()
	assert.Len(t, got, n)
	assert.Len(t, s.MessagesTo(patient), n/2)
	sids := map[string]bool{}
	for _, m := range got {
		sids[m.SID] = true
	}
	assert.Len(t, sids, n, "SIDs are unique")

	s.Reset()
	assert.Empty(t, s.Messages())
	assert.Zero(t, s.Requests())
}

// fatalRecorder is a testing.TB that records Fatalf instead of stopping.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}
func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = format
}

func TestWaitForFailsAfterTimeout(t *testing.T) {
	s := twiliotest.NewServer(t, accountSID, authToken)
	rec := &fatalRecorder{TB: t}
	start := time.Now()
	got := s.WaitFor(rec, 1, 50*time.Millisecond)
	assert.Nil(t, got)
	assert.Contains(t, rec.msg, "waited")
	assert.Less(t, time.Since(start), 5*time.Second)
}

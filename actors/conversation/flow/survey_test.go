package flow

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFeedbackSurvey(t *testing.T) {
	f := newFixture(t, allCaps)
	f.toMenu()
	fx := f.apply(dueFeedback("rem_fb@1"))
	require.Len(t, fx.Replies, 1)
	first := fx.Replies[0]
	assert.Equal(t, KindFeedback, first.Reminder)
	assert.Contains(t, first.Body, f.text("reminder_feedback", "hospital", "ABC Hospital"))
	assert.Contains(t, first.Body, f.text("survey_intro", "count", "3"))
	assert.Contains(t, first.Body, "*1/3* "+f.text("survey_q_doctor"))

	fx = f.send("5")
	assert.Contains(t, body(fx), "*2/3* "+f.text("survey_q_staff"))
	fx = f.send("⭐⭐⭐")
	assert.Contains(t, body(fx), "*3/3* "+f.text("survey_q_overall"))
	fx = f.sendIn(Inbound{Body: "Good", Button: "4"})
	assert.Equal(t, f.text("survey_comment_ask"), body(fx))
	assert.Empty(t, fx.Callbacks, "nothing is posted before the survey ends")

	f.advance(10 * 60 * 1e9)
	fx = f.send("The wait was long but   the doctor was kind.\nThank you")
	require.Len(t, fx.Callbacks, 1)
	assert.Equal(t, Callback{
		Hospital: "abc", URL: testCallback, ReminderID: "rem_fb", Kind: KindFeedback,
		Ratings: map[string]int{"doctor": 5, "staff": 3, "overall": 4},
		Comment: "The wait was long but the doctor was kind.\nThank you", At: f.env.Now,
	}, fx.Callbacks[0])
	assert.Contains(t, body(fx), f.text("survey_thanks", "hospital", "ABC Hospital"))
	assert.Equal(t, stepMenu, f.s.Step)
	assert.Nil(t, f.s.Reply)
}

func TestFeedbackSkipComment(t *testing.T) {
	for _, skip := range []string{"skip", "SKIP", "No", "नहीं"} {
		f := newFixture(t, allCaps)
		toSurvey(len(surveyQuestions))(f)
		fx := f.send(skip)
		require.Len(t, fx.Callbacks, 1, skip)
		assert.Empty(t, fx.Callbacks[0].Comment, skip)
		assert.Equal(t, map[string]int{"doctor": 4, "staff": 4, "overall": 4}, fx.Callbacks[0].Ratings)
	}
}

func TestFeedbackBadAnswers(t *testing.T) {
	f := newFixture(t, allCaps)
	toSurvey(1)(f)
	for _, bad := range []string{"6", "-1", "great", "⭐⭐⭐⭐⭐⭐", "3.5"} {
		fx := f.send(bad)
		assert.Equal(t, f.text("survey_invalid")+"\n\n*2/3* "+f.text("survey_q_staff")+"\n"+strings.SplitN(f.text("survey_question"), "\n", 2)[1],
			body(fx), "%q", bad)
		assert.Equal(t, stepSurvey(1), f.s.Step)
	}
	fx := f.send("0")
	assert.Equal(t, stepSurvey(0), f.s.Step, "0 goes back a question")
	assert.Contains(t, body(fx), f.text("survey_q_doctor"))
	f.send("2")
	f.send("2")
	f.send("2")
	fx = f.sendMedia("", Media{URL: "https://m.example/1", ContentType: "image/jpeg"})
	assert.Contains(t, body(fx), f.text("survey_comment_invalid"), "a comment is typed")
	fx = f.send(strings.Repeat("long ", 400))
	require.Len(t, fx.Callbacks, 1)
	assert.Equal(t, map[string]int{"doctor": 2, "staff": 2, "overall": 2}, fx.Callbacks[0].Ratings, "the answer given again replaces the first")
	assert.Len(t, []rune(fx.Callbacks[0].Comment), maxComment)
}

func TestFeedbackExpires(t *testing.T) {
	f := newFixture(t, allCaps)
	toSurvey(2)(f)
	f.advance(replyWindow)
	fx := f.send("5")
	assert.Empty(t, fx.Callbacks)
	assert.Equal(t, f.text("survey_expired", "start", "hi abc"), body(fx))
	assert.False(t, f.s.Open())
}

func TestFeedbackExitAbandons(t *testing.T) {
	f := newFixture(t, allCaps)
	toSurvey(2)(f)
	fx := f.send("exit")
	assert.Empty(t, fx.Callbacks, "an unfinished survey posts nothing")
	assert.Nil(t, f.s.Reply)
	assert.Equal(t, []string{"rem_fb@1"}, f.s.Reminded)
}

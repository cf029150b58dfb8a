package flow

import (
	"strings"
	"unicode/utf8"
)

// A feedback reminder runs a short survey: each question rated 1 (poor)
// to 5 (excellent), then an optional comment (`skip` leaves none). `0`
// goes back a question. The ratings and the comment go to the EMR's
// callback together, keyed by the question's name.

// surveyQuestions are the survey's questions in order: the catalog key of
// the wording and the name the callback uses for the rating.
var surveyQuestions = []struct{ key, name string }{
	{"survey_q_doctor", "doctor"},
	{"survey_q_staff", "staff"},
	{"survey_q_overall", "overall"},
}

const stepSurveyComment StepID = "survey.comment"

// maxComment bounds the comment kept (in characters); longer ones are cut.
const maxComment = 1000

// stepSurvey is the step of the i-th question (from 0).
func stepSurvey(i int) StepID { return StepID("survey." + itoa(i+1)) }

// addFeedbackSteps adds the survey's steps to the flow table.
func addFeedbackSteps(m map[StepID]*Step) {
	for i := range surveyQuestions {
		st := &Step{Prompt: promptSurvey(i), Read: readSurvey(i), Reminder: true}
		if i > 0 {
			st.Back = to(stepSurvey(i - 1))
		}
		m[stepSurvey(i)] = st
	}
	m[stepSurveyComment] = &Step{Prompt: promptComment, Read: readComment, Back: to(stepSurvey(len(surveyQuestions) - 1)), Reminder: true}
}

// surveyQuestion writes the i-th question with its number and scale.
func surveyQuestion(t *turn, i int) string {
	return t.text("survey_question", "n", itoa(i+1), "total", itoa(len(surveyQuestions)), "question", t.text(surveyQuestions[i].key))
}

func promptSurvey(i int) func(*turn) {
	return func(t *turn) { t.sayRaw(surveyQuestion(t, i)) }
}

func readSurvey(i int) func(*turn, Inbound) {
	return func(t *turn, in Inbound) {
		r := t.s.Reply
		if r == nil {
			t.close()
			t.say("how_to_start", "start", t.startHint())
			return
		}
		n, ok := rating(in)
		if !ok {
			t.retry("survey_invalid")
			return
		}
		r.Ratings = append(r.Ratings[:min(i, len(r.Ratings))], n)
		if i+1 < len(surveyQuestions) {
			t.show(stepSurvey(i + 1))
			return
		}
		t.show(stepSurveyComment)
	}
}

// rating reads 1 to 5 from a button payload or the text: a number, or as
// many stars.
func rating(in Inbound) (int, bool) {
	for _, s := range []string{in.Button, in.Body} {
		if n, ok := number(s); ok && n >= 1 && n <= 5 {
			return n, true
		}
		if f := commandForm(s); f != "" && strings.Trim(f, "⭐★ ") == "" {
			if n := utf8.RuneCountInString(strings.ReplaceAll(f, " ", "")); n <= 5 {
				return n, true
			}
		}
	}
	return 0, false
}

func promptComment(t *turn) { t.say("survey_comment_ask") }

// skipWords leave the comment out.
var skipWords = map[string]bool{"skip": true, "no": true, "none": true, "nothing": true, "नहीं": true, "छोड़ें": true, "nahi": true}

func readComment(t *turn, in Inbound) {
	r := t.s.Reply
	if r == nil {
		t.close()
		t.say("how_to_start", "start", t.startHint())
		return
	}
	cb := Callback{Ratings: make(map[string]int, len(r.Ratings))}
	for i, n := range r.Ratings {
		if i < len(surveyQuestions) {
			cb.Ratings[surveyQuestions[i].name] = n
		}
	}
	switch {
	case skipWords[commandForm(in.Body)]:
	case strings.TrimSpace(in.Body) == "":
		t.retry("survey_comment_invalid")
		return
	default:
		cb.Comment = truncate(in.Body, maxComment)
	}
	t.say("survey_thanks", "hospital", t.h.Config.Name)
	t.answered(cb)
}

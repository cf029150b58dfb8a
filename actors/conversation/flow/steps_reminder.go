package flow

// An appointment reminder asks the patient to confirm or cancel: `1` or
// `2`, the words, or the quick-reply buttons of the hospital's
// appointment_reminder template (payloads `confirm` and `cancel`). The
// answer goes to the EMR's callback; the EMR decides what a cancellation
// does (frontdesk does not cancel through the EMR adapter itself).

const stepReplyConfirm StepID = "reply.confirm"

// confirmWords and cancelWords are the answers taken besides 1 and 2, in
// commandForm (lower case, no surrounding punctuation). Button payloads
// are among them.
var (
	confirmWords = map[string]bool{
		"confirm": true, "confirmed": true, "yes": true, "y": true, "ok": true, "okay": true, "i will come": true,
		"हाँ": true, "हां": true, "haan": true, "han": true, "पुष्टि": true, "आऊँगा": true, "आऊंगा": true, "आऊँगी": true, "आऊंगी": true,
	}
	cancelWords = map[string]bool{
		"cancel": true, "cancelled": true, "no": true, "n": true, "can't come": true, "cannot come": true,
		"नहीं": true, "nahi": true, "nahin": true, "रद्द": true, "रद्द करें": true, "कैंसल": true,
	}
)

func promptReplyConfirm(t *turn) { t.say("reply_confirm_ask") }

func readReplyConfirm(t *turn, in Inbound) {
	if t.s.Reply == nil {
		t.close()
		t.say("how_to_start", "start", t.startHint())
		return
	}
	switch confirmAnswer(in) {
	case AnswerConfirmed:
		t.say("reply_confirmed")
		t.answered(Callback{Answer: AnswerConfirmed})
	case AnswerCancelled:
		t.say("reply_cancelled", "hospital", t.h.Config.Name)
		t.answered(Callback{Answer: AnswerCancelled})
	default:
		t.retry("reply_invalid")
	}
}

// confirmAnswer reads confirm or cancel from a button payload, then from
// the text; "" when the message is neither.
func confirmAnswer(in Inbound) string {
	for _, s := range []string{in.Button, in.Body} {
		form := commandForm(s)
		n, isNumber := number(s)
		switch {
		case form == "":
			continue
		case isNumber && n == 1, confirmWords[form]:
			return AnswerConfirmed
		case isNumber && n == 2, cancelWords[form]:
			return AnswerCancelled
		}
	}
	return ""
}

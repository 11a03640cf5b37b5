package cards

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"
)

// Dialog field names.
const (
	DialogReason = "reason"
	// A question's field is "q<i>"; a single-choice question also has a
	// free-text "q<i>_other".
	dialogQuestionPrefix = "q"
	dialogOtherSuffix    = "_other"
)

// Mattermost's limits on dialog text (model.DialogTitleMaxLength, …).
const (
	maxDialogTitle    = model.DialogTitleMaxLength
	maxDialogName     = model.DialogElementDisplayNameMaxLength
	maxDialogHelp     = model.DialogElementHelpTextMaxLength
	maxDialogTextarea = model.DialogElementTextareaMaxLength
)

// fitBytes shortens s to at most n bytes (Mattermost counts dialog text
// in bytes), marking a cut with an ellipsis.
func fitBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := max(0, n-len("…"))
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// DialogState joins the ids a dialog's submission needs.
func DialogState(sessionID, requestID string) string { return sessionID + ":" + requestID }

// ParseDialogState splits a dialog's state; session ids have no ':'.
func ParseDialogState(state string) (sessionID, requestID string, ok bool) {
	sessionID, requestID, ok = strings.Cut(state, ":")
	return sessionID, requestID, ok && sessionID != "" && requestID != ""
}

// DenyDialog asks why a request is denied ("Deny with reason…"), or what
// should change in a plan ("Request changes…").
func DenyDialog(a ApprovalProps) model.Dialog {
	d := model.Dialog{
		CallbackId:  "deny",
		Title:       "Deny with reason",
		SubmitLabel: "Deny",
		State:       DialogState(a.SessionID, a.RequestID),
		Elements: []model.DialogElement{{
			DisplayName: "Reason", Name: DialogReason, Type: "textarea", MaxLength: 2000,
			Placeholder: "What should Claude do instead?",
			HelpText:    fitBytes(oneLine("Claude is told no, with your reason: "+a.ToolName+" · "+Summary(a)), maxDialogHelp),
		}},
	}
	if a.IsPlan() {
		d.Title = "Request changes"
		d.SubmitLabel = "Send to Claude"
		d.Elements[0].DisplayName = "What should change?"
		d.Elements[0].Placeholder = "Claude revises the plan with your notes."
		d.Elements[0].HelpText = ""
	}
	return d
}

// QuestionField is the dialog field of question i.
func QuestionField(i int) string { return dialogQuestionPrefix + strconv.Itoa(i) }

// QuestionOtherField is the free-text field of single-choice question i.
func QuestionOtherField(i int) string { return QuestionField(i) + dialogOtherSuffix }

// QuestionDialog is the Answer… dialog: per question, a radio list of its
// options and a free-text field (single choice), or a text field for
// comma-separated labels (multiple choice). With otherOnly (the Other…
// button of a single question) it is one free-text field.
func QuestionDialog(q QuestionProps, otherOnly bool) model.Dialog {
	d := model.Dialog{
		CallbackId:  "answer",
		Title:       "Answer Claude",
		SubmitLabel: "Answer",
		State:       DialogState(q.SessionID, q.RequestID),
	}
	label := func(i int, qq Question) string {
		if h := strings.TrimSpace(qq.Header); h != "" {
			return fitBytes(oneLine(h), maxDialogName)
		}
		if len(q.Questions) == 1 {
			return "Your answer"
		}
		return "Question " + strconv.Itoa(i+1)
	}
	help := func(qq Question) string { return fitBytes(oneLine(qq.Question), maxDialogHelp) }
	if otherOnly && len(q.Questions) > 0 {
		qq := q.Questions[0]
		d.IntroductionText = Truncate(qq.Question, 2000)
		d.Elements = []model.DialogElement{{
			DisplayName: label(0, qq), Name: QuestionField(0), Type: "textarea", MaxLength: maxDialogTextarea,
			Placeholder: "Your own answer",
		}}
		return d
	}
	for i, qq := range q.Questions {
		switch {
		case qq.MultiSelect:
			var labels []string
			for _, o := range qq.Options {
				labels = append(labels, o.Label)
			}
			d.Elements = append(d.Elements, model.DialogElement{
				DisplayName: label(i, qq), Name: QuestionField(i), Type: "textarea", MaxLength: maxDialogTextarea,
				Placeholder: fitBytes("comma-separated: "+strings.Join(labels, ", "), maxDialogTextarea),
				HelpText:    help(qq),
			})
		case len(qq.Options) == 0:
			d.Elements = append(d.Elements, model.DialogElement{
				DisplayName: label(i, qq), Name: QuestionField(i), Type: "textarea", MaxLength: maxDialogTextarea,
				HelpText: help(qq),
			})
		default:
			var opts []*model.PostActionOptions
			for _, o := range qq.Options {
				text := o.Label
				if o.Description != "" {
					text += " — " + o.Description
				}
				opts = append(opts, &model.PostActionOptions{Text: fitBytes(oneLine(text), 150), Value: o.Label})
			}
			d.Elements = append(d.Elements,
				model.DialogElement{
					DisplayName: label(i, qq), Name: QuestionField(i), Type: "radio", Options: opts, Optional: true,
					HelpText: help(qq),
				},
				model.DialogElement{
					DisplayName: "Or your own answer", Name: QuestionOtherField(i), Type: "text", SubType: "text",
					MaxLength: model.DialogElementTextMaxLength, Optional: true,
				})
		}
	}
	d.IntroductionText = "Claude asks:"
	for _, qq := range q.Questions {
		d.IntroductionText += "\n- " + Truncate(oneLine(qq.Question), 500)
	}
	return d
}

// DialogAnswers reads a submitted Answer… (or Other…) dialog: the answer
// per question index, and a message per field left empty.
func DialogAnswers(q QuestionProps, submission map[string]any) (answers map[int]string, missing map[string]string) {
	str := func(k string) string {
		s, _ := submission[k].(string)
		return strings.TrimSpace(s)
	}
	answers, missing = map[int]string{}, map[string]string{}
	for i, qq := range q.Questions {
		a := str(QuestionOtherField(i))
		if a == "" {
			a = str(QuestionField(i))
		}
		if qq.MultiSelect {
			var parts []string
			for _, p := range strings.Split(a, ",") {
				if p = strings.TrimSpace(p); p != "" {
					parts = append(parts, p)
				}
			}
			a = strings.Join(parts, ", ")
		}
		if a == "" {
			missing[QuestionField(i)] = "Please answer this question."
			continue
		}
		answers[i] = a
	}
	return answers, missing
}

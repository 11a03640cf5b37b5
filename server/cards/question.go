package cards

import (
	"strconv"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
)

// QuestionOption is one answer Claude offers.
type QuestionOption struct {
	Label       string `json:"label"`
	Description string `json:"description"`
}

// Question is one question of an AskUserQuestion call.
type Question struct {
	Question    string           `json:"question"`
	Header      string           `json:"header"`
	MultiSelect bool             `json:"multiSelect"`
	Options     []QuestionOption `json:"options"`
}

// QuestionProps is props.claude_question on a question card.
type QuestionProps struct {
	SessionID  string            `json:"session_id"`
	RequestID  string            `json:"request_id"`
	Questions  []Question        `json:"questions"`
	Status     string            `json:"status"` // QuestionPending, QuestionAnswered, QuestionExpired
	Answers    map[string]string `json:"answers"`
	AnsweredBy string            `json:"answered_by"` // username
	AnsweredAt int64             `json:"answered_at"` // unix ms, 0 while pending
	// ExpiredAfter says how long the card waited ("30 minutes") once expired.
	ExpiredAfter string `json:"expired_after,omitempty"`
	// Terminal and Resolution: as on an approval card.
	Terminal   bool   `json:"terminal,omitempty"`
	Resolution string `json:"resolution,omitempty"`
	// SessionEnded: the session ended before anyone answered; the card was
	// closed (status expired, reason says why).
	SessionEnded bool   `json:"session_ended,omitempty"`
	Reason       string `json:"reason,omitempty"`
	// WaitingFor names who may answer while it is pending (usernames).
	WaitingFor []string `json:"waiting_for,omitempty"`
}

// OptionButtons tells whether the card answers with one button per option
// (a single single-choice question) rather than an Answer… dialog.
func (q QuestionProps) OptionButtons() bool {
	return len(q.Questions) == 1 && !q.Questions[0].MultiSelect && len(q.Questions[0].Options) > 0
}

// NewQuestionPost builds a question card as a reply in the session thread.
func NewQuestionPost(botID, channelID, rootID string, q QuestionProps) *model.Post {
	post := &model.Post{UserId: botID, ChannelId: channelID, RootId: rootID}
	ApplyQuestion(post, q)
	return post
}

// maxButtonLabel bounds an option's button label.
const maxButtonLabel = 60

// ApplyQuestion writes the card into post: message, props, and the answer
// buttons while pending.
func ApplyQuestion(post *model.Post, q QuestionProps) {
	post.Type = string(PostTypeQuestion)
	post.Message = QuestionMessage(q)
	if q.Answers == nil {
		q.Answers = map[string]string{}
	}
	post.AddProp(string(PropQuestion), propValue(q))
	if q.Status != QuestionPending {
		post.DelProp(string(PropAttachments))
		return
	}
	button := func(id, contextAction, name, style string) *model.PostAction {
		return &model.PostAction{
			Id: id, Type: model.PostActionTypeButton, Name: name, Style: style,
			Integration: &model.PostActionIntegration{
				URL: QuestionActionURL,
				Context: map[string]any{
					ContextAction: contextAction, ContextSessionID: q.SessionID, ContextRequestID: q.RequestID,
				},
			},
		}
	}
	var actions []*model.PostAction
	if q.OptionButtons() {
		for i, o := range q.Questions[0].Options {
			n := strconv.Itoa(i)
			actions = append(actions, button(ActionOptionPrefix+n, ContextOptionPrefix+n, Truncate(oneLine(o.Label), maxButtonLabel), "primary"))
		}
		actions = append(actions, button(ActionOther, ActionOther, "Other…", "default"))
	} else {
		actions = append(actions, button(ActionAnswer, ActionAnswer, "Answer…", "primary"))
	}
	post.AddProp(string(PropAttachments), []*model.SlackAttachment{{Fallback: "Claude has a question", Actions: actions}})
}

// QuestionMessage is the question card's markdown.
func QuestionMessage(q QuestionProps) string {
	var b strings.Builder
	if len(q.Questions) == 1 {
		b.WriteString("**Claude has a question**")
	} else {
		b.WriteString("**Claude has " + strconv.Itoa(len(q.Questions)) + " questions**")
	}
	for _, qq := range q.Questions {
		b.WriteString("\n\n")
		if qq.Header != "" {
			b.WriteString("**" + Truncate(oneLine(qq.Header), 100) + "** · ")
		}
		b.WriteString(Truncate(oneLine(qq.Question), 2000))
		if qq.MultiSelect {
			b.WriteString(" _(choose any)_")
		}
		for i, o := range qq.Options {
			b.WriteString("\n" + strconv.Itoa(i+1) + ". **" + Truncate(oneLine(o.Label), 200) + "**")
			if o.Description != "" {
				b.WriteString(" — " + Truncate(oneLine(o.Description), 500))
			}
		}
	}
	switch {
	case q.SessionEnded:
		b.WriteString("\n\n⏹️ " + q.Reason)
	case q.Status == QuestionAnswered:
		b.WriteString("\n\n✅ Answered by @" + q.AnsweredBy)
		for _, qq := range q.Questions {
			if a, ok := q.Answers[qq.Question]; ok {
				label := qq.Header
				if label == "" {
					label = qq.Question
				}
				b.WriteString("\n- " + Truncate(oneLine(label), 200) + ": **" + Truncate(oneLine(a), 2000) + "**")
			}
		}
	case q.Status == QuestionExpired:
		b.WriteString("\n\n⏱️ Expired — nobody answered within " + q.ExpiredAfter)
	case q.Status == QuestionResolved:
		b.WriteString("\n\n" + resolvedFooter(q.Resolution, q.ExpiredAfter))
	default:
		what := "answer"
		if q.OptionButtons() {
			what = "pick an answer (Other… to write another)"
		} else if len(q.Questions) > 1 {
			what = "answer (Answer… opens a form)"
		}
		b.WriteString("\n\n" + waitingLine(q.WaitingFor, what, answerInPanel))
		if q.Terminal {
			b.WriteString("\n" + terminalPendingNote)
		}
	}
	return Truncate(b.String(), MaxMessageRunes)
}

// QuestionSummary is one line for lists: the first question.
func QuestionSummary(q QuestionProps) string {
	if len(q.Questions) == 0 {
		return "Question"
	}
	return Truncate(oneLine(q.Questions[0].Question), 200)
}

package approvals

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/inbox"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// Errors of questions.
var (
	ErrQuestionNotFound = errors.New("no such question")
	ErrAlreadyAnswered  = errors.New("this question has already been answered")
)

// InvalidAnswer says what is wrong with an answer (the caller answers 400,
// or shows it in the dialog).
type InvalidAnswer struct {
	Question string // the question text ("" for the whole answer)
	Msg      string
}

func (e *InvalidAnswer) Error() string { return e.Msg }

// MaxAnswerRunes bounds one answer.
const MaxAnswerRunes = 10_000

// Question is the stored question: the card's props plus bookkeeping.
// Answers are kept as written (the card shows them redacted).
type Question struct {
	cards.QuestionProps
	Raw          []cards.Question  `json:"raw_questions"` // as the agent sent them
	RawAnswers   map[string]string `json:"raw_answers,omitempty"`
	PostID       string            `json:"post_id"`
	AnsweredByID string            `json:"answered_by_id,omitempty"`
	CreatedAt    int64             `json:"created_at"`
}

func questionKey(sessionID, requestID string) string {
	return "question/" + sessionID + "/" + requestID
}

// GetQuestion loads a question.
func (s *Service) GetQuestion(sessionID, requestID string) (*Question, error) {
	var q Question
	found, err := kvstore.GetJSON(s.kv, questionKey(sessionID, requestID), &q)
	if err != nil {
		return nil, fmt.Errorf("load question %s/%s: %w", sessionID, requestID, err)
	}
	if !found {
		return nil, ErrQuestionNotFound
	}
	return &q, nil
}

// Ask records Claude's question and posts its card. A second call with the
// same request id returns the existing question and posts nothing more.
// terminal: Claude Code asks in the terminal too.
func (s *Service) Ask(sess *sessions.Session, requestID string, questions []cards.Question, terminal bool) (*Question, error) {
	if cur, err := s.sessions.Get(sess.ID); err == nil && cur.Ended() {
		if q, err := s.GetQuestion(sess.ID, requestID); err == nil && q.PostID != "" {
			return q, nil // a repeat of a question asked before the end
		}
		return nil, sessions.ErrEnded
	}
	shown := make([]cards.Question, len(questions))
	for i, q := range questions {
		q.Question = s.sessions.Redact(q.Question)
		q.Header = s.sessions.Redact(q.Header)
		opts := make([]cards.QuestionOption, len(q.Options))
		for j, o := range q.Options {
			opts[j] = cards.QuestionOption{Label: s.sessions.Redact(o.Label), Description: s.sessions.Redact(o.Description)}
		}
		q.Options = opts
		shown[i] = q
	}
	fresh := &Question{
		QuestionProps: cards.QuestionProps{
			SessionID: sess.ID, RequestID: requestID, Questions: shown,
			Status: cards.QuestionPending, Answers: map[string]string{}, Terminal: terminal,
			WaitingFor: sess.ParticipantNames(),
		},
		Raw:       questions,
		CreatedAt: s.clock.Now().UnixMilli(),
	}
	key := questionKey(sess.ID, requestID)
	isNew := false
	q, err := kvstore.Update(s.kv, key, 0, func(cur *Question) (*Question, error) {
		isNew = cur == nil
		if cur != nil {
			return nil, nil
		}
		return fresh, nil
	})
	if err != nil {
		return nil, fmt.Errorf("store question: %w", err)
	}
	if isNew {
		ref := PendingRef{SessionID: sess.ID, RequestID: requestID, CreatedAt: fresh.CreatedAt, Kind: KindQuestion}
		if err := s.setPending(ref, true); err != nil {
			return nil, err
		}
	}
	if q.PostID != "" {
		return q, nil
	}
	props := q.QuestionProps
	postID, made, err := kvstore.Once(s.kv, cardKey(KindQuestion, sess.ID, requestID), 0, func() ([]byte, error) {
		created, appErr := s.api.CreatePost(cards.NewQuestionPost(s.botID, sess.ChannelID, sess.RootID, props))
		if appErr != nil {
			return nil, fmt.Errorf("create question card: %w", appErr)
		}
		return []byte(created.Id), nil
	})
	if err != nil {
		return nil, err
	}
	q, err = kvstore.Update(s.kv, key, 0, func(cur *Question) (*Question, error) {
		if cur == nil {
			return nil, ErrQuestionNotFound
		}
		if cur.PostID == string(postID) {
			return nil, nil
		}
		cur.PostID = string(postID)
		return cur, nil
	})
	if err != nil {
		return nil, fmt.Errorf("link question card %s: %w", postID, err)
	}
	if q.Status != cards.QuestionPending {
		// Answered (or expired, or closed) between the post and its link.
		if err := s.updateQuestionCard(q); err != nil {
			s.log.Warn("Question answered but its new card was not updated", "session_id", sess.ID, "request_id", requestID, "err", err)
		}
	}
	if made {
		s.sessions.RefreshParticipants(sess, cards.RefreshApprovals)
	}
	return q, nil
}

// CheckAnswers checks answers against the question: every question
// answered (keys are the question texts as Claude wrote them, or as the
// card shows them), nothing
// else, no answer empty or too long. Answers are trimmed.
func CheckAnswers(q *Question, answers map[string]string) (map[string]string, error) {
	out := map[string]string{}
	used := 0
	for i, qq := range q.Raw {
		a, ok := answers[qq.Question]
		if !ok && i < len(q.Questions) {
			// The card's props show the question redacted.
			a, ok = answers[q.Questions[i].Question]
		}
		if ok {
			used++
		}
		a = strings.TrimSpace(a)
		if !ok || a == "" {
			return nil, &InvalidAnswer{Question: qq.Question, Msg: "no answer for the question " + cards.Code(cards.Truncate(qq.Question, 200))}
		}
		if len([]rune(a)) > MaxAnswerRunes {
			return nil, &InvalidAnswer{Question: qq.Question, Msg: fmt.Sprintf("an answer is longer than %d characters", MaxAnswerRunes)}
		}
		out[qq.Question] = a
	}
	if len(answers) != used {
		return nil, &InvalidAnswer{Msg: "the answers name a question Claude did not ask"}
	}
	return out, nil
}

// Answer records a participant's answers if the question is still pending
// (first answer wins), queues the answer event and updates the card. With
// ErrAlreadyAnswered it also returns the question as answered.
func (s *Service) Answer(sess *sessions.Session, requestID string, answers map[string]string, by *model.User) (*Question, error) {
	if !sess.IsParticipant(by.Id) {
		return nil, ErrNotParticipant
	}
	key := questionKey(sess.ID, requestID)
	var answered *Question
	for attempt := 0; answered == nil; attempt++ {
		if attempt == 20 {
			return nil, fmt.Errorf("answer %s: %w", key, kvstore.ErrConflict)
		}
		raw, err := s.kv.Get(key)
		if err != nil {
			return nil, fmt.Errorf("load question: %w", err)
		}
		if raw == nil {
			return nil, ErrQuestionNotFound
		}
		var q Question
		if err := json.Unmarshal(raw, &q); err != nil {
			return nil, fmt.Errorf("decode question %s: %w", key, err)
		}
		if q.Status != cards.QuestionPending {
			return &q, ErrAlreadyAnswered
		}
		if sess.Ended() {
			if _, err := s.closeOne(sess, PendingRef{SessionID: sess.ID, RequestID: requestID, Kind: KindQuestion}); err != nil {
				s.log.Warn("Cannot close a question of an ended session", "key", key, "err", err)
			}
			s.sessions.RefreshParticipants(sess, cards.RefreshApprovals)
			closed, _ := s.GetQuestion(sess.ID, requestID)
			return closed, ErrSessionEnded
		}
		clean, err := CheckAnswers(&q, answers)
		if err != nil {
			return nil, err
		}
		q.Status = cards.QuestionAnswered
		q.RawAnswers = clean
		q.Answers = map[string]string{}
		for i, qq := range q.Raw {
			// The card's props name questions as the card shows them.
			q.Answers[q.Questions[i].Question] = s.sessions.Redact(clean[qq.Question])
		}
		q.AnsweredBy = by.Username
		q.AnsweredByID = by.Id
		q.AnsweredAt = s.clock.Now().UnixMilli()
		next, err := json.Marshal(&q)
		if err != nil {
			return nil, fmt.Errorf("encode question: %w", err)
		}
		ok, err := s.kv.CompareAndSet(key, raw, next, 0)
		if err != nil {
			return nil, fmt.Errorf("record answer: %w", err)
		}
		if ok {
			answered = &q
		} else if attempt > 1 {
			time.Sleep(time.Duration(attempt) * time.Millisecond)
		}
	}
	s.sessions.Touch(sess)
	if err := s.setPending(PendingRef{SessionID: sess.ID, RequestID: requestID, Kind: KindQuestion}, false); err != nil {
		s.log.Warn("Question answered but still indexed as pending", "key", key, "err", err)
	}
	var qerr error
	for range 3 {
		payload := inbox.AnswerPayload{RequestID: requestID, Answers: answered.RawAnswers, By: inbox.UserRef{ID: by.Id, Username: by.Username}}
		if _, qerr = s.inbox.Enqueue(sess.MachineID, inbox.TypeAnswer, sess.ID, payload); qerr == nil {
			break
		}
	}
	if qerr != nil {
		return answered, fmt.Errorf("queue answer %s: %w", key, qerr)
	}
	s.finishQuestion(sess, answered)
	return answered, nil
}

// finishQuestion updates the card and the participants' panels.
func (s *Service) finishQuestion(sess *sessions.Session, q *Question) {
	if err := s.updateQuestionCard(q); err != nil && !errors.Is(err, errNoCard) {
		s.log.Warn("Question answered but the card was not updated", "session_id", sess.ID, "request_id", q.RequestID, "err", err)
	}
	s.sessions.RefreshParticipants(sess, cards.RefreshApprovals)
}

// expireQuestion marks a question nobody answered in time as expired and
// tells the agent with a deny decision for its request id (the agent then
// denies AskUserQuestion, as for an expired approval).
func (s *Service) expireQuestion(ref PendingRef, after time.Duration) (bool, error) {
	sess, err := s.sessions.Get(ref.SessionID)
	if errors.Is(err, sessions.ErrNotFound) {
		return false, s.setPending(ref, false)
	}
	if err != nil {
		return false, err
	}
	key := questionKey(ref.SessionID, ref.RequestID)
	expired := false
	q, err := kvstore.Update(s.kv, key, 0, func(cur *Question) (*Question, error) {
		expired = false
		if cur == nil || cur.Status != cards.QuestionPending {
			return nil, nil
		}
		cur.Status = cards.QuestionExpired
		cur.AnsweredAt = s.clock.Now().UnixMilli()
		cur.ExpiredAfter = cards.Duration(after)
		leftToTerminal(cur.Terminal, &cur.Status, &cur.Resolution)
		expired = true
		return cur, nil
	})
	if err != nil {
		return false, fmt.Errorf("expire %s: %w", key, err)
	}
	if err := s.setPending(ref, false); err != nil || !expired {
		return false, err
	}
	var qerr error
	for range 3 {
		payload := inbox.DecisionPayload{RequestID: ref.RequestID, Decision: Deny, Reason: TimedOutReason}
		if _, qerr = s.inbox.Enqueue(sess.MachineID, inbox.TypeDecision, sess.ID, payload); qerr == nil {
			break
		}
	}
	if qerr != nil {
		return true, fmt.Errorf("queue expiry of %s: %w", key, qerr)
	}
	s.finishQuestion(sess, q)
	return true, nil
}

func (s *Service) updateQuestionCard(q *Question) error {
	if q.PostID == "" {
		return errNoCard
	}
	post, appErr := s.api.GetPost(q.PostID)
	if appErr != nil {
		return fmt.Errorf("load question card %s: %w", q.PostID, appErr)
	}
	cards.ApplyQuestion(post, q.QuestionProps)
	if _, appErr := s.api.UpdatePost(post); appErr != nil {
		return fmt.Errorf("update question card %s: %w", q.PostID, appErr)
	}
	return nil
}

// QuestionCardMatches tells whether post is the bot's question card for
// sessionID/requestID.
func (s *Service) QuestionCardMatches(post *model.Post, sessionID, requestID string) bool {
	if post == nil || post.UserId != s.botID || post.Type != string(cards.PostTypeQuestion) {
		return false
	}
	var p cards.QuestionProps
	if !cards.ReadProp(post.GetProps(), cards.PropQuestion, &p) {
		return false
	}
	return p.SessionID == sessionID && p.RequestID == requestID
}

// PendingItem is one request waiting for a person (GET /me/approvals).
type PendingItem struct {
	SessionID string `json:"session_id"`
	RequestID string `json:"request_id"`
	Kind      string `json:"kind"` // KindApproval, KindPlan, KindQuestion
	ToolName  string `json:"tool_name"`
	Summary   string `json:"summary"`
	PostID    string `json:"post_id"`
	ChannelID string `json:"channel_id"`
	CreatedAt int64  `json:"created_at"`
}

// PendingFor lists the requests still pending in sessions where userID is
// a participant, oldest first. It reads the pending index, not the store.
func (s *Service) PendingFor(userID string) ([]PendingItem, error) {
	refs, err := s.Pending()
	if err != nil {
		return nil, err
	}
	out := []PendingItem{}
	sessionsSeen := map[string]*sessions.Session{}
	for _, ref := range refs {
		sess, ok := sessionsSeen[ref.SessionID]
		if !ok {
			sess, err = s.sessions.Get(ref.SessionID)
			if err != nil && !errors.Is(err, sessions.ErrNotFound) {
				return nil, err
			}
			sessionsSeen[ref.SessionID] = sess
		}
		if sess == nil || !sess.IsParticipant(userID) {
			continue
		}
		item := PendingItem{SessionID: ref.SessionID, RequestID: ref.RequestID, ChannelID: sess.ChannelID, CreatedAt: ref.CreatedAt}
		if ref.IsQuestion() {
			q, err := s.GetQuestion(ref.SessionID, ref.RequestID)
			if err != nil || q.Status != cards.QuestionPending || q.PostID == "" {
				continue
			}
			item.Kind, item.ToolName, item.Summary, item.PostID = KindQuestion, "AskUserQuestion", cards.QuestionSummary(q.QuestionProps), q.PostID
		} else {
			a, err := s.Get(ref.SessionID, ref.RequestID)
			if err != nil || a.Status != cards.ApprovalPending || a.PostID == "" {
				continue
			}
			item.Kind = KindApproval
			if a.IsPlan() {
				item.Kind = KindPlan
			}
			item.ToolName, item.Summary, item.PostID = a.ToolName, cards.Summary(a.ApprovalProps), a.PostID
		}
		out = append(out, item)
	}
	return out, nil
}

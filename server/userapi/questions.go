package userapi

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/approvals"
	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/httpx"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// questionView is a question as the webapp gets it: the card's props,
// its post and when it was asked.
type questionView struct {
	cards.QuestionProps
	PostID       string `json:"post_id"`
	AnsweredByID string `json:"answered_by_id,omitempty"`
	CreatedAt    int64  `json:"created_at"`
}

func viewQuestion(q *approvals.Question) *questionView {
	if q == nil {
		return nil
	}
	return &questionView{QuestionProps: q.QuestionProps, PostID: q.PostID, AnsweredByID: q.AnsweredByID, CreatedAt: q.CreatedAt}
}

// questionButton reads a question button's context.action: an option
// ("opt_<i>", or the id "opt<i>"), "other" or "answer".
func questionButton(action string) (option int, kind string, ok bool) {
	switch action {
	case cards.ActionOther, cards.ActionAnswer:
		return -1, action, true
	}
	digits, found := strings.CutPrefix(action, cards.ContextOptionPrefix)
	if !found {
		digits, found = strings.CutPrefix(action, cards.ActionOptionPrefix)
	}
	if !found || digits == "" || len(digits) > 3 {
		return 0, "", false
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 0 || strconv.Itoa(n) != digits {
		return 0, "", false
	}
	return n, "option", true
}

func questionRefusal(err error, q *approvals.Question) string {
	switch {
	case errors.Is(err, approvals.ErrAlreadyAnswered), errors.Is(err, approvals.ErrSessionEnded):
		return alreadyAnswered(q)
	case errors.Is(err, approvals.ErrNotParticipant):
		return "Only the people in this Claude session can answer its questions."
	case errors.Is(err, sessions.ErrNotFound), errors.Is(err, approvals.ErrQuestionNotFound):
		return "This question no longer exists."
	}
	var bad *approvals.InvalidAnswer
	if errors.As(err, &bad) {
		return "That answer does not fit the question: " + bad.Msg + "."
	}
	return "Something went wrong recording your answer. Please try again."
}

func alreadyAnswered(q *approvals.Question) string {
	if q != nil && q.SessionEnded {
		return sessionEnded(q.Reason)
	}
	if q != nil && q.Status == cards.QuestionExpired {
		return "This question expired: nobody answered in time."
	}
	if q != nil && q.Status == cards.QuestionResolved {
		return cards.ResolvedRefusal(q.Resolution)
	}
	if q != nil && q.AnsweredBy != "" {
		return "This question was already answered by @" + q.AnsweredBy + "."
	}
	return "This question has already been answered."
}

// questionAction is the question card's buttons: an option answers at
// once; Other… and Answer… open a dialog.
func (h *handler) questionAction(w http.ResponseWriter, r *http.Request) {
	refuse := refuser(w, r, "Question click refused")
	req, ok := decodeClick(w, r)
	if !ok {
		return
	}
	option, kind, known := questionButton(ctxString(req.Context, cards.ContextAction))
	sessionID := ctxString(req.Context, cards.ContextSessionID)
	requestID := ctxString(req.Context, cards.ContextRequestID)
	if !known || !validID(sessionID) || !validID(requestID) || !validID(req.PostID) || len(req.TriggerID) > maxTriggerIDLen {
		httpx.Fail(w, r, httpx.Invalid("post_id and context.action (opt_<i>, other or answer), context.session_id and context.request_id are required"))
		return
	}
	r = httpx.AddLogFields(r, "session_id", sessionID, "request_id", requestID, "post_id", req.PostID)
	post, appErr := h.API.GetPost(req.PostID)
	if appErr != nil || !h.Approvals.QuestionCardMatches(post, sessionID, requestID) {
		refuse("This button does not belong to a Claude question card.", appErr)
		return
	}
	q, err := awaitCard(post.Id, func() (*approvals.Question, string, error) {
		q, err := h.Approvals.GetQuestion(sessionID, requestID)
		if err != nil {
			return nil, "", err
		}
		return q, q.PostID, nil
	})
	if err != nil {
		refuse("This question no longer exists.", err)
		return
	}
	sess, err := h.Sessions.Get(sessionID)
	if err != nil {
		refuse("This question no longer exists.", err)
		return
	}
	uid := userID(r.Context())
	switch {
	case !sess.IsParticipant(uid):
		refuse(questionRefusal(approvals.ErrNotParticipant, q), nil)
		return
	case q.Status != cards.QuestionPending:
		refuse(alreadyAnswered(q), nil)
		return
	case sess.Ended() && kind != "option":
		refuse(sessionEnded(sessions.EndNote(sess)), nil)
		return
	}
	if kind == "option" {
		if !q.OptionButtons() || option >= len(q.Raw[0].Options) {
			refuse("This button does not belong to this question.", nil)
			return
		}
		answers := map[string]string{q.Raw[0].Question: q.Raw[0].Options[option].Label}
		got, err := h.answerAs(uid, sess, requestID, answers)
		if err != nil {
			refuse(questionRefusal(err, got), err)
			return
		}
		httpx.Logger(r.Context()).Info("Question answered", "option", option)
		httpx.WriteJSON(w, http.StatusOK, map[string]any{})
		return
	}
	if req.TriggerID == "" {
		refuse("This app cannot open a dialog here: answer on the card in the web or desktop app.", nil)
		return
	}
	dialog := cards.QuestionDialog(q.QuestionProps, kind == cards.ActionOther && q.OptionButtons())
	if appErr := h.API.OpenInteractiveDialog(model.OpenDialogRequest{TriggerId: req.TriggerID, URL: cards.AnswerDialogURL, Dialog: dialog}); appErr != nil {
		refuse("The dialog could not be opened (it may have taken too long). Please click again.", appErr)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{})
}

func (h *handler) answerAs(uid string, sess *sessions.Session, requestID string, answers map[string]string) (*approvals.Question, error) {
	user, appErr := h.API.GetUser(uid)
	if appErr != nil {
		return nil, appErr
	}
	return h.Approvals.Answer(sess, requestID, answers, user)
}

// answerDialog is the submission of the Answer… / Other… dialog.
func (h *handler) answerDialog(w http.ResponseWriter, r *http.Request) {
	d, sessionID, requestID, ok := readDialog(w, r)
	if !ok {
		return
	}
	r = httpx.AddLogFields(r, "session_id", sessionID, "request_id", requestID)
	if d.Cancelled {
		httpx.WriteJSON(w, http.StatusOK, map[string]any{})
		return
	}
	sess, err := h.Sessions.Get(sessionID)
	if err != nil {
		dialogError(w, r, questionRefusal(err, nil), err)
		return
	}
	q, err := h.Approvals.GetQuestion(sessionID, requestID)
	if err != nil {
		dialogError(w, r, questionRefusal(err, nil), err)
		return
	}
	byIndex, missing := cards.DialogAnswers(q.QuestionProps, d.Submission)
	if len(missing) > 0 {
		httpx.WriteJSON(w, http.StatusOK, model.SubmitDialogResponse{Errors: missing})
		return
	}
	answers := map[string]string{}
	for i, a := range byIndex {
		answers[q.Raw[i].Question] = a
	}
	got, err := h.answerAs(userID(r.Context()), sess, requestID, answers)
	if err != nil {
		dialogError(w, r, questionRefusal(err, got), err)
		return
	}
	httpx.Logger(r.Context()).Info("Question answered in a dialog")
	httpx.WriteJSON(w, http.StatusOK, map[string]any{})
}

// answer is the webapp's route: {"answers": {"<question>": "<answer>"}}.
func (h *handler) answer(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	sessionID, requestID := vars["session_id"], vars["request_id"]
	r = httpx.AddLogFields(r, "session_id", sessionID, "request_id", requestID)
	if !validID(sessionID) || !validID(requestID) {
		httpx.Fail(w, r, httpx.Invalid("session and request ids must be 1 to %d characters", maxIDLen))
		return
	}
	var req struct {
		Answers map[string]string `json:"answers"`
	}
	if err := httpx.DecodeJSON(w, r, &req); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	if len(req.Answers) == 0 {
		httpx.Fail(w, r, httpx.Invalid(`field "answers" is required: {"<question>": "<answer>"}`))
		return
	}
	sess, err := h.Sessions.Get(sessionID)
	if errors.Is(err, sessions.ErrNotFound) {
		httpx.Error(w, r, http.StatusNotFound, "unknown session", err)
		return
	}
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	q, err := h.answerAs(userID(r.Context()), sess, requestID, req.Answers)
	var bad *approvals.InvalidAnswer
	switch {
	case err == nil:
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"question": viewQuestion(q)})
	case errors.Is(err, approvals.ErrSessionEnded), errors.Is(err, approvals.ErrAlreadyAnswered) && q != nil && q.SessionEnded:
		httpx.ErrorWith(w, r, http.StatusConflict, "the session has ended; this question can no longer be answered", err, map[string]any{"question": viewQuestion(q)})
	case errors.Is(err, approvals.ErrAlreadyAnswered):
		httpx.ErrorWith(w, r, http.StatusConflict, "this question has already been answered", err, map[string]any{"question": viewQuestion(q)})
	case errors.Is(err, approvals.ErrNotParticipant):
		httpx.Error(w, r, http.StatusForbidden, "only the session's participants can answer", err)
	case errors.Is(err, approvals.ErrQuestionNotFound):
		httpx.Error(w, r, http.StatusNotFound, "unknown question", err)
	case errors.As(err, &bad):
		httpx.Fail(w, r, httpx.Invalid("%s", bad.Msg))
	default:
		httpx.Fail(w, r, err)
	}
}

package plugin

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/agentapi"
	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/config"
)

// clusterIterations: how many times each race is run (each on fresh nodes).
const clusterIterations = 20

// serve is h.do for another goroutine: no testing calls.
func (h *harness) serve(method, path, token, userID, idemKey string, body []byte) response {
	r := httptest.NewRequest(method, path, bytes.NewReader(body))
	if token != "" {
		r.Header.Set(agentapi.TokenHeader, token)
	}
	if userID != "" {
		r.Header.Set("Mattermost-User-Id", userID)
	}
	if idemKey != "" {
		r.Header.Set("Idempotency-Key", idemKey)
	}
	w := httptest.NewRecorder()
	h.app.Router.ServeHTTP(w, r)
	return response{Code: w.Code, Header: w.Header(), Body: w.Body.Bytes()}
}

// race runs each call at the same moment (a barrier, then all at once)
// and returns their results in order.
func race(calls ...func() response) []response {
	out := make([]response, len(calls))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, call := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = call()
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// TestTwoNodesMakeEveryPostOnce: two nodes on one database handle the same
// first report at the same moment (a retry that reached another node while
// the first attempt was still at work, with the same key or a new one):
// every kind of output makes its post exactly once, and both answers name
// that post.
func TestTwoNodesMakeEveryPostOnce(t *testing.T) {
	kinds := []struct {
		name     string
		route    string // "" = output
		body     string
		postType string // "" = a plain bot reply
	}{
		{"text", "", `{"kind":"text","message_id":"m1","text":"Hello world, this is the first report ","done":false}`, string(cards.PostTypeText)},
		{"finished text", "", `{"kind":"text","message_id":"m1","text":"Hello world.","done":true}`, string(cards.PostTypeText)},
		{"todo panel", "", `{"kind":"todo","todos":[{"content":"Write tests","status":"in_progress","activeForm":"Writing tests"}]}`, string(cards.PostTypeTodo)},
		{"applied diff", "", `{"kind":"diff","tool_use_id":"tu1","file_path":"/src/a.go","diff":"--- a/a.go\n+++ b/a.go\n-x\n+y\n","language":"go","added":1,"removed":1}`, string(cards.PostTypeDiff)},
		{"tool output", "", `{"kind":"tool_output","tool_use_id":"tu2","tool_name":"Bash","summary":"ls","output":"a\nb\n","is_error":false}`, string(cards.PostTypeToolOutput)},
		{"approval", "", `{"kind":"approval","request_id":"r1","tool_name":"Bash","input":{"command":"ls"}}`, string(cards.PostTypeApproval)},
		{"question", "", `{"kind":"question","request_id":"q1","questions":[{"question":"Which?","header":"","multiSelect":false,"options":[{"label":"A","description":""},{"label":"B","description":""}]}]}`, string(cards.PostTypeQuestion)},
		{"notice", "", `{"kind":"notice","text":"Agent restarted — session resumed."}`, ""},
		{"file", "files?name=a.txt", `file bytes`, ""},
	}
	for _, k := range kinds {
		for _, sameKey := range []bool{true, false} {
			name := k.name + ", a retry with the same key"
			if !sameKey {
				if k.postType == "" {
					continue // a notice or file with a new key is a new request
				}
				name = k.name + ", a second report with a new key"
			}
			t.Run(name, func(t *testing.T) {
				for i := range clusterIterations {
					a := newHarness(t)
					tok, _ := a.pair(aliceID, "laptop")
					sess := a.startSession(aliceID, "@claude hi")
					b := a.node()
					a.api.SetCreateDelay(5 * time.Millisecond) // the requests overlap
					route := "output"
					if k.route != "" {
						route = k.route
					}
					path := "/api/v1/agent/sessions/" + sess.ID + "/" + route
					before := len(a.api.Posts())
					keys := []string{"key-1", "key-1"}
					if !sameKey {
						keys[1] = "key-2"
					}
					res := race(
						func() response { return a.serve("POST", path, tok, "", keys[0], []byte(k.body)) },
						func() response { return b.serve("POST", path, tok, "", keys[1], []byte(k.body)) },
					)
					for _, r := range res {
						if r.Code != 200 {
							t.Fatalf("iteration %d: %d %s", i, r.Code, r.Body)
						}
					}
					if res[0].JSON(t)["post_id"] != res[1].JSON(t)["post_id"] {
						t.Fatalf("iteration %d: the nodes answered different posts: %s %s", i, res[0].Body, res[1].Body)
					}
					var made []string
					for _, p := range a.api.Posts()[before:] {
						if p.UserId == botID && p.Type == k.postType {
							made = append(made, p.Message)
						}
					}
					if len(made) != 1 {
						t.Fatalf("iteration %d: %d posts: %q", i, len(made), made)
					}
				}
			})
		}
	}
}

// TestTwoNodesDecideOnce: clicks on two nodes at the same moment record one
// decision, queue one event, and the card names the winner; the lifetime
// job run on both nodes at once ends an idle session and expires an
// approval once.
func TestTwoNodesDecideOnce(t *testing.T) {
	t.Run("approve on one node and deny on the other", func(t *testing.T) {
		for i := range clusterIterations {
			a := newHarness(t)
			tok, _ := a.pair(aliceID, "laptop")
			sess := a.startSession(aliceID, "@claude hi")
			a.command(aliceID, sess.RootID, "/claude invite @bob")
			card := a.requestApproval(tok, sess, "r1")
			_, cursor := a.events(tok, 0)
			b := a.node()
			click := func(h *harness, user, action string) func() response {
				body, _ := json.Marshal(clickBody(card, sess.ID, "r1", action))
				return func() response { return h.serve("POST", "/api/v1/actions/approval", "", user, "", body) }
			}
			res := race(click(a, aliceID, "approve"), click(b, bobID, "deny"))
			refused := 0
			for _, r := range res {
				if r.Code != 200 {
					t.Fatalf("%d %s", r.Code, r.Body)
				}
				if strings.Contains(string(r.Body), "ephemeral_text") {
					refused++
				}
			}
			evs := a.newEvents(tok, &cursor)
			if refused != 1 || len(evs) != 1 || evs[0].Type != "decision" {
				t.Fatalf("iteration %d: %d refused, events %+v", i, refused, evs)
			}
			p := approvalProps(t, a, card.Id)
			if want := map[string]string{"approve": "approved", "deny": "denied"}[evs[0].Payload["decision"].(string)]; p.Status != want {
				t.Fatalf("iteration %d: card %s, event %v", i, p.Status, evs[0].Payload)
			}
		}
	})
	t.Run("replies handled on two nodes at once reach the agent once each, in their own seqs", func(t *testing.T) {
		for i := range clusterIterations {
			a := newHarness(t)
			tok, _ := a.pair(aliceID, "laptop")
			sess := a.startSession(aliceID, "@claude hi")
			_, cursor := a.events(tok, 0)
			b := a.node()
			reply := func(h *harness, text string) func() response {
				p, _ := h.api.CreatePost(&model.Post{UserId: aliceID, ChannelId: channelID, RootId: sess.RootID, Message: text})
				return func() response { h.app.HandlePost(p); return response{} }
			}
			race(reply(a, "one"), reply(b, "two"), reply(a, "three"), reply(b, "four"))
			// The agent polls the other node too: the queue is the database's.
			evs := b.newEvents(tok, &cursor)
			seen := map[string]int{}
			seqs := map[int64]bool{}
			for _, e := range evs {
				if e.Type == "message" {
					seen[e.Payload["text"].(string)]++
				}
				seqs[e.Seq] = true
			}
			if len(evs) != 4 || len(seqs) != 4 || seen["one"] != 1 || seen["two"] != 1 || seen["three"] != 1 || seen["four"] != 1 {
				t.Fatalf("iteration %d: events %+v", i, evs)
			}
		}
	})
	t.Run("the lifetime job on both nodes at once ends an idle session and expires an approval once", func(t *testing.T) {
		for i := range clusterIterations {
			a := newHarness(t)
			a.configure(func(c *config.Config) { c.IdleTimeoutMinutes = 10; c.ApprovalTimeoutMinutes = 5 })
			tok, _ := a.pair(aliceID, "laptop")
			idle := a.startSession(aliceID, "@claude idle")
			waiting := a.startSession(aliceID, "@claude waiting")
			a.requestApproval(tok, waiting, "r1")
			_, cursor := a.events(tok, 0)
			b := a.node()
			a.clock.Advance(6 * time.Minute)
			a.output(tok, waiting.ID, map[string]any{"kind": "status", "status": "waiting"}) // still active
			a.clock.Advance(5 * time.Minute)
			race(func() response { a.app.Lifetime.Run(); return response{} }, func() response { b.app.Lifetime.Run(); return response{} })
			var stops, denies int
			for _, e := range a.newEvents(tok, &cursor) {
				switch {
				case e.Type == "stop" && e.SessionID == idle.ID:
					stops++
				case e.Type == "decision" && e.SessionID == waiting.ID:
					denies++
				}
			}
			if stops != 1 || denies != 1 || len(a.botReplies(idle.RootID)) != 1 {
				t.Fatalf("iteration %d: %d stops, %d denies, replies %q", i, stops, denies, a.botReplies(idle.RootID))
			}
		}
	})
}

package plugin

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/machines"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
	"github.com/claude-mattermost/claude-mattermost/server/threads"
)

// What a new user meets in the first minutes: the request acknowledged,
// the bot a member where it posts, a session waiting for an offline
// machine saying so, cards that say what they wait for, edits and deletes
// answered, replies in order; and the loose ends (approve all, invited
// sessions, the prompt on the header, a decision before a card is linked,
// deactivation).

func TestRequestIsAcknowledged(t *testing.T) {
	t.Run("a mention gets a reaction and a reply in its thread linking to the session thread", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		mention := h.post(aliceID, "", "@claude fix the flaky test")
		sess, err := h.app.Sessions.ByThread(h.api.PostsOfType(string(cards.PostTypeSession))[0].Id)
		if err != nil {
			t.Fatal(err)
		}
		reactions := h.api.Reactions()
		if len(reactions) != 1 || reactions[0].PostId != mention.Id || reactions[0].UserId != botID || reactions[0].EmojiName != threads.AckEmoji {
			t.Fatalf("reactions %+v", reactions)
		}
		replies := h.botReplies(mention.Id)
		if len(replies) != 1 || !strings.Contains(replies[0], "/_redirect/pl/"+sess.RootID) || !strings.Contains(replies[0], "`laptop`") {
			t.Fatalf("replies in the request's thread %q", replies)
		}
	})
	t.Run("a direct message to the bot is acknowledged the same way", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		dm := h.postIn(aliceID, dmID, "", "fix the flaky test")
		if n := len(h.api.Reactions()); n != 1 {
			t.Fatalf("%d reactions", n)
		}
		if len(h.botReplies(dm.Id)) != 1 {
			t.Fatal("no reply in the DM post's thread")
		}
	})
	t.Run("a refused request is answered, not acknowledged", func(t *testing.T) {
		h := newHarness(t) // no machine
		h.post(aliceID, "", "@claude fix it")
		if len(h.api.Reactions()) != 0 || !strings.Contains(h.lastEphemeral(aliceID), "/claude connect") {
			t.Fatalf("reactions %v, ephemeral %q", h.api.Reactions(), h.lastEphemeral(aliceID))
		}
	})
	t.Run("a reply in the request's thread is pointed to the session thread and reaches nobody", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		mention := h.post(aliceID, "", "@claude fix the flaky test")
		_, cursor := h.events(tok, 0)
		sessionsBefore := len(h.api.PostsOfType(string(cards.PostTypeSession)))
		for _, text := range []string{"and the other one", "@claude and the other one"} {
			h.post(aliceID, mention.Id, text)
			if !strings.Contains(h.lastEphemeral(aliceID), "Claude does not read this thread") {
				t.Fatalf("%q: ephemeral %q", text, h.lastEphemeral(aliceID))
			}
		}
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 || len(h.api.PostsOfType(string(cards.PostTypeSession))) != sessionsBefore {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("/claude new answers with a link to the thread", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		out := h.command(aliceID, "", "/claude new fix it")
		header := h.api.PostsOfType(string(cards.PostTypeSession))[0]
		if !strings.Contains(out, "/_redirect/pl/"+header.Id) {
			t.Fatalf("answer %q", out)
		}
	})
}

func TestBotIsAMemberWhereItPosts(t *testing.T) {
	t.Run("a session in a channel makes the bot a member of it (and of its team) first", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		if h.api.IsMember(channelID, botID) {
			t.Fatal("the bot is a member already")
		}
		h.startSession(aliceID, "@claude fix it")
		if !h.api.IsMember(channelID, botID) {
			t.Fatal("the bot posted in a channel it is not a member of")
		}
	})
	t.Run("so does a private channel", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		h.api.AddChannel("private0000000000000000000", teamID, "secret", model.ChannelTypePrivate, aliceID)
		h.postIn(aliceID, "private0000000000000000000", "", "@claude fix it")
		if len(h.api.PostsOfType(string(cards.PostTypeSession))) != 1 || !h.api.IsMember("private0000000000000000000", botID) {
			t.Fatal("no session, or the bot is not a member")
		}
	})
	t.Run("a mention in a direct or group message between others is refused: the bot cannot join it", func(t *testing.T) {
		for _, typ := range []model.ChannelType{model.ChannelTypeDirect, model.ChannelTypeGroup} {
			h := newHarness(t)
			h.pair(aliceID, "laptop")
			h.api.AddChannel("others0000000000000000000", "", model.GetDMNameFromIds(aliceID, bobID), typ, aliceID, bobID)
			h.postIn(aliceID, "others0000000000000000000", "", "@claude fix it")
			if len(h.api.PostsOfType(string(cards.PostTypeSession))) != 0 || !strings.Contains(h.lastEphemeral(aliceID), "not in a direct or group message between other people") {
				t.Fatalf("%s: ephemeral %q", typ, h.lastEphemeral(aliceID))
			}
		}
	})
	t.Run("a channel the bot cannot join is refused", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		h.api.AddChannel("noteam00000000000000000000", "goneteam000000000000000000", "lost", model.ChannelTypeOpen, aliceID)
		h.postIn(aliceID, "noteam00000000000000000000", "", "@claude fix it")
		if len(h.api.PostsOfType(string(cards.PostTypeSession))) != 0 || !strings.Contains(h.lastEphemeral(aliceID), "could not join this channel") {
			t.Fatalf("ephemeral %q", h.lastEphemeral(aliceID))
		}
	})
	t.Run("a reply in a session the bot never joined makes it join", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude fix it")
		h.api.RemoveMember(channelID, botID) // a session from before the bot joined
		h.restart()
		h.post(aliceID, sess.RootID, "and more")
		if !h.api.IsMember(channelID, botID) {
			t.Fatal("the bot did not join")
		}
	})
}

func TestSessionWaitsForAnOfflineMachine(t *testing.T) {
	t.Run("the header says who it waits for to everyone; the start keeps its place; the agent's report moves it on", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop") // never connected
		sess := h.startSession(aliceID, "@claude fix it")
		header := h.header(sess)
		if !strings.Contains(header.Message, "⏳ **Waiting for `laptop`** (not connected yet)") || !h.sessionProps(sess).WaitingForMachine {
			t.Fatalf("header %q", header.Message)
		}
		evs, _ := h.events(tok, 0)
		if len(evs) != 1 || evs[0].Type != "start" {
			t.Fatalf("events %+v", evs)
		}
		if res := h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "starting"}); res.Code != 200 {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		if header := h.header(sess); strings.Contains(header.Message, "Waiting for `laptop`") || h.sessionProps(sess).WaitingForMachine {
			t.Fatalf("still waiting: %q", header.Message)
		}
	})
	t.Run("a machine seen before says since when", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		h.events(tok, 0) // the agent polls once: seen now
		seen := h.clock.Now()
		h.clock.Advance(machines.OnlineWindow + time.Minute)
		sess := h.startSession(aliceID, "@claude fix it")
		want := "(offline since " + seen.UTC().Format("2 Jan 15:04 MST") + ")"
		if header := h.header(sess); !strings.Contains(header.Message, want) {
			t.Fatalf("header %q, want %q", header.Message, want)
		}
	})
	t.Run("an online machine's session does not say it waits", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		h.events(tok, 0)
		sess := h.startSession(aliceID, "@claude fix it")
		if header := h.header(sess); strings.Contains(header.Message, "Waiting for") {
			t.Fatalf("header %q", header.Message)
		}
	})
	t.Run("a resume on an offline machine waits too", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		h.events(tok, 0)
		sess := h.startSession(aliceID, "@claude fix it")
		h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "ended"})
		h.clock.Advance(machines.OnlineWindow + time.Minute)
		h.post(aliceID, sess.RootID, "once more")
		if header := h.header(sess); !strings.Contains(header.Message, "Waiting for `laptop`") {
			t.Fatalf("header %q", header.Message)
		}
	})
}

func TestHeaderShowsThePrompt(t *testing.T) {
	t.Run("redacted, in the props and the message", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude deploy with token "+secret+" please")
		p := h.sessionProps(sess)
		if p.Prompt != "deploy with token [redacted] please" || !strings.Contains(h.header(sess).Message, "> deploy with token [redacted] please") {
			t.Fatalf("prompt %q, message %q", p.Prompt, h.header(sess).Message)
		}
	})
	t.Run("cut to fit: a long prompt, and one of many short lines", func(t *testing.T) {
		for _, prompt := range []string{strings.Repeat("word ", 3_200), strings.Repeat("x\n", 5000) + "end"} {
			h := newHarness(t)
			h.pair(aliceID, "laptop")
			sess := h.startSession(aliceID, "@claude "+prompt)
			p, msg := h.sessionProps(sess), h.header(sess).Message
			if n := utf8.RuneCountInString(p.Prompt); n > cards.MaxPromptRunes || n == 0 {
				t.Errorf("props prompt has %d runes", n)
			}
			if n := utf8.RuneCountInString(msg); n > cards.MaxMessageRunes || !strings.Contains(msg, "…") {
				t.Errorf("message has %d runes, cut marked: %v", n, strings.Contains(msg, "…"))
			}
		}
	})
}

func TestPendingCardsSayWhatTheyWaitFor(t *testing.T) {
	waiting := func(msg string) string {
		for _, l := range strings.Split(msg, "\n") {
			if strings.HasPrefix(l, "⏳ **Waiting for") {
				return l
			}
		}
		return ""
	}
	t.Run("approval, plan, question and guest cards name who may answer, and where", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		approval := h.card(tok, sess.ID, editApproval("r1"))
		plan := h.card(tok, sess.ID, planApproval("p1"))
		question := h.card(tok, sess.ID, questionOutput("q1"))
		h.post(carolID, sess.RootID, "can I add something?")
		guest := h.api.PostsOfType(string(cards.PostTypeGuest))[0]
		for name, want := range map[*model.Post]string{
			approval: "⏳ **Waiting for @alice** to approve or deny it — with the buttons below (in the mobile apps too), or in the Claude Code panel",
			plan:     "⏳ **Waiting for @alice** to approve the plan or request changes — with the buttons below",
			question: "⏳ **Waiting for @alice** to pick an answer (Other… to write another) — with the buttons below",
			guest:    "⏳ **Waiting for @alice** to allow it once, invite @carol to the session, or deny it — with the buttons below (in the mobile apps too).",
		} {
			if !strings.HasPrefix(waiting(name.Message), want) {
				t.Errorf("%s: %q", name.Type, name.Message)
			}
		}
		// Inviting bob: every pending card names him too; kicking him takes him off again.
		h.post(aliceID, sess.RootID, "!invite @bob")
		for _, p := range []*model.Post{approval, plan, question, guest} {
			now, _ := h.api.GetPost(p.Id)
			if !strings.Contains(waiting(now.Message), "@alice or @bob") {
				t.Errorf("%s after the invite: %q", p.Type, now.Message)
			}
		}
		h.post(aliceID, sess.RootID, "!kick @bob")
		for _, p := range []*model.Post{approval, guest} {
			now, _ := h.api.GetPost(p.Id)
			if l := waiting(now.Message); strings.Contains(l, "@bob") || !strings.Contains(l, "@alice") {
				t.Errorf("%s after the kick: %q", p.Type, now.Message)
			}
		}
		if errs := h.errorLogs(); len(errs) != 0 {
			t.Fatalf("error logs %+v", errs)
		}
	})
	t.Run("a decided card says who decided and waits for nobody", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		card := h.card(tok, sess.ID, editApproval("r1"))
		h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: aliceID, body: clickBody(card, sess.ID, "r1", "deny")})
		now, _ := h.api.GetPost(card.Id)
		if waiting(now.Message) != "" || !strings.Contains(now.Message, "❌ Denied by @alice") {
			t.Fatalf("message %q", now.Message)
		}
	})
}

func TestEditsAndDeletesOfRepliesAreAnswered(t *testing.T) {
	edited := func(p *model.Post, message string) *model.Post {
		n := p.Clone()
		n.Message = message
		return n
	}
	t.Run("an edit of a reply Claude has tells its author, and sends nothing", func(t *testing.T) {
		h, tok, sess, cursor := richSetup(t)
		reply := h.post(aliceID, sess.RootID, "use postgres")
		h.newEvents(tok, &cursor)
		h.app.HandleEdited(edited(reply, "use mysql"), reply)
		if !strings.Contains(h.lastEphemeral(aliceID), "Claude already has this message as you first sent it") {
			t.Fatalf("ephemeral %q", h.lastEphemeral(aliceID))
		}
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("a delete of it too", func(t *testing.T) {
		h, _, sess, _ := richSetup(t)
		reply := h.post(aliceID, sess.RootID, "use postgres")
		h.api.DeletePost(reply.Id)
		h.app.HandleDeleted(reply)
		if !strings.Contains(h.lastEphemeral(aliceID), "Claude already read the message you deleted") {
			t.Fatalf("ephemeral %q", h.lastEphemeral(aliceID))
		}
	})
	t.Run("a command, and a guest's held message, say what they are", func(t *testing.T) {
		h, _, sess, _ := richSetup(t)
		cmd := h.post(aliceID, sess.RootID, "!cost")
		h.app.HandleEdited(edited(cmd, "!context"), cmd)
		if !strings.Contains(h.lastEphemeral(aliceID), "This command already ran") {
			t.Fatalf("ephemeral %q", h.lastEphemeral(aliceID))
		}
		guest := h.post(carolID, sess.RootID, "may I?")
		h.app.HandleEdited(edited(guest, "may I please?"), guest)
		if !strings.Contains(h.lastEphemeral(carolID), "shows it as you first wrote it") {
			t.Fatalf("ephemeral %q", h.lastEphemeral(carolID))
		}
	})
	t.Run("what never reached Claude, and a change that is not an edit, say nothing", func(t *testing.T) {
		h, _, sess, _ := richSetup(t)
		before := len(h.api.Ephemeral())
		side := h.post(aliceID, sess.RootID, "@bob what do you think?")
		h.app.HandleEdited(edited(side, "@bob thoughts?"), side)
		reply := h.post(aliceID, sess.RootID, "use postgres")
		pinned := reply.Clone()
		pinned.IsPinned = true
		h.app.HandleEdited(pinned, reply)
		other := h.post(aliceID, "", "just chatting")
		h.app.HandleDeleted(other)
		if n := len(h.api.Ephemeral()) - before; n != 0 {
			t.Fatalf("%d ephemeral posts: %q", n, h.lastEphemeral(aliceID))
		}
	})
}

// messageTexts is the text of each message event, in queue order.
func messageTexts(evs []event, sessionID string) []string {
	var out []string
	for _, e := range evs {
		if e.Type == "message" && e.SessionID == sessionID {
			text, _ := e.Payload["text"].(string)
			out = append(out, text)
		}
	}
	return out
}

func TestRepliesReachClaudeInOrder(t *testing.T) {
	t.Run("hooks that run late or out of order still queue the replies as posted, each once", func(t *testing.T) {
		h, tok, sess, cursor := richSetup(t)
		var posts []*model.Post
		for i := 1; i <= 3; i++ {
			p, appErr := h.api.CreatePost(&model.Post{UserId: aliceID, ChannelId: channelID, RootId: sess.RootID, Message: fmt.Sprintf("reply %d", i)})
			if appErr != nil {
				t.Fatal(appErr)
			}
			posts = append(posts, p)
		}
		for _, i := range []int{0, 2, 1} { // as Mattermost's hook goroutines may run them
			h.app.HandlePost(posts[i])
		}
		if got := messageTexts(h.newEvents(tok, &cursor), sess.ID); strings.Join(got, ",") != "reply 1,reply 2,reply 3" {
			t.Fatalf("order %q", got)
		}
		if errs := h.errorLogs(); len(errs) != 0 {
			t.Fatalf("error logs %+v", errs)
		}
	})
	t.Run("many quick replies in several threads, hooks on two nodes at once in any order", func(t *testing.T) {
		h := newHarness(t)
		other := h.node()
		tok, _ := h.pair(aliceID, "laptop")
		var list []*sessions.Session
		for i := range 3 {
			list = append(list, h.startSession(aliceID, fmt.Sprintf("@claude session %d", i)))
		}
		_, cursor := h.events(tok, 0)
		const n = 25
		var posts []*model.Post
		for i := range n {
			for _, sess := range list {
				p, appErr := h.api.CreatePost(&model.Post{UserId: aliceID, ChannelId: channelID, RootId: sess.RootID, Message: fmt.Sprintf("%s/%02d", sess.ID, i)})
				if appErr != nil {
					t.Fatal(appErr)
				}
				posts = append(posts, p)
			}
		}
		rand.Shuffle(len(posts), func(i, j int) { posts[i], posts[j] = posts[j], posts[i] })
		var wg sync.WaitGroup
		for i, p := range posts {
			node := h.app
			if i%2 == 1 {
				node = other.app
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				node.HandlePost(p)
			}()
		}
		wg.Wait()
		var evs []event
		for {
			page := h.newEvents(tok, &cursor)
			if len(page) == 0 {
				break
			}
			evs = append(evs, page...)
		}
		for _, sess := range list {
			got := messageTexts(evs, sess.ID)
			var want []string
			for i := range n {
				want = append(want, fmt.Sprintf("%s/%02d", sess.ID, i))
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("session %s got\n%v", sess.ID, got)
			}
		}
		if errs := append(h.errorLogs(), other.errorLogs()...); len(errs) != 0 {
			t.Fatalf("error logs %+v", errs)
		}
	})
	t.Run("a stop then a reply: the reply resumes the stopped session, in that order", func(t *testing.T) {
		h, tok, sess, cursor := richSetup(t)
		stop, _ := h.api.CreatePost(&model.Post{UserId: aliceID, ChannelId: channelID, RootId: sess.RootID, Message: "!stop"})
		again, _ := h.api.CreatePost(&model.Post{UserId: aliceID, ChannelId: channelID, RootId: sess.RootID, Message: "carry on"})
		h.app.HandlePost(again)
		h.app.HandlePost(stop)
		var types []string
		for _, e := range h.newEvents(tok, &cursor) {
			types = append(types, e.Type)
		}
		if strings.Join(types, ",") != "stop,start" {
			t.Fatalf("events %v", types)
		}
	})
}

func TestApproveAllApprovesThePendingCards(t *testing.T) {
	t.Run("every other pending approval of the session is approved once, its card updated; plans and questions wait", func(t *testing.T) {
		h, tok, sess, cursor := richSetup(t)
		r1 := h.card(tok, sess.ID, editApproval("r1"))
		r2 := h.requestApproval(tok, sess, "r2")
		plan := h.card(tok, sess.ID, planApproval("p1"))
		question := h.card(tok, sess.ID, questionOutput("q1"))
		other := h.startSession(aliceID, "@claude another session")
		r3 := h.requestApproval(tok, other, "r3")
		_, cursor = h.events(tok, cursor)
		res := h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: aliceID, body: clickBody(r1, sess.ID, "r1", "approve_all")})
		if res.Code != 200 {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		var decisions []string
		for _, e := range h.newEvents(tok, &cursor) {
			decisions = append(decisions, fmt.Sprintf("%s:%v:%v", e.Payload["request_id"], e.Payload["decision"], e.Payload["approve_all"]))
		}
		if strings.Join(decisions, " ") != "r1:approve:true r2:approve:<nil>" {
			t.Fatalf("decisions %v", decisions)
		}
		card := approvalProps(t, h, r2.Id)
		now, _ := h.api.GetPost(r2.Id)
		if card.Status != "approved" || !card.ApproveAll || card.DecidedBy != "alice" || now.GetProp("attachments") != nil ||
			!strings.Contains(now.Message, "✅ Approved by @alice, with everything else in this session (approve all)") {
			t.Fatalf("r2 card %+v %q", card, now.Message)
		}
		for _, p := range []*model.Post{plan, r3} {
			if a := approvalProps(t, h, p.Id); a.Status != "pending" {
				t.Errorf("%s is %s", a.RequestID, a.Status)
			}
		}
		if q, _ := h.app.Approvals.GetQuestion(sess.ID, "q1"); q.Status != "pending" || question.GetProp("attachments") == nil {
			t.Errorf("question %s", q.Status)
		}
		// r2 is decided: a late click on it decides nothing more.
		late := h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/approvals/r2/decide", userID: aliceID, body: map[string]any{"decision": "deny"}})
		if late.Code != 409 || len(h.newEvents(tok, &cursor)) != 0 {
			t.Fatalf("late decide %d", late.Code)
		}
	})
	t.Run("two Approve all at once on two nodes deliver each decision once", func(t *testing.T) {
		for range 10 {
			h, tok, sess, cursor := richSetup(t)
			other := h.node()
			var list []*model.Post
			for i := range 4 {
				list = append(list, h.requestApproval(tok, sess, fmt.Sprintf("r%d", i)))
			}
			_, cursor = h.events(tok, cursor)
			var wg sync.WaitGroup
			for i, node := range []*harness{h, other} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					id := fmt.Sprintf("r%d", i)
					node.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/approvals/" + id + "/decide", userID: aliceID, body: map[string]any{"decision": "approve_all"}})
				}()
			}
			wg.Wait()
			seen := map[string]int{}
			for _, e := range h.newEvents(tok, &cursor) {
				seen[e.Payload["request_id"].(string)]++
			}
			for i := range list {
				if id := fmt.Sprintf("r%d", i); seen[id] != 1 {
					t.Fatalf("%s delivered %d times: %v", id, seen[id], seen)
				}
			}
		}
	})
}

func TestInvitedSessionsAreListed(t *testing.T) {
	h := newHarness(t)
	h.pair(aliceID, "laptop")
	h.pair(bobID, "desk")
	sess := h.startSession(aliceID, "@claude fix the login page")
	h.startSession(bobID, "@claude bob's own work")
	h.post(aliceID, sess.RootID, "!invite @bob")

	out := h.command(bobID, "", "/claude sessions")
	if !strings.Contains(out, "fix the login page](") || !strings.Contains(out, "_invited by @alice_") || !strings.Contains(out, "bob's own work") {
		t.Fatalf("/claude sessions:\n%s", out)
	}
	res := h.do(req{method: "GET", path: "/api/v1/me/sessions", userID: bobID})
	var list []map[string]any
	if err := json.Unmarshal(res.Body, &list); err != nil || len(list) != 2 {
		t.Fatalf("%s", res.Body)
	}
	if list[0]["invited"] != false || list[1]["id"] != sess.ID || list[1]["invited"] != true || list[1]["owner_username"] != "alice" {
		t.Fatalf("sessions %v", list)
	}
	if own := h.command(aliceID, "", "/claude sessions"); strings.Contains(own, "invited by") {
		t.Fatalf("alice's own session marked invited:\n%s", own)
	}
	h.post(aliceID, sess.RootID, "!kick @bob")
	if out := h.command(bobID, "", "/claude sessions"); strings.Contains(out, "fix the login page") {
		t.Fatalf("a kicked participant still lists it:\n%s", out)
	}
}

func TestADecisionBeforeTheCardIsLinkedUpdatesTheCard(t *testing.T) {
	// Between the card's post and its link to the record, a person can
	// already answer it (the webapp sees the post over the websocket).
	// answerOnPost answers the first card of type typ from another request
	// made the moment the card is posted, before the plugin links it to its
	// record (the webapp routes do not wait for the link; a button click
	// does). It returns the function that waits for that request.
	answerOnPost := func(h *harness, typ string, async bool, answer func(p *model.Post)) (wait func()) {
		var once sync.Once
		var wg sync.WaitGroup
		wg.Add(1)
		h.api.AfterCreatePost(func(p *model.Post) {
			if p.Type != typ {
				return
			}
			once.Do(func() {
				run := func() {
					defer wg.Done()
					answer(p)
				}
				if async {
					go run()
				} else {
					run()
				}
			})
		})
		return wg.Wait
	}
	t.Run("an approval decided by the webapp route", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		var code int
		wait := answerOnPost(h, string(cards.PostTypeApproval), false, func(*model.Post) {
			code = h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/approvals/r1/decide", userID: aliceID, body: map[string]any{"decision": "approve"}}).Code
		})
		card := h.requestApproval(tok, sess, "r1")
		wait()
		card, _ = h.api.GetPost(card.Id)
		if code != 200 {
			t.Fatalf("decide %d", code)
		}
		if a := approvalProps(t, h, card.Id); a.Status != "approved" || card.GetProp("attachments") != nil || !strings.Contains(card.Message, "Approved by @alice") {
			t.Fatalf("card %+v %q", a, card.Message)
		}
		for _, l := range h.api.Logs() {
			if strings.Contains(l.Msg, "card was not updated") {
				t.Fatalf("log %+v", l)
			}
		}
	})
	t.Run("an approval clicked (the click waits for the link)", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		wait := answerOnPost(h, string(cards.PostTypeApproval), true, func(p *model.Post) {
			h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: aliceID, body: clickBody(p, sess.ID, "r1", "deny")})
		})
		card := h.requestApproval(tok, sess, "r1")
		wait()
		card, _ = h.api.GetPost(card.Id)
		if a := approvalProps(t, h, card.Id); a.Status != "denied" || card.GetProp("attachments") != nil {
			t.Fatalf("card %+v", a)
		}
	})
	t.Run("a question answered", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		wait := answerOnPost(h, string(cards.PostTypeQuestion), false, func(*model.Post) {
			h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/questions/q1/answer", userID: aliceID, body: map[string]any{"answers": map[string]string{"Which database?": "Postgres"}}})
		})
		card := h.card(tok, sess.ID, questionOutput("q1"))
		wait()
		card, _ = h.api.GetPost(card.Id)
		if card.GetProp("attachments") != nil || !strings.Contains(card.Message, "Answered by @alice") {
			t.Fatalf("card %q", card.Message)
		}
	})
	t.Run("a guest message decided", func(t *testing.T) {
		h, _, sess, _ := richSetup(t)
		wait := answerOnPost(h, string(cards.PostTypeGuest), false, func(p *model.Post) {
			var g cards.GuestProps
			cards.ReadProp(p.GetProps(), cards.PropGuest, &g)
			h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/guests/" + g.RequestID + "/decide", userID: aliceID, body: map[string]any{"decision": "deny"}})
		})
		h.post(carolID, sess.RootID, "may I?")
		wait()
		card := h.api.PostsOfType(string(cards.PostTypeGuest))[0]
		if card.GetProp("attachments") != nil || !strings.Contains(card.Message, "Denied by @alice") {
			t.Fatalf("card %q", card.Message)
		}
	})
}

func TestDeactivationReleasesLongPolls(t *testing.T) {
	h := newHarness(t)
	tok, _ := h.pair(aliceID, "laptop")
	held := make(chan response, 1)
	go func() {
		held <- h.do(req{method: "GET", path: "/api/v1/agent/events?after=0&wait=30", token: tok})
	}()
	// The poll is at work (the request counted) before the plugin stops.
	for {
		h.app.work.mu.Lock()
		n := h.app.work.n
		h.app.work.mu.Unlock()
		if n == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	h.app.Close()
	// Close waits for requests at work; the poll was one of them and has answered.
	select {
	case res := <-held:
		if res.Code != 200 || !strings.Contains(string(res.Body), `"events":[]`) {
			t.Fatalf("poll %d %s", res.Code, res.Body)
		}
	default:
		t.Fatal("deactivation returned before the held poll answered")
	}
	for _, l := range h.api.Logs() {
		if strings.Contains(l.Msg, "still at work") {
			t.Fatalf("deactivation gave up waiting: %+v", l)
		}
	}
	if res := h.do(req{method: "GET", path: "/api/v1/agent/events?after=0&wait=30", token: tok}); res.Code != 503 {
		t.Fatalf("a request after deactivation: %d", res.Code)
	}
}

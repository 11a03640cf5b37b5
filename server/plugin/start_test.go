package plugin

import (
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/config"
)

func TestStartGrammar(t *testing.T) {
	tests := []struct {
		name        string
		message     string
		wantMachine string // "" = nothing starts
		wantPayload map[string]any
		wantRefusal string
	}{
		{"without options the own most recent machine", "@claude fix it", "laptop", map[string]any{"prompt": "fix it", "cwd": "", "branch": ""}, ""},
		{"on <machine> picks that machine", "@claude on desk fix it", "desk", map[string]any{"prompt": "fix it"}, ""},
		{"machine names are case-insensitive", "@claude on DESK fix it", "desk", map[string]any{"prompt": "fix it"}, ""},
		{"in <dir> sets the directory", "@claude in ~/src/app run the tests", "laptop", map[string]any{"cwd": "~/src/app", "prompt": "run the tests"}, ""},
		{"on branch sets the branch", "@claude on branch fix/login fix the login", "laptop", map[string]any{"branch": "fix/login", "prompt": "fix the login"}, ""},
		{"all options", `@claude on desk in "/src/my app" on branch dev go`, "desk", map[string]any{"cwd": "/src/my app", "branch": "dev", "prompt": "go"}, ""},
		{"a machine shared with the user", "@claude on bobs-box fix it", "bobs-box", map[string]any{"prompt": "fix it"}, ""},
		{"an unknown machine starts nothing", "@claude on nowhere fix it", "", nil, "no machine called `nowhere`"},
		{"a bad branch starts nothing", "@claude on branch ../x fix it", "", nil, "not a branch name"},
		{"options without a prompt ask for one", "@claude on desk", "", nil, "Tell me what to do"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			deskTok, _ := h.pair(aliceID, "desk")
			laptopTok, _ := h.pair(aliceID, "laptop")
			bobTok, _ := h.pair(bobID, "bobs-box")
			h.clock.Advance(time.Second)
			h.do(req{method: "GET", path: "/api/v1/agent/hello?api_version=1", token: laptopTok})
			if got := h.command(bobID, "", "/claude share bobs-box @alice"); !strings.Contains(got, "Shared") {
				t.Fatalf("share: %s", got)
			}
			h.post(aliceID, "", tc.message)
			headers := h.api.PostsOfType(string(cards.PostTypeSession))
			if tc.wantMachine == "" {
				if len(headers) != 0 {
					t.Fatalf("a session started")
				}
				if got := h.lastEphemeral(aliceID); !strings.Contains(got, tc.wantRefusal) {
					t.Fatalf("ephemeral %q, want %q", got, tc.wantRefusal)
				}
				return
			}
			if len(headers) != 1 {
				t.Fatalf("%d sessions; ephemeral %q", len(headers), h.lastEphemeral(aliceID))
			}
			tok := map[string]string{"desk": deskTok, "laptop": laptopTok, "bobs-box": bobTok}[tc.wantMachine]
			evs, _ := h.events(tok, 0)
			if len(evs) != 1 || evs[0].Type != "start" {
				t.Fatalf("events on %s: %+v", tc.wantMachine, evs)
			}
			for k, v := range tc.wantPayload {
				if evs[0].Payload[k] != v {
					t.Errorf("payload[%s] = %v, want %v", k, evs[0].Payload[k], v)
				}
			}
			p := evs[0].Payload
			machine, _ := p["machine"].(map[string]any)
			parts, _ := p["participants"].([]any)
			if machine["name"] != tc.wantMachine || len(parts) != 1 || p["permission_mode"] != "default" || p["resume"] != "" || p["context"] != "" {
				t.Errorf("payload = %v", p)
			}
		})
	}
}

func TestDirectMessageStartsWithoutMention(t *testing.T) {
	tests := []struct {
		name        string
		message     string
		wantSession bool
		wantReply   string
	}{
		{"a DM to the bot starts a session", "on laptop in /src fix the build", true, ""},
		{"a mention in a DM works too", "@claude fix the build", true, ""},
		{"refusals in a DM are replies in its thread", "on nowhere fix it", false, "no machine called `nowhere`"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			tok, _ := h.pair(aliceID, "laptop")
			p := h.postIn(aliceID, dmID, "", tc.message)
			headers := h.api.PostsOfType(string(cards.PostTypeSession))
			if got := len(headers) == 1; got != tc.wantSession {
				t.Fatalf("session started = %v", got)
			}
			if tc.wantSession {
				evs, _ := h.events(tok, 0)
				if headers[0].ChannelId != dmID || len(evs) != 1 || evs[0].Payload["channel_id"] != dmID {
					t.Fatalf("header %+v events %+v", headers[0], evs)
				}
				return
			}
			if replies := h.botReplies(p.Id); !contains(replies, tc.wantReply) {
				t.Fatalf("replies %q, want %q", replies, tc.wantReply)
			}
		})
	}
	t.Run("posts by other bots in a DM are ignored", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		h.postIn(otherBot, dmID, "", "fix it")
		if n := len(h.api.PostsOfType(string(cards.PostTypeSession))); n != 0 {
			t.Fatalf("%d sessions", n)
		}
	})
	t.Run("a plain post in a channel is not a start", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		h.post(aliceID, "", "fix it")
		if n := len(h.api.PostsOfType(string(cards.PostTypeSession))); n != 0 {
			t.Fatalf("%d sessions", n)
		}
	})
}

func TestSessionLimit(t *testing.T) {
	tests := []struct {
		name     string
		where    string // channel, thread, dm, command
		wantSeen string // ephemeral, reply, response
	}{
		{"a mention in a channel is refused ephemerally", "channel", "ephemeral"},
		{"a mention in a thread is refused with a reply", "thread", "reply"},
		{"a DM is refused with a reply", "dm", "reply"},
		{"/claude new is refused in its response", "command", "response"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.pair(aliceID, "laptop")
			h.configure(func(c *config.Config) { c.MaxSessionsPerUser = 1 })
			h.startSession(aliceID, "@claude first")
			const want = "You have 1 active Claude sessions (the limit is 1)"
			var got []string
			switch tc.where {
			case "channel":
				h.post(aliceID, "", "@claude second")
				got = []string{h.lastEphemeral(aliceID)}
			case "thread":
				root := h.post(bobID, "", "a discussion")
				h.post(aliceID, root.Id, "@claude second")
				got = h.botReplies(root.Id)
			case "dm":
				p := h.postIn(aliceID, dmID, "", "second")
				got = h.botReplies(p.Id)
			case "command":
				got = []string{h.command(aliceID, "", "/claude new second")}
			}
			if !contains(got, want) {
				t.Fatalf("got %q, want %q", got, want)
			}
			if n := len(h.api.PostsOfType(string(cards.PostTypeSession))); n != 1 {
				t.Fatalf("%d sessions", n)
			}
		})
	}
	t.Run("an ended session does not count", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		h.configure(func(c *config.Config) { c.MaxSessionsPerUser = 1 })
		sess := h.startSession(aliceID, "@claude first")
		h.post(aliceID, sess.RootID, "!stop")
		h.startSession(aliceID, "@claude second")
	})
	t.Run("0 means no limit", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		h.configure(func(c *config.Config) { c.MaxSessionsPerUser = 0 })
		for range 7 {
			h.startSession(aliceID, "@claude again")
		}
	})
}

func TestAllowedTeamsAndChannels(t *testing.T) {
	tests := []struct {
		name      string
		teams     []string
		channels  []string
		inDM      bool
		wantStart bool
	}{
		{"empty lists allow every channel", nil, nil, false, true},
		{"an allowed team", []string{"eng"}, nil, false, true},
		{"another team is refused", []string{"sales"}, nil, false, false},
		{"an allowed channel name", nil, []string{"dev"}, false, true},
		{"an allowed team/channel", nil, []string{"eng/dev"}, false, true},
		{"another channel is refused", nil, []string{"eng/random"}, false, false},
		{"a DM with the bot is always allowed", []string{"sales"}, []string{"x"}, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.pair(aliceID, "laptop")
			h.configure(func(c *config.Config) { c.AllowedTeams, c.AllowedChannels = tc.teams, tc.channels })
			if tc.inDM {
				h.postIn(aliceID, dmID, "", "fix it")
			} else {
				h.post(aliceID, "", "@claude fix it")
			}
			started := len(h.api.PostsOfType(string(cards.PostTypeSession))) == 1
			if started != tc.wantStart {
				t.Fatalf("started = %v", started)
			}
			if !started && h.lastEphemeral(aliceID) != "Claude is not enabled in this channel." {
				t.Fatalf("ephemeral %q", h.lastEphemeral(aliceID))
			}
		})
	}
	t.Run("/claude new is refused outside the allowed channels", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		h.configure(func(c *config.Config) { c.AllowedChannels = []string{"ops"} })
		if got := h.command(aliceID, "", "/claude new fix it"); got != "Claude is not enabled in this channel." {
			t.Fatalf("got %q", got)
		}
	})
}

func TestContextOffer(t *testing.T) {
	setup := func(t *testing.T) (*harness, string, *model.Post, *model.Post) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		root := h.post(bobID, "", "the deploy failed")
		h.post(carolID, root.Id, "it says: disk full")
		h.post(otherBot, root.Id, "build #12 failed") // bots are not context
		mention := h.post(aliceID, root.Id, "@claude in /srv look into it")
		offers := h.api.PostsOfType(string(cards.PostTypeOffer))
		if len(offers) != 1 {
			t.Fatalf("%d offer cards", len(offers))
		}
		return h, tok, offers[0], mention
	}
	click := func(h *harness, user string, card *model.Post, action string) map[string]any {
		var p cards.OfferProps
		cards.ReadProp(card.GetProps(), cards.PropOffer, &p)
		res := h.do(req{method: "POST", path: "/api/v1/actions/context_offer", userID: user, body: map[string]any{
			"post_id": card.Id, "context": map[string]any{"action": action, "offer_id": p.OfferID},
		}})
		if res.Code != 200 {
			h.t.Fatalf("click: %d %s", res.Code, res.Body)
		}
		return res.JSON(h.t)
	}

	t.Run("a mention in a thread offers the earlier messages and starts nothing yet", func(t *testing.T) {
		h, tok, card, _ := setup(t)
		if !strings.Contains(card.Message, "give Claude the 2 earlier messages") || card.RootId == "" {
			t.Fatalf("card %q", card.Message)
		}
		if evs, _ := h.events(tok, 0); len(evs) != 0 || len(h.api.PostsOfType(string(cards.PostTypeSession))) != 0 {
			t.Fatalf("started early: %+v", evs)
		}
	})
	t.Run("Include thread starts in that thread with the context", func(t *testing.T) {
		h, tok, card, _ := setup(t)
		if body := click(h, aliceID, card, "include"); len(body) != 0 {
			t.Fatalf("response %v", body)
		}
		headers := h.api.PostsOfType(string(cards.PostTypeSession))
		if len(headers) != 1 || headers[0].RootId != card.RootId {
			t.Fatalf("header %+v", headers)
		}
		evs, _ := h.events(tok, 0)
		if len(evs) != 1 || evs[0].Payload["context"] != "@bob: the deploy failed\n@carol: it says: disk full" ||
			evs[0].Payload["root_id"] != card.RootId || evs[0].Payload["cwd"] != "/srv" || evs[0].Payload["prompt"] != "look into it" {
			t.Fatalf("events %+v", evs)
		}
		sess, err := h.app.Sessions.ByThread(card.RootId)
		if err != nil || sess.HeaderPostID() != headers[0].Id {
			t.Fatalf("thread does not map to the session: %v", err)
		}
		updated, _ := h.api.GetPost(card.Id)
		if !strings.Contains(updated.Message, "Started with the 2 earlier messages") || updated.GetProp("attachments") != nil {
			t.Fatalf("card after %q", updated.Message)
		}
		// The thread is a session thread now: alice's reply is a message.
		cursor := evs[0].Seq
		h.post(aliceID, card.RootId, "and check the logs")
		if evs := h.newEvents(tok, &cursor); len(evs) != 1 || evs[0].Type != "message" {
			t.Fatalf("reply events %+v", evs)
		}
	})
	t.Run("Start without sends no context", func(t *testing.T) {
		h, tok, card, _ := setup(t)
		click(h, aliceID, card, "without")
		evs, _ := h.events(tok, 0)
		if len(evs) != 1 || evs[0].Payload["context"] != "" || evs[0].Payload["root_id"] != card.RootId {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("only the mentioning user may answer", func(t *testing.T) {
		h, tok, card, _ := setup(t)
		if body := click(h, bobID, card, "include"); !strings.Contains(body["ephemeral_text"].(string), "Only the person") {
			t.Fatalf("response %v", body)
		}
		if evs, _ := h.events(tok, 0); len(evs) != 0 {
			t.Fatalf("started: %+v", evs)
		}
	})
	t.Run("the first answer wins", func(t *testing.T) {
		h, tok, card, _ := setup(t)
		click(h, aliceID, card, "without")
		if body := click(h, aliceID, card, "include"); !strings.Contains(body["ephemeral_text"].(string), "already") {
			t.Fatalf("response %v", body)
		}
		if evs, _ := h.events(tok, 0); len(evs) != 1 {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("a click on another card is refused", func(t *testing.T) {
		h, _, card, mention := setup(t)
		res := h.do(req{method: "POST", path: "/api/v1/actions/context_offer", userID: aliceID, body: map[string]any{
			"post_id": mention.Id, "context": map[string]any{"action": "include", "offer_id": "x"},
		}})
		if res.Code != 200 || !strings.Contains(res.JSON(t)["ephemeral_text"].(string), "does not belong") {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		_ = card
	})
	t.Run("a malformed click is 400", func(t *testing.T) {
		h, _, card, _ := setup(t)
		res := h.do(req{method: "POST", path: "/api/v1/actions/context_offer", userID: aliceID, body: map[string]any{
			"post_id": card.Id, "context": map[string]any{"action": "maybe"},
		}})
		if res.Code != 400 {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
	})
	t.Run("a thread with only bot posts starts at once", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		root, _ := h.api.CreatePost(&model.Post{UserId: otherBot, ChannelId: channelID, Message: "alert"})
		h.post(aliceID, root.Id, "@claude look")
		if evs, _ := h.events(tok, 0); len(evs) != 1 || evs[0].Payload["root_id"] != root.Id {
			t.Fatalf("events %+v", evs)
		}
	})
}

package cards

import (
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

func TestGuestCard(t *testing.T) {
	g := GuestProps{SessionID: "s1", RequestID: "r1", User: GuestUser{ID: "c", Username: "carol"}, Text: "line one\nline two", Status: GuestPending}
	post := NewGuestPost("bot", "ch", "root", g)
	if post.Type != "custom_claude_guest" || post.RootId != "root" || !strings.Contains(post.Message, "> line one\n> line two") {
		t.Fatalf("post %+v", post)
	}
	if n := len(post.Attachments()[0].Actions); n != 3 {
		t.Fatalf("%d buttons", n)
	}
	for status, want := range map[string]string{GuestAllowed: "Allowed once by @alice", GuestInvited: "@carol was invited by @alice", GuestDenied: "Denied by @alice"} {
		g.Status, g.DecidedBy = status, "alice"
		ApplyGuest(post, g)
		if !strings.Contains(post.Message, want) || post.GetProp("attachments") != nil {
			t.Errorf("%s: %q", status, post.Message)
		}
	}
}

func TestOfferCard(t *testing.T) {
	o := OfferProps{OfferID: "o1", UserID: "u", Username: "alice", Count: 1, Status: OfferPending}
	post := NewOfferPost("bot", "ch", "root", o)
	if post.Message != "@alice, give Claude the 1 earlier message of this thread? **Include thread** starts the session with them, **Start without** starts it without them.\n"+
		"⏳ **Waiting for @alice** to choose — with the buttons below (in the mobile apps too)." || len(post.Attachments()[0].Actions) != 2 {
		t.Fatalf("post %q", post.Message)
	}
	a := post.Attachments()[0].Actions
	if a[0].Id != "include" || a[0].Name != "Include thread" || a[1].Id != "without" || a[1].Name != "Start without" || a[0].Integration.Context["offer_id"] != "o1" {
		t.Fatalf("buttons %+v %+v", a[0], a[1])
	}
	o.Status, o.Count = OfferIncluded, 3
	ApplyOffer(post, o)
	if post.Message != "Started with the 3 earlier messages of this thread: Claude has read them." || post.GetProp("attachments") != nil {
		t.Fatalf("after %q", post.Message)
	}
}

func TestSessionCardButtonsOnlyWhileLive(t *testing.T) {
	post := &model.Post{}
	ApplySession(post, SessionCard{Props: SessionProps{ID: "s1", Status: "working"}})
	if len(post.Attachments()) != 1 {
		t.Fatal("no buttons while working")
	}
	ApplySession(post, SessionCard{Props: SessionProps{ID: "s1", Status: "ended", EndedReason: "idle"}})
	if post.GetProp("attachments") != nil || !strings.Contains(post.Message, "ended (idle)") {
		t.Fatalf("ended card %q", post.Message)
	}
}

func TestWaitingNames(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"alice"}, "@alice"},
		{[]string{"alice", "bob"}, "@alice or @bob"},
		{[]string{"a", "b", "c"}, "@a, @b or @c"},
		{[]string{"a", "b", "c", "d", "e"}, "@a, @b, @c, @d or @e"},
		{[]string{"a", "b", "c", "d", "e", "f", "g"}, "@a, @b, @c, @d or one of the 3 other participants"},
	} {
		if got := names(tc.in); got != tc.want {
			t.Errorf("names(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Second: "1 second", 3 * time.Second: "3 seconds", time.Minute: "1 minute", 30 * time.Minute: "30 minutes",
		2 * time.Hour: "2 hours", 90 * time.Minute: "90 minutes",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

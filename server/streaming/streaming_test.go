package streaming

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi/mmapitest"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

func setup() (*Service, *mmapitest.API, *clock.Fake, *kvstore.Memory) {
	api := mmapitest.New()
	c := clock.NewFake(time.Unix(1_000_000, 0))
	kv := kvstore.NewMemory(c.Now)
	return New(kv, api, c, "bot", time.Hour, nil), api, c, kv
}

var sess = &sessions.Session{ID: "s1", ChannelID: "ch", RootID: "root"}

func TestConcurrentReportsOfOneMessageMakeOnePost(t *testing.T) {
	s, api, _, _ := setup()
	var wg sync.WaitGroup
	ids := make(chan string, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, err := s.Text(sess, "m1", strings.Repeat("a", i+1), false)
			if err != nil {
				t.Error(err)
			}
			ids <- id
		}()
	}
	wg.Wait()
	close(ids)
	first := ""
	for id := range ids {
		if first == "" {
			first = id
		}
		if id != first {
			t.Fatalf("reports went to posts %s and %s", first, id)
		}
	}
	if n := len(api.Posts()); n != 1 {
		t.Fatalf("%d posts", n)
	}
}

func TestStateSurvivesARestart(t *testing.T) {
	s, api, c, kv := setup()
	id, _ := s.Text(sess, "m1", "Hello", false)
	s.Close()
	again := New(kv, api, c, "bot", time.Hour, nil)
	c.Advance(3 * time.Second)
	id2, err := again.Text(sess, "m1", "Hello world", true)
	if err != nil || id2 != id || len(api.Posts()) != 1 {
		t.Fatalf("after restart: post %s (was %s), %d posts, %v", id2, id, len(api.Posts()), err)
	}
	p, _ := api.GetPost(id)
	if p.Message != "Hello world" {
		t.Fatalf("message %q", p.Message)
	}
}

func TestCloseWritesThrottledText(t *testing.T) {
	s, api, _, _ := setup()
	id, _ := s.Text(sess, "m1", "a", false)
	_, _ = s.Text(sess, "m1", "ab", false)
	s.Close()
	if p, _ := api.GetPost(id); p.Message != "ab" {
		t.Fatalf("after close the post says %q", p.Message)
	}
}

func TestLongTextGrowsIntoMorePosts(t *testing.T) {
	s, api, _, _ := setup()
	line := strings.Repeat("x", 99) + "\n"
	text := strings.Repeat(line, 100) // 10 000 runes: one post
	id, _ := s.Text(sess, "m1", text, false)
	text += strings.Repeat(line, 100) // 20 000: two posts, the second made at once
	if got, _ := s.Text(sess, "m1", text, false); got != id {
		t.Fatalf("post_id changed to %s", got)
	}
	posts := api.PostsOfType(string(cards.PostTypeText))
	if len(posts) != 2 {
		t.Fatalf("%d posts", len(posts))
	}
	var first, second cards.TextProps
	cards.ReadProp(posts[0].GetProps(), cards.PropText, &first)
	cards.ReadProp(posts[1].GetProps(), cards.PropText, &second)
	if !first.Done || second.Done || second.Part != 1 {
		t.Fatalf("props %+v %+v: the full first post is final, the second streams", first, second)
	}
	var events int
	for _, e := range api.WebSocketEvents() {
		if e.Payload["post_id"] == posts[1].Id {
			events++
		}
	}
	if events == 0 {
		t.Fatal("no websocket event for the second post")
	}
}

func TestEmptyTextPostsAPlaceholder(t *testing.T) {
	s, api, _, _ := setup()
	id, err := s.Text(sess, "m1", "", false)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := api.GetPost(id); p.Message != placeholder {
		t.Fatalf("message %q", p.Message)
	}
}

package ratelimit

import (
	"testing"
	"time"

	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
)

func TestLimit(t *testing.T) {
	c := clock.NewFake(time.Date(2026, 3, 1, 12, 0, 10, 0, time.UTC))
	l := Limit{KV: kvstore.NewMemory(c.Now), Clock: c, Name: "test", Max: 3, Window: time.Minute}
	for i := range 3 {
		if _, ok, err := l.Check("a"); !ok || err != nil {
			t.Fatalf("attempt %d refused: %v", i, err)
		}
		if err := l.Count("a"); err != nil {
			t.Fatal(err)
		}
	}
	wait, ok, err := l.Check("a")
	if ok || err != nil || wait != 50*time.Second {
		t.Fatalf("after the limit: ok=%v wait=%v err=%v", ok, wait, err)
	}
	if _, ok, _ := l.Check("b"); !ok {
		t.Fatal("another subject is limited too")
	}
	c.Advance(wait)
	if _, ok, _ := l.Check("a"); !ok {
		t.Fatal("still limited in the next window")
	}
}

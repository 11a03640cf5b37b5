package jobs

import (
	"testing"
	"time"

	"github.com/claude-mattermost/claude-mattermost/server/config"
)

func TestPeriod(t *testing.T) {
	tests := []struct {
		name string
		cfg  func(c *config.Config)
		want time.Duration
	}{
		{"production defaults run every 30 s", func(*config.Config) {}, MaxPeriod},
		{"no timeouts at all still run rarely", func(c *config.Config) { c.IdleTimeoutMinutes, c.ApprovalTimeoutMinutes = 0, 0 }, MaxPeriod},
		{"second-level testing timeouts run every half second", func(c *config.Config) {
			c.IdleTimeoutSecondsForTesting, c.ApprovalTimeoutSecondsForTesting = 3, 2
		}, MinPeriod},
		{"a 10 s approval timeout runs every second", func(c *config.Config) { c.ApprovalTimeoutSecondsForTesting = 10 }, time.Second},
		{"the idle warning gap counts, not the whole timeout", func(c *config.Config) {
			c.IdleTimeoutSecondsForTesting, c.ApprovalTimeoutMinutes = 100, 0
		}, 2 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := config.Default()
			tc.cfg(&c)
			if got := Period(c); got != tc.want {
				t.Fatalf("Period = %v, want %v", got, tc.want)
			}
		})
	}
}

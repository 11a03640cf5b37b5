package cards

import (
	"strings"
	"testing"
)

// Mattermost stores a post's type in a varchar(26) column: a longer custom
// type makes every CreatePost of it fail with a database error.
func TestPostTypesFitMattermostsColumn(t *testing.T) {
	for _, pt := range AllPostTypes {
		if len(pt) > 26 {
			t.Errorf("post type %q is %d characters; Mattermost allows 26", pt, len(pt))
		}
		if !strings.HasPrefix(string(pt), "custom_") {
			t.Errorf("post type %q must start with custom_", pt)
		}
	}
}

// Mattermost refuses an action id with anything but letters and digits.
func TestActionIDsAreLettersAndDigits(t *testing.T) {
	ids := []string{ActionApprove, ActionApproveAll, ActionDeny, ActionDenyReason, ActionAllow, ActionInvite,
		ActionInterrupt, ActionStop, ActionAway, ActionBack, ActionContinue, ActionInclude, ActionWithout, ActionOther, ActionAnswer, ActionOptionPrefix + "12"}
	for _, id := range ids {
		for _, r := range id {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				t.Errorf("action id %q has %q", id, r)
			}
		}
	}
}

func TestEveryPostTypeIsListed(t *testing.T) {
	seen := map[PostType]bool{}
	for _, pt := range AllPostTypes {
		if seen[pt] {
			t.Errorf("%q listed twice", pt)
		}
		seen[pt] = true
	}
	if len(AllPostTypes) != 10 {
		t.Errorf("%d post types; add new ones to AllPostTypes", len(AllPostTypes))
	}
}

package cards

import (
	"strings"
	"testing"
)

// Mattermost stores a post's type in a varchar(26) column: a longer custom
// type makes every CreatePost of it fail with a database error.
func TestPostTypesFitMattermostsColumn(t *testing.T) {
	for _, pt := range []PostType{PostTypeSession, PostTypeApproval, PostTypeText, PostTypeGuest, PostTypeOffer} {
		if len(pt) > 26 {
			t.Errorf("post type %q is %d characters; Mattermost allows 26", pt, len(pt))
		}
		if !strings.HasPrefix(string(pt), "custom_") {
			t.Errorf("post type %q must start with custom_", pt)
		}
	}
}

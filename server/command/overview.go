package command

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/machines"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// share is `/claude share|unshare <machine> @user` (the owner only).
func (h *Handler) share(userID, rest string, share bool) string {
	verb := map[bool]string{true: SubShare, false: SubUnshare}[share]
	fields := strings.Fields(rest)
	if len(fields) < 2 || !strings.HasPrefix(fields[len(fields)-1], "@") {
		return fmt.Sprintf("Usage: `/claude %s <machine> @user`.", verb)
	}
	name := strings.Join(fields[:len(fields)-1], " ")
	username := strings.ToLower(strings.TrimPrefix(fields[len(fields)-1], "@"))
	other, appErr := h.API.GetUserByUsername(username)
	if appErr != nil || other.DeleteAt != 0 {
		return "There is no user @" + strings.ReplaceAll(username, "`", "") + "."
	}
	if other.IsBot {
		return "@" + other.Username + " is a bot; machines are shared with people."
	}
	var m *machines.Machine
	var err error
	was := true
	if share {
		m, err = h.Machines.Share(userID, name, other.Id)
	} else {
		m, was, err = h.Machines.Unshare(userID, name, other.Id)
	}
	switch {
	case errors.Is(err, machines.ErrNotFound):
		return "You have no machine called " + cards.Code(name) + " (only a machine's owner can share it). See `/claude machines`."
	case errors.Is(err, machines.ErrAmbiguous):
		return "More than one of your machines has that name; use its id from `/claude machines`."
	case errors.Is(err, machines.ErrSelf):
		return "That machine is already yours."
	case err != nil:
		h.log.Error("Cannot change machine sharing", "user_id", userID, "err", err)
		return "Sorry, that did not work. Please try again."
	}
	h.Sessions.Refresh(cards.RefreshMachines, other.Id)
	if share {
		h.log.Info("Machine shared", "machine_id", m.ID, "user_id", userID, "with", other.Id)
		return fmt.Sprintf("Shared `%s` with @%s: they can start sessions on it with `@%s on %s …`. Claude runs as you there, with your files.", m.Name, other.Username, h.botName(), m.Name)
	}
	if !was {
		return fmt.Sprintf("`%s` was not shared with @%s.", m.Name, other.Username)
	}
	h.log.Info("Machine unshared", "machine_id", m.ID, "user_id", userID, "with", other.Id)
	return fmt.Sprintf("@%s can no longer start sessions on `%s` (sessions already running go on until they end).", other.Username, m.Name)
}

// endedShown is how many ended sessions /claude sessions lists.
const endedShown = 5

// sessions is `/claude sessions`: the user's sessions not ended, and the
// last few ended ones, each with the sessions they were invited to (marked
// "invited by @owner").
func (h *Handler) sessions(userID string) string {
	own, err := h.Sessions.ListForUser(userID)
	if err != nil {
		h.log.Error("Cannot list sessions", "user_id", userID, "err", err)
		return "Sorry, I could not list your sessions. Please try again."
	}
	invited, err := h.Sessions.ListInvited(userID)
	if err != nil {
		h.log.Error("Cannot list invited sessions", "user_id", userID, "err", err)
		return "Sorry, I could not list your sessions. Please try again."
	}
	list := append(own, invited...)
	slices.SortStableFunc(list, func(a, b *sessions.Session) int { return cmp.Compare(b.CreatedAt, a.CreatedAt) })
	var live, ended []*sessions.Session
	for _, s := range list {
		if s.Ended() {
			if len(ended) < endedShown {
				ended = append(ended, s)
			}
		} else {
			live = append(live, s)
		}
	}
	if len(live) == 0 && len(ended) == 0 {
		return "You have no Claude sessions yet. Start one with `@" + h.botName() + " <task>` or `/claude new <task>`."
	}
	var b strings.Builder
	table := func(title string, list []*sessions.Session) {
		b.WriteString("**" + title + "**\n\n| Session | Status | Machine | Directory | Started |\n| --- | --- | --- | --- | --- |\n")
		for _, s := range list {
			status := s.Status
			if s.EndedReason != "" {
				status += " (" + s.EndedReason + ")"
			}
			dir := s.Cwd
			if dir == "" {
				dir = "default"
			}
			if s.Branch != "" {
				dir += " · " + s.Branch
			}
			whose := ""
			if s.OwnerID != userID {
				whose = " · _invited by @" + s.OwnerUsername + "_"
			}
			fmt.Fprintf(&b, "| [%s](%s)%s | %s | %s | %s | %s |\n",
				escapeCell(strings.ReplaceAll(cards.Truncate(strings.Join(strings.Fields(h.redact(cards.Truncate(s.Prompt, 1000))), " "), 60), "]", ")")),
				mmapi.Permalink(h.API, s.RootID), whose, status, escapeCell(s.MachineName), escapeCell(dir),
				time.UnixMilli(s.CreatedAt).UTC().Format("2006-01-02 15:04 UTC"))
		}
	}
	if len(live) > 0 {
		table(fmt.Sprintf("Active (%d)", len(live)), live)
	} else {
		b.WriteString("You have no active sessions.\n")
	}
	if len(ended) > 0 {
		b.WriteString("\n")
		table("Recently ended", ended)
	}
	return b.String()
}

func (h *Handler) redact(s string) string { return h.Settings.Redact(s) }

// status is `/claude status`: machines, sessions, plugin version.
func (h *Handler) status(userID string) string {
	own, err := h.Machines.ListForUser(userID)
	if err != nil {
		h.log.Error("Cannot list machines", "user_id", userID, "err", err)
		return "Sorry, I could not read your status. Please try again."
	}
	shared, err := h.Machines.SharedWith(userID)
	if err != nil {
		h.log.Error("Cannot list shared machines", "user_id", userID, "err", err)
		return "Sorry, I could not read your status. Please try again."
	}
	active, err := h.Sessions.ActiveCount(userID)
	if err != nil {
		h.log.Error("Cannot count sessions", "user_id", userID, "err", err)
		return "Sorry, I could not read your status. Please try again."
	}
	now := h.Clock.Now()
	var b strings.Builder
	fmt.Fprintf(&b, "#### Claude Code for Mattermost %s\n", h.PluginVersion)
	if len(own)+len(shared) == 0 {
		b.WriteString("No machines: run `/claude connect` to pair one.\n")
	} else {
		b.WriteString("| Machine | Owner | Status | Agent |\n| --- | --- | --- | --- |\n")
		for _, m := range append(append([]*machines.Machine{}, own...), shared...) {
			owner := "you"
			if m.UserID != userID {
				owner = h.usernames([]string{m.UserID})
			}
			version := m.AgentVersion
			if version == "" {
				version = "—"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", escapeCell(m.Name), owner, machineStatus(m, now), escapeCell(version))
		}
	}
	limit := h.Settings.Get().MaxSessionsPerUser
	if limit > 0 {
		fmt.Fprintf(&b, "\nActive sessions: %d of %d allowed. `/claude sessions` lists them.", active, limit)
	} else {
		fmt.Fprintf(&b, "\nActive sessions: %d. `/claude sessions` lists them.", active)
	}
	return b.String()
}

package machines

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
)

// ErrSelf: an owner cannot share a machine with themselves.
var ErrSelf = errors.New("the machine is already yours")

func sharedKey(uid string) string { return "shared_machines/" + uid }

// Share lets userID start sessions on the owner's machine nameOrID.
func (s *Service) Share(ownerID, nameOrID, userID string) (*Machine, error) {
	if userID == ownerID {
		return nil, ErrSelf
	}
	m, err := s.Find(ownerID, nameOrID)
	if err != nil {
		return nil, err
	}
	m, err = kvstore.Update(s.kv, machineKey(m.ID), 0, func(cur *Machine) (*Machine, error) {
		if cur == nil {
			return nil, ErrNotFound
		}
		if slices.Contains(cur.SharedWith, userID) {
			return nil, nil
		}
		cur.SharedWith = append(cur.SharedWith, userID)
		return cur, nil
	})
	if err != nil {
		return nil, fmt.Errorf("share machine: %w", err)
	}
	if _, err := kvstore.Update(s.kv, sharedKey(userID), 0, func(cur *[]string) (*[]string, error) {
		var ids []string
		if cur != nil {
			ids = *cur
		}
		if slices.Contains(ids, m.ID) {
			return nil, nil
		}
		ids = append(ids, m.ID)
		return &ids, nil
	}); err != nil {
		return nil, fmt.Errorf("index shared machine: %w", err)
	}
	return m, nil
}

// Unshare takes the machine back from userID; it reports whether it was shared.
func (s *Service) Unshare(ownerID, nameOrID, userID string) (*Machine, bool, error) {
	m, err := s.Find(ownerID, nameOrID)
	if err != nil {
		return nil, false, err
	}
	was := false
	updated, err := kvstore.Update(s.kv, machineKey(m.ID), 0, func(cur *Machine) (*Machine, error) {
		if cur == nil {
			return nil, ErrNotFound
		}
		was = slices.Contains(cur.SharedWith, userID)
		if !was {
			return nil, nil
		}
		cur.SharedWith = slices.DeleteFunc(slices.Clone(cur.SharedWith), func(id string) bool { return id == userID })
		return cur, nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("unshare machine: %w", err)
	}
	if err := s.unindexShared(userID, m.ID); err != nil {
		return nil, false, err
	}
	return updated, was, nil
}

func (s *Service) unindexShared(userID, machineID string) error {
	if _, err := kvstore.Update(s.kv, sharedKey(userID), 0, func(cur *[]string) (*[]string, error) {
		if cur == nil || !slices.Contains(*cur, machineID) {
			return nil, nil
		}
		ids := slices.DeleteFunc(slices.Clone(*cur), func(id string) bool { return id == machineID })
		return &ids, nil
	}); err != nil {
		return fmt.Errorf("unindex shared machine: %w", err)
	}
	return nil
}

// SharedWith lists the machines other users shared with userID. The
// machine record is the authority: a stale index entry is skipped.
func (s *Service) SharedWith(userID string) ([]*Machine, error) {
	var ids []string
	if _, err := kvstore.GetJSON(s.kv, sharedKey(userID), &ids); err != nil {
		return nil, fmt.Errorf("load shared machines: %w", err)
	}
	out := make([]*Machine, 0, len(ids))
	for _, id := range ids {
		m, err := s.Get(id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if slices.Contains(m.SharedWith, userID) {
			out = append(out, m)
		}
	}
	return out, nil
}

// Accessible tells whether userID owns the machine or has it shared.
func (s *Service) Accessible(userID, machineID string) (bool, error) {
	m, err := s.Get(machineID)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return m.UserID == userID || slices.Contains(m.SharedWith, userID), nil
}

// Resolve finds the machine userID means by name (case-insensitive) or
// id: one of their own first, else one shared with them.
func (s *Service) Resolve(userID, nameOrID string) (*Machine, error) {
	m, err := s.Find(userID, nameOrID)
	if !errors.Is(err, ErrNotFound) {
		return m, err
	}
	shared, err := s.SharedWith(userID)
	if err != nil {
		return nil, err
	}
	var found []*Machine
	for _, m := range shared {
		if m.ID == nameOrID || strings.EqualFold(m.Name, nameOrID) {
			found = append(found, m)
		}
	}
	switch len(found) {
	case 0:
		return nil, ErrNotFound
	case 1:
		return found[0], nil
	default:
		return nil, ErrAmbiguous
	}
}

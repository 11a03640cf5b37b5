// Package files moves files between a session thread and the agent: the
// attachments of a participant's reply (listed in its message event and
// downloaded by the agent, only from its own sessions' threads) and the
// files the agent posts in the thread (`!file <path>`).
package files

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/inbox"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// MaxBytes is the largest file the agent may download or upload.
const MaxBytes = 20 << 20

// maxNameBytes bounds an uploaded file's name.
const maxNameBytes = 255

// Errors callers turn into responses.
var (
	ErrNotFound  = errors.New("no such file")
	ErrForbidden = errors.New("the file is not in a thread of this machine's sessions")
	ErrTooLarge  = fmt.Errorf("the file is larger than %d MB", MaxBytes>>20)
)

// Service moves files.
type Service struct {
	api      mmapi.API
	sessions *sessions.Service
	botID    string
	log      mmapi.Logger
}

// New returns the file service.
func New(api mmapi.API, s *sessions.Service, botID string) *Service {
	return &Service{api: api, sessions: s, botID: botID, log: mmapi.NewLogger(api).With("component", "files")}
}

// Refs lists a post's attachments for its message event. A file whose
// info cannot be loaded is left out (and logged).
func (s *Service) Refs(post *model.Post) []inbox.FileRef {
	var out []inbox.FileRef
	for _, id := range post.FileIds {
		info, appErr := s.api.GetFileInfo(id)
		if appErr != nil {
			s.log.Warn("Cannot load an attachment's info", "post_id", post.Id, "file_id", id, "err", appErr)
			continue
		}
		out = append(out, inbox.FileRef{ID: info.Id, Name: info.Name, MimeType: info.MimeType, Size: info.Size})
	}
	return out
}

// Download returns a file for the agent of machineID: only a file attached
// to a post in the thread of one of that machine's sessions, at most MaxBytes.
func (s *Service) Download(machineID, fileID string) (*model.FileInfo, []byte, error) {
	info, appErr := s.api.GetFileInfo(fileID)
	if appErr != nil {
		if appErr.StatusCode == 404 {
			return nil, nil, ErrNotFound
		}
		return nil, nil, fmt.Errorf("load file info %s: %w", fileID, appErr)
	}
	if info.PostId == "" || info.DeleteAt != 0 {
		return nil, nil, ErrForbidden
	}
	post, appErr := s.api.GetPost(info.PostId)
	if appErr != nil {
		return nil, nil, ErrForbidden
	}
	root := post.RootId
	if root == "" {
		root = post.Id
	}
	sess, err := s.sessions.ByThread(root)
	if errors.Is(err, sessions.ErrNotFound) {
		return nil, nil, ErrForbidden
	}
	if err != nil {
		return nil, nil, err
	}
	// FileInfo.ChannelId is empty on files older than Mattermost 6; the
	// post's channel decides then.
	if sess.MachineID != machineID || post.ChannelId != sess.ChannelID || info.ChannelId != "" && info.ChannelId != sess.ChannelID {
		return nil, nil, ErrForbidden
	}
	if info.Size > MaxBytes {
		return nil, nil, ErrTooLarge
	}
	data, appErr := s.api.GetFile(fileID)
	if appErr != nil {
		return nil, nil, fmt.Errorf("load file %s: %w", fileID, appErr)
	}
	if len(data) > MaxBytes {
		return nil, nil, ErrTooLarge
	}
	return info, data, nil
}

// ValidName tells whether name is a file name the agent may upload: a base
// name (no directories), printable, at most 255 bytes.
func ValidName(name string) bool {
	return name != "" && name != "." && name != ".." && len(name) <= maxNameBytes && utf8.ValidString(name) &&
		!strings.ContainsAny(name, `/\`) && !strings.ContainsFunc(name, unicode.IsControl) &&
		strings.TrimSpace(name) != ""
}

// Upload posts data as a file in the session thread: a bot reply with the
// file attached. It returns the post and the file id.
func (s *Service) Upload(sess *sessions.Session, name string, data []byte) (postID, fileID string, err error) {
	name = s.sessions.Redact(name) // the name is kept in the file's record and shown with it
	info, appErr := s.api.UploadFile(data, sess.ChannelID, name)
	if appErr != nil {
		return "", "", fmt.Errorf("upload %s: %w", name, appErr)
	}
	post, appErr := s.api.CreatePost(&model.Post{
		UserId: s.botID, ChannelId: sess.ChannelID, RootId: sess.RootID, FileIds: model.StringArray{info.Id},
		Message: "📎 " + cards.Code(name) + " from `" + sess.MachineName + "`",
	})
	if appErr != nil {
		return "", "", fmt.Errorf("post %s: %w", name, appErr)
	}
	return post.Id, info.Id, nil
}

package plugin

import (
	"net/http"
	"sync"
	"time"

	"github.com/claude-mattermost/claude-mattermost/server/httpx"
)

// drain counts the requests and hooks at work, so deactivation can wait
// for them: Mattermost stops the plugin process right after OnDeactivate,
// and a request still running then fails in its log ("Plugin failed to
// ServeHTTP, RPC call failed: unexpected EOF").
type drain struct {
	mu      sync.Mutex
	n       int
	closing bool
	idle    chan struct{} // closed when n drops to 0 while closing
}

// enter reports whether work may start (false once closing).
func (d *drain) enter() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closing {
		return false
	}
	d.n++
	return true
}

func (d *drain) leave() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.n--
	if d.n == 0 && d.closing && d.idle != nil {
		close(d.idle)
		d.idle = nil
	}
}

// rpcGrace is how long deactivation lets the plugin RPC layer send the
// replies of requests that just finished: Mattermost's RPC server replies
// to ServeHTTP after the handler returns (closing the response stream
// first), and a reply that has not left when OnDeactivate's does is cut
// ("unexpected EOF") when Mattermost then stops the process. Only waited
// for when requests were at work.
const rpcGrace = 250 * time.Millisecond

// close refuses new work and waits up to timeout for the work at hand;
// it reports whether everything finished.
func (d *drain) close(timeout time.Duration) bool {
	d.mu.Lock()
	d.closing = true
	if d.n == 0 {
		d.mu.Unlock()
		return true
	}
	idle := make(chan struct{})
	d.idle = idle
	d.mu.Unlock()
	select {
	case <-idle:
		time.Sleep(rpcGrace)
		return true
	case <-time.After(timeout):
		return false
	}
}

// handler wraps the router: 503 once closing, else counted.
func (d *drain) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !d.enter() {
			w.Header().Set("Retry-After", "5")
			httpx.Error(w, r, http.StatusServiceUnavailable, "the plugin is stopping; try again in a moment", nil)
			return
		}
		defer d.leave()
		next.ServeHTTP(w, r)
	})
}

// run runs a hook's work unless closing.
func (d *drain) run(fn func()) {
	if !d.enter() {
		return
	}
	defer d.leave()
	fn()
}

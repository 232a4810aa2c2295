package handlers

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"sharepanel/handlers/httpkit"
	"sharepanel/models"
	"sharepanel/wire"
)

// Idempotency-Key, as the IETF draft (draft-ietf-httpapi-idempotency-key-header) and Stripe have
// it: a POST to an action that changes data may carry Idempotency-Key (1-255 printable ASCII
// characters, scoped to the account). The first request with a key claims it just before its
// handler runs, so refusals before the handler (400, 401, 403, 413, 429) keep nothing; once the
// handler has answered, the answer (status and body) is kept for IdempotencyTTL. A retry with the
// same key, mode, action and parameters gets that answer again with Idempotent-Replayed: true,
// and nothing is done again; the same key with other parameters is a 422; a retry while the first
// still runs is a 409. An answer that says "try again" (503: a dependency failed, and the action's
// one transaction did not commit) or that nobody received (the client went away) is not kept: the
// key is given up, and a retry runs the action again.
//
// The records live in Redis when it is configured (idempotency.Redis), else in the database
// (models.IdempotencyRecords): either way every replica sees them, across restarts. Neither holds
// the key itself (only a hash, with the account) nor an answer in clear: answers are sealed with
// AES-GCM under a key derived from the Idempotency-Key, which only its sender knows (an answer of
// api_keys create holds a secret).

// IdempotencyStore keeps Idempotency-Key records atomically, for every replica.
type IdempotencyStore interface {
	// Claim takes the key for a request with fingerprint, or returns the record that holds it.
	Claim(ctx context.Context, userID int64, keyHash, fingerprint string) (models.IdempotencyClaim, error)
	// Complete replaces this request's claim with its answer.
	Complete(ctx context.Context, userID int64, keyHash, token string, status int, body []byte) error
	// Release gives this request's claim up.
	Release(ctx context.Context, userID int64, keyHash, token string) error
}

// IdempotencyTTL is how long an answer is kept.
const IdempotencyTTL = 24 * time.Hour

// IdempotencyLease is how long a claim lasts while its request runs: past it (a replica that died
// mid-request), a retry may run the action again. Twice the request's deadline, and at least a
// minute.
func IdempotencyLease(requestTimeout time.Duration) time.Duration {
	return max(time.Minute, 2*requestTimeout)
}

// Idempotency messages.
const (
	msgIdemMismatch   = "Idempotency-Key was used with different parameters"
	msgIdemInProgress = "A request with this Idempotency-Key is in progress"
	msgIdemBadKey     = "Idempotency-Key must be 1 to 255 printable ASCII characters"
)

// maxKeptAnswer bounds an answer that is kept: the actions that change data answer a few hundred
// bytes; a larger answer is not kept (the key is given up).
const maxKeptAnswer = 64 << 10

// idemWriteTimeout bounds writing a record once the answer is known: the request's own deadline
// may have passed, or its client gone, and the record must still be written.
const idemWriteTimeout = 5 * time.Second

// idempotencyKeyOf is the request's Idempotency-Key ("" when none), or a 400.
func idempotencyKeyOf(r *http.Request) (string, error) {
	values := r.Header["Idempotency-Key"]
	switch len(values) {
	case 0:
		return "", nil
	case 1:
	default:
		return "", wire.Errorf(wire.EINVALID, "Idempotency-Key must be given once")
	}
	k := values[0]
	if k == "" || len(k) > 255 {
		return "", wire.Errorf(wire.EINVALID, "%s", msgIdemBadKey)
	}
	for i := range len(k) {
		if k[i] < 0x20 || k[i] > 0x7e {
			return "", wire.Errorf(wire.EINVALID, "%s", msgIdemBadKey)
		}
	}
	return k, nil
}

// idemKey is one API key's Idempotency-Key as the stores see it: its hash (the record's name) and
// the AEAD key its answer is sealed with, both derived from the Idempotency-Key, the account and
// the API key that sends it. Per API key, not per account: a replay hands over the first answer
// (an api_keys create's secret among them), so another key of the account, perhaps one locked to
// fewer modes or networks, must not be able to ask for it; with its own record it runs the action
// itself, within its own restrictions.
type idemKey struct {
	hash string
	seal [32]byte
}

func newIdemKey(userID, apiKeyID int64, key string) idemKey {
	derive := func(purpose string) [32]byte {
		h := sha256.New()
		h.Write([]byte("sharepanel/idempotency/" + purpose + "\x00"))
		h.Write(strconv.AppendInt(nil, userID, 10))
		h.Write([]byte{0})
		h.Write(strconv.AppendInt(nil, apiKeyID, 10))
		h.Write([]byte{0})
		h.Write([]byte(key))
		var out [32]byte
		h.Sum(out[:0])
		return out
	}
	name := derive("name")
	return idemKey{hash: hex.EncodeToString(name[:]), seal: derive("seal")}
}

func (k idemKey) aead() cipher.AEAD {
	block, err := aes.NewCipher(k.seal[:])
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	g, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return g
}

// sealAnswer encrypts an answer: the nonce, then the ciphertext.
func (k idemKey) sealAnswer(body []byte) []byte {
	g := k.aead()
	nonce := make([]byte, g.NonceSize(), g.NonceSize()+len(body)+g.Overhead())
	_, _ = rand.Read(nonce)
	return g.Seal(nonce, nonce, body, []byte(k.hash))
}

// openAnswer decrypts what sealAnswer made.
func (k idemKey) openAnswer(sealed []byte) ([]byte, error) {
	g := k.aead()
	if len(sealed) < g.NonceSize() {
		return nil, errors.New("idempotency: a kept answer is too short")
	}
	return g.Open(nil, sealed[:g.NonceSize()], sealed[g.NonceSize():], []byte(k.hash))
}

// fingerprint identifies a request for its Idempotency-Key: its endpoint and its checked
// parameters (normalised, defaults applied), so that 5 and "5" are the same request.
func fingerprint(endpoint string, params Params) string {
	h := sha256.New()
	field := func(s string) {
		var n [binary.MaxVarintLen64]byte
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
		h.Write([]byte(s))
	}
	field(endpoint)
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		field(name)
		field(params[name])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// once runs an action that changes data at most once per Idempotency-Key: the first request
// claims the key and runs; the others get its answer, a 409 or a 422.
func (a *API) once(call *Call, rt route, raw Params, key string) error {
	ctx := call.Ctx()
	userID := call.UserID()
	k := newIdemKey(userID, call.Caller.KeyID, key)
	fp := fingerprint(rt.endpoint, call.params)
	claim, err := a.Idempotency.Claim(ctx, userID, k.hash, fp)
	if err != nil {
		return err
	}
	if !claim.Claimed {
		switch {
		case claim.Fingerprint != fp:
			observeIdempotency(a.Metrics, "mismatch")
			return wire.Errorf(wire.EIDEMPOTENCY, "%s", msgIdemMismatch)
		case !claim.Done:
			observeIdempotency(a.Metrics, "in_progress")
			call.Response().Header().Set("Retry-After", "1")
			return wire.Errorf(wire.ECONFLICT, "%s", msgIdemInProgress)
		}
		body, err := k.openAnswer(claim.Body)
		if err != nil {
			return err
		}
		observeIdempotency(a.Metrics, "replayed")
		return replay(call, claim.Status, body)
	}
	observeIdempotency(a.Metrics, "claimed")

	// The answer is held back until its record is written, so that a client that has it finds it
	// kept when it sends again.
	res := call.Response()
	capture := &captureWriter{ResponseWriter: res.Writer}
	res.Writer = capture
	finished := false
	defer func() {
		res.Writer = capture.ResponseWriter
		if !finished { // the handler panicked: give the key up, so that a retry runs again
			a.releaseIdem(call, userID, k, claim.Token)
		}
	}()
	err = a.handle(call, rt.action, raw)
	if err != nil {
		call.Error(err) // the answer is written now, so that it can be kept; the edge writes nothing more
	}
	finished = true
	if !res.Committed || capture.over || err != nil && (httpkit.ClientGone(call, err) || res.Status == http.StatusServiceUnavailable) {
		a.releaseIdem(call, userID, k, claim.Token)
	} else {
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), idemWriteTimeout)
		werr := a.Idempotency.Complete(wctx, userID, k.hash, claim.Token, res.Status, k.sealAnswer(capture.buf.Bytes()))
		cancel()
		if werr != nil {
			// The claim stays until its lease ends: retries get 409 until then, then run again.
			a.Log.Warn("idempotency: keeping an answer failed", "request_id", httpkit.RequestIDOf(call), "err", werr)
		}
	}
	if werr := capture.writeHeld(); werr != nil && err == nil {
		return werr
	}
	return err
}

// releaseIdem gives a claim up, so that a retry runs the action again.
func (a *API) releaseIdem(call *Call, userID int64, k idemKey, token string) {
	observeIdempotency(a.Metrics, "released")
	wctx, cancel := context.WithTimeout(context.WithoutCancel(call.Ctx()), idemWriteTimeout)
	defer cancel()
	if err := a.Idempotency.Release(wctx, userID, k.hash, token); err != nil {
		a.Log.Warn("idempotency: giving a key up failed; it is freed when its lease ends", "request_id", httpkit.RequestIDOf(call), "err", err)
	}
}

// replay writes a kept answer again, with Idempotent-Replayed: true: a success byte for byte; an
// error with this request's request_id, which its X-Request-ID header carries.
func replay(call *Call, status int, body []byte) error {
	call.Response().Header().Set("Idempotent-Replayed", "true")
	if status >= 400 {
		var env Envelope
		if err := json.Unmarshal(body, &env); err == nil {
			env.RequestID = httpkit.RequestIDOf(call)
			return writeJSON(call, status, env)
		}
	}
	return call.JSONBlob(status, body)
}

// captureWriter holds back what is written, to keep it, up to maxKeptAnswer; past it (over), it
// writes what it held and passes the rest through, and the answer is not kept.
type captureWriter struct {
	http.ResponseWriter
	buf  bytes.Buffer
	over bool
}

func (w *captureWriter) Write(b []byte) (int, error) {
	if w.over {
		return w.ResponseWriter.Write(b)
	}
	if w.buf.Len()+len(b) <= maxKeptAnswer {
		return w.buf.Write(b)
	}
	w.over = true
	if err := w.writeHeld(); err != nil {
		return 0, err
	}
	return w.ResponseWriter.Write(b)
}

// writeHeld writes what was held back.
func (w *captureWriter) writeHeld() error {
	if w.buf.Len() == 0 {
		return nil
	}
	_, err := w.ResponseWriter.Write(w.buf.Bytes())
	w.buf.Reset()
	return err
}

// Unwrap lets http.ResponseController reach the connection's writer (flushes).
func (w *captureWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

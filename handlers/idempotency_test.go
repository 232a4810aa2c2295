package handlers_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"sharepanel/handlers"
	"sharepanel/idempotency"
	"sharepanel/internal/testenv"
	"sharepanel/metrics"
	"sharepanel/models"
	"sharepanel/ratelimit"
	"sharepanel/wire"
)

// Issue 13, point 3: Idempotency-Key on every POST to an action that changes data. Each failed
// before: the same orgs new sent twice after a timeout made two organizations.

// postIdem POSTs params as JSON with key as the API key and idem as the Idempotency-Key.
func postIdem(env *testenv.Env, key, idem string, params map[string]any) *testenv.Response {
	h := http.Header{"X-Api-Key": {key}}
	if idem != "" {
		h.Set("Idempotency-Key", idem)
	}
	return env.Do(http.MethodPost, "/api", params, h)
}

func orgCount(t *testing.T, env *testenv.Env, key string) int {
	t.Helper()
	return len(env.Get(map[string]string{"mode": "orgs", "action": "list", "api_key": key, "limit": "500"}).DataList(t))
}

func expectReplayed(t *testing.T, res *testenv.Response, want bool) {
	t.Helper()
	if got := res.Header.Get("Idempotent-Replayed"); (got == "true") != want || (!want && got != "") {
		t.Fatalf("Idempotent-Replayed %q, want replayed=%v; body %s", got, want, res.Body)
	}
}

// A retry with the same key and parameters gets the first answer, byte for byte, and does nothing
// again, from the same API key and after a restart; the same key with other parameters or another
// action is a 422; another API key's, or another account's, same key is its own; reads and
// mode=auth ignore it.
func TestIdempotencyKeyReplaysTheFirstAnswer(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	newOrg := map[string]any{"mode": "orgs", "action": "new", "title": "Retried"}

	first := postIdem(env, acct.Key, "retry-1", newOrg)
	first.Expect(t, http.StatusOK, "Organization created successfully")
	expectReplayed(t, first, false)
	orgID := first.DataMap(t)["org_id"]
	second := postIdem(env, acct.Key, "retry-1", newOrg)
	second.Expect(t, http.StatusOK, "Organization created successfully")
	expectReplayed(t, second, true)
	if !bytes.Equal(first.Body, second.Body) {
		t.Fatalf("replayed body\n%s\nfirst\n%s", second.Body, first.Body)
	}
	if second.Header.Get("X-RateLimit-Limit") == "" || second.Header.Get("X-Request-ID") == first.Header.Get("X-Request-ID") {
		t.Fatalf("a replay carries its own request's headers: %v", second.Header)
	}
	// The same parameters in another form: a form body, the title as the query's.
	form := env.Do(http.MethodPost, "/api?title=Retried", "mode=orgs&action=new", http.Header{"X-Api-Key": {acct.Key}, "Idempotency-Key": {"retry-1"},
		"Content-Type": {"application/x-www-form-urlencoded"}})
	expectReplayed(t, form, true)
	// After a restart (a new gateway over the same database).
	restarted := testenv.New(t, testenv.Options{Store: env.Store})
	expectReplayed(t, postIdem(restarted, acct.Key, "retry-1", newOrg), true)
	if n := orgCount(t, env, acct.Key); n != 1 {
		t.Fatalf("%d organizations after 4 sends of one Idempotency-Key, want 1", n)
	}
	// Another API key of the same account has records of its own: it runs the action itself.
	other := newKeyOf(t, env, acct.Key, map[string]any{"name": "second"})
	expectReplayed(t, postIdem(env, other, "retry-1", newOrg), false)
	if n := orgCount(t, env, acct.Key); n != 2 {
		t.Fatalf("%d organizations after another API key sent the same Idempotency-Key, want 2", n)
	}

	for _, params := range []map[string]any{
		{"mode": "orgs", "action": "new", "title": "Retried", "path": "other-path"},
		{"mode": "orgs", "action": "new", "title": "Retried!"},
		{"mode": "orgs", "action": "delete", "org_id": orgID},
	} {
		res := postIdem(env, acct.Key, "retry-1", params)
		res.Expect(t, http.StatusUnprocessableEntity, "Idempotency-Key was used with different parameters")
		expectRequestID(t, res)
		if res.Env["code"] != "idempotency_key_reused" {
			t.Fatalf("code %v", res.Env["code"])
		}
	}
	if n := orgCount(t, env, acct.Key); n != 2 {
		t.Fatalf("%d organizations after refused reuses, want 2", n)
	}
	// Numbers as JSON numbers or strings are the same parameters.
	upd := func(id any) *testenv.Response {
		return postIdem(env, acct.Key, "update-1", map[string]any{"mode": "orgs", "action": "update", "org_id": id, "title": "Renamed"})
	}
	expectReplayed(t, upd(orgID), false)
	expectReplayed(t, upd(toString(orgID)), true)

	// Another account's same key is its own.
	stranger := env.NewAccount("pro")
	res := postIdem(env, stranger.Key, "retry-1", newOrg)
	res.Expect(t, http.StatusOK, "Organization created successfully")
	expectReplayed(t, res, false)

	// Reads ignore it (they are safe to retry anyway), and so does mode=auth (no account).
	for range 2 {
		res := env.Do(http.MethodGet, "/api?mode=orgs&action=list", nil, http.Header{"X-Api-Key": {acct.Key}, "Idempotency-Key": {"read-1"}})
		res.Expect(t, http.StatusOK, "Organizations retrieved successfully")
		expectReplayed(t, res, false)
	}
	for range 2 {
		res := env.Do(http.MethodPost, "/api", map[string]any{"mode": "auth", "email": acct.User.Email, "password": acct.Password}, http.Header{"Idempotency-Key": {"login-1"}})
		res.Expect(t, http.StatusOK, "Authentication successful")
		expectReplayed(t, res, false)
	}

	// A key that is not 1-255 printable ASCII characters is a 400, and nothing is done.
	for _, bad := range [][]string{{""}, {strings.Repeat("k", 256)}, {"tab\there"}, {"naïve"}, {"a", "b"}} {
		res := env.Do(http.MethodPost, "/api", newOrg, http.Header{"X-Api-Key": {acct.Key}, "Idempotency-Key": bad})
		want := "Idempotency-Key must be 1 to 255 printable ASCII characters"
		if len(bad) > 1 {
			want = "Idempotency-Key must be given once"
		}
		res.Expect(t, http.StatusBadRequest, want)
	}
	expectReplayed(t, postIdem(env, acct.Key, strings.Repeat("k", 255), map[string]any{"mode": "orgs", "action": "new", "title": "Long key"}), false)
	if n := orgCount(t, env, acct.Key); n != 3 {
		t.Fatalf("%d organizations, want 3 (the two Idempotency-Keys' and the other API key's)", n)
	}
}

// toggleLimiter refuses every request while refuse is set.
type toggleLimiter struct{ refuse atomic.Bool }

func (l *toggleLimiter) Allow(ctx context.Context, key string, limits ratelimit.Limits) (ratelimit.Decision, error) {
	d, err := testenv.Unlimited{}.Allow(ctx, key, limits)
	d.Allowed = !l.refuse.Load()
	return d, err
}

// A refusal before the handler (400, 403, 413, 429) keeps nothing: the same key then runs.
func TestIdempotencyRefusalsBeforeTheHandlerAreNotKept(t *testing.T) {
	limiter := &toggleLimiter{}
	env := testenv.New(t, testenv.Options{Limiter: limiter})
	acct := env.NewAccount("free")
	readOnly, _, err := env.Store.CreateAPIKey(context.Background(), acct.User.ID, models.NewKey{Name: "ro", Permissions: "read"})
	if err != nil {
		t.Fatal(err)
	}
	newOrg := map[string]any{"mode": "orgs", "action": "new", "title": "Once"}
	refusals := []func() *testenv.Response{
		func() *testenv.Response {
			return postIdem(env, acct.Key, "k", map[string]any{"mode": "orgs", "action": "new", "title": "Once", "colour": "red"})
		},
		func() *testenv.Response {
			return postIdem(env, acct.Key, "k", map[string]any{"mode": "orgs", "action": "new", "title": strings.Repeat("x", 256)})
		},
		func() *testenv.Response { return postIdem(env, readOnly, "k", newOrg) },
		func() *testenv.Response {
			big := `{"mode":"orgs","action":"new","title":"Once",` + strings.Repeat(" ", 1<<20) + `}`
			return env.Do(http.MethodPost, "/api", big, http.Header{"X-Api-Key": {acct.Key}, "Idempotency-Key": {"k"}, "Content-Type": {"application/json"}})
		},
		func() *testenv.Response {
			limiter.refuse.Store(true)
			defer limiter.refuse.Store(false)
			return postIdem(env, acct.Key, "k", newOrg)
		},
	}
	want := []int{http.StatusBadRequest, http.StatusBadRequest, http.StatusForbidden, http.StatusRequestEntityTooLarge, http.StatusTooManyRequests}
	for i, refuse := range refusals {
		if res := refuse(); res.Code != want[i] {
			t.Fatalf("refusal %d: %d %s, want %d", i, res.Code, res.Body, want[i])
		}
	}
	res := postIdem(env, acct.Key, "k", newOrg)
	res.Expect(t, http.StatusOK, "Organization created successfully")
	expectReplayed(t, res, false)
}

// An error of the handler is kept and replayed (with the retry's own request_id); a 503 (the
// action's transaction did not commit) is not kept: a retry runs the action again.
func TestIdempotencyKeepsErrorsButNot503(t *testing.T) {
	m := metrics.New()
	env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) { d.Metrics = m }})
	acct := env.NewAccount("pro")
	del := map[string]any{"mode": "orgs", "action": "delete", "org_id": 999999}
	first := postIdem(env, acct.Key, "del-1", del)
	first.Expect(t, http.StatusNotFound, "Organization not found")
	again := postIdem(env, acct.Key, "del-1", del)
	again.Expect(t, http.StatusNotFound, "Organization not found")
	expectReplayed(t, again, true)
	expectRequestID(t, again)
	if again.Env["request_id"] == first.Env["request_id"] {
		t.Fatal("a replayed error carries the first request's request_id")
	}

	var fail atomic.Bool
	err := env.Store.DB().Callback().Create().Before("gorm:create").Register("test:fail_orgs", func(db *gorm.DB) {
		if fail.Load() && db.Statement.Table == "organizations" {
			_ = db.AddError(wire.Unavailable(errors.New("injected: the database went away")))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	fail.Store(true)
	newOrg := map[string]any{"mode": "orgs", "action": "new", "title": "After an outage"}
	postIdem(env, acct.Key, "new-1", newOrg).Expect(t, http.StatusServiceUnavailable, wire.UnavailableMessage)
	fail.Store(false)
	res := postIdem(env, acct.Key, "new-1", newOrg)
	res.Expect(t, http.StatusOK, "Organization created successfully")
	expectReplayed(t, res, false)
	expectReplayed(t, postIdem(env, acct.Key, "new-1", newOrg), true)
	if n := orgCount(t, env, acct.Key); n != 1 {
		t.Fatalf("%d organizations, want 1", n)
	}
	postIdem(env, acct.Key, "new-1", del).Expect(t, http.StatusUnprocessableEntity, "Idempotency-Key was used with different parameters")
	text := scrape(t, m)
	for outcome, n := range map[string]int{"claimed": 3, "replayed": 2, "released": 1, "mismatch": 1} {
		expectLine(t, text, `sharepanel_idempotency_requests_total{outcome="`+outcome+`"} `+strconv.Itoa(n))
	}
}

// holdingStore holds the first Complete until release is closed: a first request still running.
type holdingStore struct {
	handlers.IdempotencyStore
	once     sync.Once
	entered  chan struct{}
	release  chan struct{}
	complete atomic.Int32
}

func (h *holdingStore) Complete(ctx context.Context, userID int64, keyHash, token string, status int, body []byte) error {
	h.once.Do(func() { close(h.entered); <-h.release })
	h.complete.Add(1)
	return h.IdempotencyStore.Complete(ctx, userID, keyHash, token, status, body)
}

// A retry while the first request still runs is a 409 with Retry-After; with other parameters,
// still a 422. Once the first has answered, its answer is kept before the client has it.
func TestIdempotencyInProgressIs409(t *testing.T) {
	store := testenv.NewStore(t)
	hold := &holdingStore{IdempotencyStore: store.NewIdempotencyRecords(models.IdempotencyOptions{}),
		entered: make(chan struct{}), release: make(chan struct{})}
	env := testenv.New(t, testenv.Options{Store: store, Deps: func(d *handlers.Deps) { d.Idempotency = hold }})
	acct := env.NewAccount("pro")
	newOrg := map[string]any{"mode": "orgs", "action": "new", "title": "Slow"}
	done := make(chan *testenv.Response)
	go func() { done <- postIdem(env, acct.Key, "slow-1", newOrg) }()
	<-hold.entered // the organization is made; its answer is not kept yet

	res := postIdem(env, acct.Key, "slow-1", newOrg)
	res.Expect(t, http.StatusConflict, "A request with this Idempotency-Key is in progress")
	expectRequestID(t, res)
	if res.Header.Get("Retry-After") != "1" || res.Env["code"] != "conflict" {
		t.Fatalf("409: Retry-After %q, code %v", res.Header.Get("Retry-After"), res.Env["code"])
	}
	postIdem(env, acct.Key, "slow-1", map[string]any{"mode": "orgs", "action": "new", "title": "Other"}).
		Expect(t, http.StatusUnprocessableEntity, "Idempotency-Key was used with different parameters")
	close(hold.release)
	first := <-done
	first.Expect(t, http.StatusOK, "Organization created successfully")
	again := postIdem(env, acct.Key, "slow-1", newOrg)
	expectReplayed(t, again, true)
	if !bytes.Equal(again.Body, first.Body) || orgCount(t, env, acct.Key) != 1 {
		t.Fatalf("after the first answered: %s (first %s), %d organizations", again.Body, first.Body, orgCount(t, env, acct.Key))
	}
}

// Records end: an answer after its TTL and a claim after its lease (its replica died mid-request)
// are taken over by the next request with the key, and expired records are deleted.
func TestIdempotencyRecordsExpire(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	newOrg := map[string]any{"mode": "orgs", "action": "new", "title": "Expiring"}
	expectReplayed(t, postIdem(env, acct.Key, "exp-1", newOrg), false)
	expectReplayed(t, postIdem(env, acct.Key, "exp-1", newOrg), true)
	db := env.Store.DB()
	var kept models.IdempotencyKey
	if err := db.Take(&kept).Error; err != nil {
		t.Fatal(err)
	}
	if kept.Status != 200 || kept.Token != "" || kept.UserID != acct.User.ID || strings.Contains(string(kept.Body), "org_id") {
		t.Fatalf("kept record: status %d token %q user %d body %q (the answer must be sealed)", kept.Status, kept.Token, kept.UserID, kept.Body)
	}
	if err := db.Model(&models.IdempotencyKey{}).Where("1 = 1").Update("expires_at", kept.CreatedAt.Add(-1)).Error; err != nil {
		t.Fatal(err)
	}
	expectReplayed(t, postIdem(env, acct.Key, "exp-1", newOrg), false) // past its day: runs again

	// A claim whose request never finished.
	if err := db.Model(&models.IdempotencyKey{}).Where("1 = 1").Updates(map[string]any{"status": 0, "token": "dead-replica", "body": nil}).Error; err != nil {
		t.Fatal(err)
	}
	postIdem(env, acct.Key, "exp-1", newOrg).Expect(t, http.StatusConflict, "A request with this Idempotency-Key is in progress")
	if err := db.Model(&models.IdempotencyKey{}).Where("1 = 1").Update("expires_at", kept.CreatedAt.Add(-1)).Error; err != nil {
		t.Fatal(err)
	}
	expectReplayed(t, postIdem(env, acct.Key, "exp-1", newOrg), false)
	if n := orgCount(t, env, acct.Key); n != 3 {
		t.Fatalf("%d organizations, want 3", n)
	}

	expectReplayed(t, postIdem(env, acct.Key, "exp-2", newOrg), false)
	if err := db.Model(&models.IdempotencyKey{}).Where("1 = 1").Update("expires_at", kept.CreatedAt.Add(-1)).Error; err != nil {
		t.Fatal(err)
	}
	expectReplayed(t, postIdem(env, acct.Key, "exp-3", newOrg), false)
	if n, err := env.Store.PurgeExpiredIdempotency(context.Background()); err != nil || n != 2 {
		t.Fatalf("purged %d, %v; want the 2 expired", n, err)
	}
	var left int64
	if err := db.Model(&models.IdempotencyKey{}).Count(&left).Error; err != nil || left != 1 {
		t.Fatalf("%d records left, want exp-3's", left)
	}
}

// The answer of api_keys create holds a secret: it is replayed (a retry must get the key it
// made) but kept sealed, under a key only the Idempotency-Key's sender can derive.
func TestIdempotencyReplaysANewKeyKeptSealed(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	create := map[string]any{"mode": "api_keys", "action": "create", "name": "retried"}
	first := postIdem(env, acct.Key, "key-1", create)
	first.Expect(t, http.StatusOK, "API key created successfully")
	again := postIdem(env, acct.Key, "key-1", create)
	expectReplayed(t, again, true)
	secret := first.DataMap(t)["api_key"].(string)
	if again.DataMap(t)["api_key"] != secret || again.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("replay %s, Cache-Control %q", again.Body, again.Header.Get("Cache-Control"))
	}
	var rows []models.IdempotencyKey
	if err := env.Store.DB().Find(&rows).Error; err != nil || len(rows) != 1 {
		t.Fatalf("%d records, %v", len(rows), err)
	}
	if bytes.Contains(rows[0].Body, []byte(secret)) || strings.Contains(rows[0].KeyHash, "key-1") {
		t.Fatal("the record holds the secret or the Idempotency-Key in clear")
	}
	if keyCount(t, env, acct.Key) != 2 {
		t.Fatalf("%d keys, want 2", keyCount(t, env, acct.Key))
	}
}

// The test: 20 concurrent identical orgs new with one key across two gateway instances
// create exactly one organization, and every answer carries its org_id. A request that finds the
// first still running gets 409 and, as a client does, sends again once an answer is out (no
// sleeping: it waits for the first 200, which is kept before it leaves). On the database (SQLite
// or MariaDB) and on Redis: miniredis always, a real Redis and Redis Cluster when
// SHAREPANEL_TEST_REDIS_URL / SHAREPANEL_TEST_REDIS_CLUSTER_ADDRS are set.
func TestIdempotencyAcrossReplicas(t *testing.T) {
	type replicas func(t *testing.T) [2]*testenv.Env
	variants := map[string]replicas{"database": func(t *testing.T) [2]*testenv.Env {
		url := testenv.EmptyDatabase(t)
		var out [2]*testenv.Env
		for i := range out {
			s := testenv.OpenStore(t, url)
			if _, err := s.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			out[i] = testenv.New(t, testenv.Options{Store: s})
		}
		return out
	}}
	for _, b := range testenv.RedisBackends(t) {
		variants[b.Name] = func(t *testing.T) [2]*testenv.Env {
			url := testenv.EmptyDatabase(t)
			var out [2]*testenv.Env
			for i := range out {
				s := testenv.OpenStore(t, url)
				if _, err := s.Migrate(context.Background()); err != nil {
					t.Fatal(err)
				}
				store, err := idempotency.NewRedis(b.NewClient(t, nil), idempotency.Options{Prefix: b.Prefix + "idem:"})
				if err != nil {
					t.Fatal(err)
				}
				out[i] = testenv.New(t, testenv.Options{Store: s, Deps: func(d *handlers.Deps) { d.Idempotency = store }})
			}
			return out
		}
	}
	for name, build := range variants {
		t.Run(name, func(t *testing.T) {
			envs := build(t)
			acct := envs[0].NewAccount("pro")
			var servers [2]*httptest.Server
			for i, env := range envs {
				servers[i] = httptest.NewServer(env.Echo)
				t.Cleanup(servers[i].Close)
			}
			const n = 20
			body := `{"mode":"orgs","action":"new","title":"Exactly once"}`
			send := func(i int) (int, string, http.Header) {
				req, err := http.NewRequest(http.MethodPost, servers[i%2].URL+"/api", strings.NewReader(body))
				if err != nil {
					t.Error(err)
					return 0, "", nil
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+acct.Key)
				req.Header.Set("Idempotency-Key", "one-org-please")
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return 0, "", nil
				}
				defer res.Body.Close()
				var b bytes.Buffer
				_, _ = b.ReadFrom(res.Body)
				return res.StatusCode, b.String(), res.Header
			}
			answered := make(chan struct{})
			var answeredOnce sync.Once
			bodies := make([]string, n)
			replayed := make([]bool, n)
			conflicts := atomic.Int32{}
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					<-start
					code, b, h := send(i)
					if code == http.StatusConflict {
						conflicts.Add(1)
						<-answered // the first has answered: its answer is kept
						code, b, h = send(i)
					}
					if code == http.StatusOK {
						answeredOnce.Do(func() { close(answered) })
					}
					if code != http.StatusOK {
						t.Errorf("request %d: %d %s", i, code, b)
						answeredOnce.Do(func() { close(answered) })
						return
					}
					bodies[i], replayed[i] = b, h.Get("Idempotent-Replayed") == "true"
				})
			}
			close(start)
			wg.Wait()
			if t.Failed() {
				return
			}
			ran := 0
			for i := range n {
				if !replayed[i] {
					ran++
				}
				if bodies[i] != bodies[0] || !strings.Contains(bodies[i], `"org_id":`) {
					t.Fatalf("answer %d: %s; answer 0: %s", i, bodies[i], bodies[0])
				}
			}
			list := envs[1].Get(map[string]string{"mode": "orgs", "action": "list", "api_key": acct.Key}).DataList(t)
			if ran != 1 || len(list) != 1 || !strings.Contains(bodies[0], `"org_id":`+toString(list[0]["id"])+`}`) {
				t.Fatalf("%d requests ran the action, %d organizations (%v); answer %s", ran, len(list), list, bodies[0])
			}
			t.Logf("%d requests on 2 replicas: 1 ran, %d replayed, %d sent again after a 409", n, n-1, conflicts.Load())
		})
	}
}

// A replay hands over the first answer, so it stays with the API key that was answered: a key of the
// same account locked to api_keys:write, sending an unrestricted key's Idempotency-Key with the same
// parameters, gets no replay of that key's api_keys create (its secret, of a key without scopes)
// but makes its own key, within its own scopes. (A hostile pass found the replay.)
func TestIdempotencyReplayStaysWithTheKeyThatSentIt(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	restricted := newKeyOf(t, env, acct.Key, map[string]any{"name": "script", "scopes": "api_keys:write"})
	create := map[string]any{"mode": "api_keys", "action": "create", "name": "ci"}

	first := postIdem(env, acct.Key, "shared-idem-1", create)
	first.Expect(t, http.StatusOK, "API key created successfully")
	unrestricted := first.DataMap(t)["api_key"].(string)

	res := postIdem(env, restricted, "shared-idem-1", create)
	res.Expect(t, http.StatusOK, "API key created successfully")
	expectReplayed(t, res, false)
	made := res.DataMap(t)["api_key"].(string)
	if made == unrestricted {
		t.Fatal("a key locked to api_keys:write was handed the secret of an unrestricted key")
	}
	if k := keyOf(t, env, acct.Key, made); k["scopes"] != "api_keys:write" {
		t.Fatalf("the restricted key made a key with scopes %v, want its own", k["scopes"])
	}
	env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": made}).
		Expect(t, http.StatusForbidden, "This API key may not use profile")
	// The unrestricted key's own retry still gets its answer.
	again := postIdem(env, acct.Key, "shared-idem-1", create)
	expectReplayed(t, again, true)
	if again.DataMap(t)["api_key"] != unrestricted {
		t.Fatal("the first key's retry did not get its own answer")
	}
}

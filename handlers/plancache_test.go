package handlers_test

import (
	"net/http"
	"testing"

	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/ratelimit"
	"sharepanel/wire"
)

// A plan made on another replica, and an account moved onto it there, work here at once: the plan
// cache looks for a plan it lacks in a fresh load instead of failing until its TTL runs out. And
// profile view shows the plan's fields from the cache.
func TestPlanMadeElsewhereIsFoundAtOnce(t *testing.T) {
	env := testenv.New(t, testenv.Options{Limiter: ratelimit.NewMemory(ratelimit.MemoryOptions{})})
	acct := env.NewAccount("free")
	view := map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key}
	env.Get(view).Expect(t, http.StatusOK, "Profile retrieved successfully") // plans cached

	// What another replica's admin API would do, behind this replica's caches.
	plan := models.Plan{Name: "elsewhere", OrgLimit: 7, InstanceLimit: 8, FileLimit: 9, StorageLimit: 11,
		RequestsPerDay: 500, RequestsPerMinute: 42, MaxPayloadBytes: 1 << 20, CreatedAt: wire.Now(), UpdatedAt: wire.Now()}
	if err := env.Store.DB().Create(&plan).Error; err != nil {
		t.Fatal(err)
	}
	if err := env.Store.DB().Model(&models.User{}).Where("id = ?", acct.User.ID).Update("plan_id", plan.ID).Error; err != nil {
		t.Fatal(err)
	}
	env.Store.Keys.ForgetUser(acct.User.ID) // as the key cache's TTL would

	res := env.Get(view)
	res.Expect(t, http.StatusOK, "Profile retrieved successfully")
	d := res.DataMap(t)
	if d["plan"] != "elsewhere" || d["org_limit"] != float64(7) || d["instance_limit"] != float64(8) ||
		d["filelimit"] != float64(9) || d["storagelimit"] != float64(11) || res.Header.Get("X-RateLimit-Limit") != "42" {
		t.Fatalf("after the move: %v, limit %s", d, res.Header.Get("X-RateLimit-Limit"))
	}
}

package models_test

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

var userSeq int

// newUser creates an account on plan.
func newUser(t *testing.T, store *models.Store, plan string) *models.User {
	t.Helper()
	userSeq++
	u, err := store.CreateAccount(context.Background(), models.NewAccount{Email: "m" + strconv.Itoa(userSeq) + "@example.com", Password: "password-123", PlanName: plan})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestCreateInstanceRules(t *testing.T) {
	store := testenv.NewStore(t)
	ctx := context.Background()
	acct := newUser(t, store, "basic") // instance_limit 5
	stranger := newUser(t, store, "pro")
	strangerOrg, err := store.CreateOrg(ctx, stranger.ID, models.NewOrg{})
	if err != nil {
		t.Fatal(err)
	}
	ownOrg, err := store.CreateOrg(ctx, acct.ID, models.NewOrg{})
	if err != nil {
		t.Fatal(err)
	}

	in, err := store.CreateInstance(ctx, acct.ID, models.NewInstance{Name: " Shop ", Path: "shop", Type: "sms", OrgID: &ownOrg})
	if err != nil {
		t.Fatal(err)
	}
	if in.InstanceName != "Shop" || in.Type != "SMS" || in.Status != "active" || in.InstanceType != "default" || *in.OrganizationID != ownOrg {
		t.Fatalf("created %+v", in)
	}
	bad := []struct {
		in   models.NewInstance
		code string
		msg  string
	}{
		{models.NewInstance{Name: "x", Path: "shop", Type: "SNCS"}, wire.ECONFLICT, "Instance path already exists"},
		{models.NewInstance{Name: "", Path: "p1", Type: "SNCS"}, wire.EINVALID, "Instance name is required and must be at most 255 characters"},
		{models.NewInstance{Name: "x", Path: "Bad Path", Type: "SNCS"}, wire.EINVALID, "Invalid instance path: use at most 128 lowercase letters, digits and single hyphens"},
		{models.NewInstance{Name: "x", Path: "p1", Type: "VPS"}, wire.EINVALID, "Invalid type. Allowed values: SNCS, SMS"},
		{models.NewInstance{Name: "x", Path: "p1", Type: "SMS", Status: "paused"}, wire.EINVALID, "Invalid status. Allowed values: active, sleep, dead"},
		{models.NewInstance{Name: "x", Path: "p1", Type: "SMS", OrgID: &strangerOrg}, wire.ENOTFOUND, "Organization not found"},
	}
	for _, b := range bad {
		_, err := store.CreateInstance(ctx, acct.ID, b.in)
		if wire.ErrorCode(err) != b.code || wire.ErrorMessage(err) != b.msg {
			t.Errorf("%+v: %v (%s), want %s %q", b.in, err, wire.ErrorCode(err), b.code, b.msg)
		}
	}
	// The same path is free for another account.
	if _, err := store.CreateInstance(ctx, stranger.ID, models.NewInstance{Name: "x", Path: "shop", Type: "SNCS"}); err != nil {
		t.Fatal(err)
	}

	// 4 slots left; 12 concurrent creations: exactly 4 succeed (dead instances count too).
	var wg sync.WaitGroup
	errs := make([]error, 12)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = store.CreateInstance(ctx, acct.ID, models.NewInstance{Name: "n", Path: "c" + strconv.Itoa(i), Type: "SNCS", Status: "dead"})
		}()
	}
	wg.Wait()
	created := 0
	for _, err := range errs {
		switch {
		case err == nil:
			created++
		case wire.ErrorCode(err) != wire.EFORBIDDEN || wire.ErrorMessage(err) != "Instance limit reached for your plan":
			t.Fatalf("unexpected error %v", err)
		}
	}
	if created != 4 {
		t.Fatalf("%d concurrent creations succeeded, want 4", created)
	}
}

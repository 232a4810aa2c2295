// Command schemafixture makes the upgrade tests' fixtures: a database built by this build's own
// code (its schema, the seeded plans, a demo account with every kind of row, an administrator,
// audit entries, settings, an autologin token and recorded usage), dumped as SQL, with a JSON file
// of what the tests must find after upgrading it.
//
// Run it at the commit whose schema the fixture is to capture (models/testdata/README.md says which):
//
//	go run ./internal/schemafixture -db sqlite:///tmp/fx.db -out models/testdata/schema-v1.sqlite.sql
//	go run ./internal/schemafixture -db mysql://root@127.0.0.1:3306/sp_fixture -out models/testdata/schema-v1.mysql.sql
//
// The MySQL database is dropped and made afresh. -schema writes the schema alone as well (the first
// migration's DDL).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sharepanel/internal/sqldump"
	"sharepanel/models"
	"sharepanel/wire"
)

func main() {
	dbURL := flag.String("db", "", "sqlite://PATH or mysql://USER@HOST:PORT/DB (made afresh)")
	out := flag.String("out", "", "the SQL dump to write (schema and data)")
	schema := flag.String("schema", "", "also write the schema alone to this file")
	flag.Parse()
	if *dbURL == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(context.Background(), *dbURL, *out, *schema); err != nil {
		fmt.Fprintln(os.Stderr, "schemafixture:", err)
		os.Exit(1)
	}
}

// Expected is what an upgraded fixture must still hold, read back through the API.
type Expected struct {
	DemoEmail    string           `json:"demo_email"`
	DemoPassword string           `json:"demo_password"`
	DemoKey      string           `json:"demo_key"`   // a read-write key of the demo account
	MemberKey    string           `json:"member_key"` // a key of demo-member, made for the fixture
	Users        int64            `json:"users"`
	Counts       map[string]int64 `json:"counts"`       // rows per table
	KeyRequests  map[string]int64 `json:"key_requests"` // recorded requests per API key ID
}

func run(ctx context.Context, dbURL, out, schemaOut string) error {
	if err := freshDatabase(dbURL); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := models.Open(ctx, dbURL, log)
	if err != nil {
		return err
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		return err
	}
	exp, err := seed(ctx, store)
	if err != nil {
		return err
	}
	d := sqldump.Dumper{DB: store.DB(), MySQL: strings.HasPrefix(dbURL, "mysql://")}
	tables, err := d.Tables()
	if err != nil {
		return err
	}
	exp.Counts = map[string]int64{}
	for _, t := range tables {
		var n int64
		if err := store.DB().Table(t).Count(&n).Error; err != nil {
			return err
		}
		exp.Counts[t] = n
	}
	exp.Users = exp.Counts["users"]
	ddl, data, err := d.Dump(tables)
	if err != nil {
		return err
	}
	header := fmt.Sprintf("-- Made by internal/schemafixture on %s: the schema and data this build's code makes.\n",
		time.Now().UTC().Format(time.DateOnly))
	if err := os.WriteFile(out, []byte(header+ddl+data), 0o644); err != nil {
		return err
	}
	if schemaOut != "" {
		if err := os.WriteFile(schemaOut, []byte(header+ddl), 0o644); err != nil {
			return err
		}
	}
	j, err := json.MarshalIndent(exp, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(strings.TrimSuffix(out, filepath.Ext(out))+".json", append(j, '\n'), 0o644)
}

// freshDatabase removes an SQLite file, or drops and creates a MySQL database.
func freshDatabase(dbURL string) error {
	if path, ok := strings.CutPrefix(dbURL, "sqlite://"); ok {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(path + suffix); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
		return nil
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		return err
	}
	name := strings.Trim(u.Path, "/")
	u.Path = "/mysql"
	server, err := models.Open(context.Background(), u.String(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer server.Close()
	if err := server.DB().Exec("DROP DATABASE IF EXISTS `" + name + "`").Error; err != nil {
		return err
	}
	return server.DB().Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").Error
}

// seed writes a row of every kind: the demo accounts (organizations, memberships, instances,
// invoices, transactions, purchases, notifications, activity, usage), an expiring key, an
// administrator and its audit entries, the settings, an autologin token.
func seed(ctx context.Context, s *models.Store) (*Expected, error) {
	exp := &Expected{DemoEmail: "demo@fixture.example", DemoPassword: "fixture-password-1", KeyRequests: map[string]int64{}}
	demo, err := s.SeedDemo(ctx, exp.DemoEmail, exp.DemoPassword)
	if err != nil {
		return nil, err
	}
	exp.DemoKey = demo.APIKey
	memberID, err := s.AccountIDByUsername(ctx, models.DemoMemberUsername)
	if err != nil {
		return nil, err
	}
	expiry := time.Now().UTC().AddDate(5, 0, 0)
	if exp.MemberKey, _, err = s.CreateAPIKey(ctx, memberID, models.NewKey{Name: "fixture", Permissions: "read", ExpiresAt: &expiry, Via: "api"}); err != nil {
		return nil, err
	}
	if _, err := s.CreateAdmin(ctx, "fixture-admin", "fixture-admin-password"); err != nil {
		return nil, err
	}
	if err := s.RecordAudit(ctx, models.NewAudit{Admin: "fixture-admin", Action: "login", Target: "admin:fixture-admin", Status: 200}); err != nil {
		return nil, err
	}
	if _, err := s.UpdateSettings(ctx, map[string]string{models.SettingAPI: "on", models.SettingCurrency: "EUR"}); err != nil {
		return nil, err
	}
	if _, _, err := s.CreateAutologinToken(ctx, models.DemoUsername); err != nil {
		return nil, err
	}
	// Usage through the recorder, as the request path writes it: two flushes of the demo key's
	// requests, on top of the week SeedDemo made.
	rec := s.NewUsageRecorder(slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour, 1000)
	keys, _, err := s.ListAPIKeys(ctx, demo.UserID, wire.Page{Limit: wire.MaxLimit})
	if err != nil {
		return nil, err
	}
	for flush := 0; flush < 2; flush++ {
		for i := 0; i < 7; i++ {
			rec.Record(models.UsageRecord{UserID: demo.UserID, KeyID: keys[0].ID, Endpoint: "profile.view", Status: 200 + 200*(i%3),
				Duration: time.Duration(i+1) * time.Millisecond, At: time.Now().UTC()})
		}
		if err := rec.Flush(ctx); err != nil {
			return nil, err
		}
	}
	var rows []struct {
		KeyID int64
		N     int64
	}
	if err := s.DB().Model(&models.UsageRollup{}).Select("key_id, SUM(request_count) AS n").Group("key_id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		exp.KeyRequests[fmt.Sprint(r.KeyID)] = r.N
	}
	return exp, nil
}

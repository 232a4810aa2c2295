// Command seed fills a database for the load benchmark (bench/runner): two plans whose limits
// are chosen by the benchmark, N accounts on the roomy one with one read-write key each, and one
// account on the tight one. Accounts are bulk-inserted with one precomputed low-cost bcrypt hash,
// so 10,000 of them take a second or two. Keys are derived from the account number, so every
// run gets the same secrets; they are written to -keys, one per line, the first being account 1's.
//
// Usage:
//
//	go run ./bench/seed -db mysql://sharepanel:sharepanel@127.0.0.1:3306/sharepanel_bench -accounts 10000 -keys keys.txt
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm/clause"

	"sharepanel/bench/internal/benchkit"
	"sharepanel/models"
	"sharepanel/wire"
)

// Plan names the benchmark creates. The roomy plan's limits are far beyond what a 10-second run
// can use, but not zero: a zero limit is "unlimited", which skips the Redis call the benchmark
// is meant to measure.
const (
	RoomyPlan = "bench"
	TightPlan = "bench-tight"
)

func main() {
	db := flag.String("db", "", "database URL (sqlite://PATH or mysql://USER:PASS@HOST:PORT/DB)")
	recreate := flag.Bool("recreate", false, "MySQL only: drop and create the database first")
	accounts := flag.Int("accounts", 10_000, "accounts on the roomy plan, one key each")
	keysFile := flag.String("keys", "keys.txt", "where to write the roomy accounts' keys, one per line")
	tightFile := flag.String("tight-key", "tight-key.txt", "where to write the tight account's key")
	tightPerMinute := flag.Int("tight-per-minute", 1, "the tight plan's requests a minute")
	flag.Parse()
	if err := run(context.Background(), *db, *recreate, *accounts, *keysFile, *tightFile, *tightPerMinute); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dbURL string, recreate bool, n int, keysFile, tightFile string, tightPerMinute int) error {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if recreate {
		if err := benchkit.RecreateMySQL(ctx, dbURL); err != nil {
			return err
		}
	}
	store, err := models.Open(ctx, dbURL, log)
	if err != nil {
		return err
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		return err
	}
	start := time.Now()
	roomy, err := ensurePlan(ctx, store, RoomyPlan, 10_000_000, 1_000_000_000)
	if err != nil {
		return err
	}
	tight, err := ensurePlan(ctx, store, TightPlan, tightPerMinute, 1_000_000_000)
	if err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte("bench-password"), bcrypt.MinCost)
	if err != nil {
		return err
	}
	keys, err := insertAccounts(ctx, store, "bench", 1, n, roomy, string(hash))
	if err != nil {
		return err
	}
	tightKeys, err := insertAccounts(ctx, store, "tight", n+1, 1, tight, string(hash))
	if err != nil {
		return err
	}
	if err := os.WriteFile(keysFile, []byte(strings.Join(keys, "\n")+"\n"), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(tightFile, []byte(tightKeys[0]+"\n"), 0o600); err != nil {
		return err
	}
	fmt.Printf("seeded %d accounts on plan %s and 1 on %s (%d/min) in %s\n", n, RoomyPlan, TightPlan, tightPerMinute, time.Since(start).Round(time.Millisecond))
	return nil
}

// ensurePlan creates the plan, or sets its limits when it exists, and returns its ID.
func ensurePlan(ctx context.Context, s *models.Store, name string, perMinute, perDay int) (int64, error) {
	minute, day := int64(perMinute), int64(perDay)
	in := models.PlanInput{Name: &name, RequestsPerMinute: &minute, RequestsPerDay: &day}
	p, err := s.CreatePlan(ctx, in)
	if wire.ErrorCode(err) == wire.ECONFLICT {
		p, err = s.UpdatePlan(ctx, name, in)
	}
	if err != nil {
		return 0, err
	}
	return p.ID, nil
}

// insertAccounts bulk-inserts n accounts numbered from first, and a key for each; accounts that
// exist already are kept (so a second run over the same database is cheap), keys too.
func insertAccounts(ctx context.Context, s *models.Store, prefix string, first, n int, planID int64, hash string) ([]string, error) {
	db := s.DB().WithContext(ctx)
	now := wire.Now()
	users := make([]models.User, 0, n)
	for i := first; i < first+n; i++ {
		name := fmt.Sprintf("%s%05d", prefix, i)
		users = append(users, models.User{Username: name, Email: name + "@bench.example.com", PasswordHash: hash,
			PlanID: planID, Verified: true, CreatedAt: now, UpdatedAt: now})
	}
	err := db.Omit(clause.Associations).Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(users, 1000).Error
	if err != nil {
		return nil, fmt.Errorf("insert users: %w", err)
	}
	// Read the IDs back: with DoNothing, rows that existed get no ID from the insert.
	var rows []struct {
		ID       int64
		Username string
	}
	if err := db.Model(&models.User{}).Where("username LIKE ?", prefix+"%").Select("id, username").Scan(&rows).Error; err != nil {
		return nil, err
	}
	ids := make(map[string]int64, len(rows))
	for _, r := range rows {
		ids[r.Username] = r.ID
	}
	secrets := make([]string, 0, n)
	keys := make([]models.APIKey, 0, n)
	for i := first; i < first+n; i++ {
		id, ok := ids[fmt.Sprintf("%s%05d", prefix, i)]
		if !ok {
			return nil, fmt.Errorf("account %s%05d was not created", prefix, i)
		}
		secret := benchkit.Secret(prefix, i)
		secrets = append(secrets, secret)
		keys = append(keys, models.APIKey{UserID: id, Name: "bench", KeyHash: models.HashKey(secret), KeyPrefix: secret[:10],
			Permissions: "read,write", IsActive: true, CreatedAt: now})
	}
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(keys, 1000).Error; err != nil {
		return nil, fmt.Errorf("insert keys: %w", err)
	}
	return secrets, nil
}

package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The schema is made and changed by numbered migrations (migrations.go), recorded in the table
// schema_migrations: one row per applied step. Migrate applies the missing steps in order; the
// request path never touches the schema. On SQLite each step and its row commit together in one
// transaction; MySQL commits DDL as it goes, so there a step's row is written once the step is
// done, and steps are written to be safe to run again after a failure halfway.

// versionTable records the applied migrations.
const versionTable = "schema_migrations"

// AppliedMigration is one step of the schema that the database has.
type AppliedMigration struct {
	Version   int
	Name      string
	AppliedAt time.Time
}

// SchemaStatus is where a database's schema stands against this build's migrations.
type SchemaStatus struct {
	Applied []AppliedMigration // in version order
	Pending []AppliedMigration // this build's steps the database lacks (AppliedAt zero)
	Latest  int                // the newest step this build knows
}

// Current is the newest applied version (0 for an empty database).
func (s SchemaStatus) Current() int {
	if len(s.Applied) == 0 {
		return 0
	}
	return s.Applied[len(s.Applied)-1].Version
}

// ErrSchemaBehind and ErrSchemaAhead are what CheckSchema returns when the database's schema is not
// the one this build needs; the messages say what to do.
var (
	ErrSchemaBehind = errors.New("the database schema is older than this build needs")
	ErrSchemaAhead  = errors.New("the database schema is newer than this build knows")
)

// CheckSchema returns nil when the database has exactly this build's migrations.
func (s *Store) CheckSchema(ctx context.Context) error {
	st, err := s.SchemaStatus(ctx)
	if err != nil {
		return err
	}
	switch cur := st.Current(); {
	case cur > st.Latest:
		return fmt.Errorf("%w: it is at version %d, this build knows %d. Run a build that knows it (a newer sharepanel)", ErrSchemaAhead, cur, st.Latest)
	case len(st.Pending) > 0:
		return fmt.Errorf("%w: it is at version %d, this build needs %d. Run `sharepanel migrate` first (docs/DEPLOY.md), or set SHAREPANEL_AUTO_MIGRATE=true",
			ErrSchemaBehind, cur, st.Latest)
	}
	return nil
}

// SchemaStatus reads the applied migrations. A database made before migrations were versioned
// (tables, but no schema_migrations) is at version 1 once Migrate has recorded it; until then it
// reports version 0.
func (s *Store) SchemaStatus(ctx context.Context) (SchemaStatus, error) {
	st := SchemaStatus{Latest: migrations[len(migrations)-1].Version}
	db := s.db.WithContext(ctx)
	var applied []AppliedMigration
	if db.Migrator().HasTable(versionTable) {
		if err := db.Table(versionTable).Order("version").Find(&applied).Error; err != nil {
			return st, err
		}
	}
	st.Applied = applied
	done := map[int]bool{}
	for _, a := range applied {
		done[a.Version] = true
	}
	for _, m := range migrations {
		if !done[m.Version] {
			st.Pending = append(st.Pending, AppliedMigration{Version: m.Version, Name: m.Name})
		}
	}
	return st, nil
}

// Migrate brings the schema to this build's newest version and returns the steps it applied (none
// when it was there already), then seeds the reference's plans that are missing. Replicas may run
// it at once: each step is applied by one of them (MySQL: a named lock; SQLite: the step's row,
// written first in its transaction, which the database's one writer serialises).
func (s *Store) Migrate(ctx context.Context) ([]AppliedMigration, error) {
	var applied []AppliedMigration
	err := s.withMigrationLock(ctx, func() error {
		if err := s.prepareVersionTable(ctx); err != nil {
			return err
		}
		for _, m := range migrations {
			done, err := s.applyMigration(ctx, m)
			if err != nil {
				return fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
			}
			if done != nil {
				applied = append(applied, *done)
			}
		}
		return nil
	})
	if err != nil {
		return applied, err
	}
	if err := s.CheckSchema(ctx); err != nil {
		return applied, err // a newer build's steps are there: refuse to seed under them
	}
	return applied, s.seedPlans(ctx)
}

// withMigrationLock runs fn holding MySQL's named lock, on a connection of its own that keeps it
// until fn returns; another Migrate waits up to a minute for it. SQLite needs none (see Migrate).
func (s *Store) withMigrationLock(ctx context.Context, fn func() error) error {
	if !s.mysql {
		return fn()
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK('sharepanel.migrate', 60)").Scan(&got); err != nil {
		return err
	}
	if got.Int64 != 1 {
		return errors.New("another sharepanel migrate has held the migration lock for a minute; try again when it is done")
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT RELEASE_LOCK('sharepanel.migrate')") //nolint:errcheck // the lock also ends with the connection
	return fn()
}

// prepareVersionTable makes schema_migrations. A database made before it existed (it has the
// users table) is brought to exactly version 1 and recorded as such, so that it is not made again.
func (s *Store) prepareVersionTable(ctx context.Context) error {
	db := s.db.WithContext(ctx)
	if db.Migrator().HasTable(versionTable) {
		return nil
	}
	existing := db.Migrator().HasTable("users")
	if existing {
		if err := upgradeUnversioned(db, s.mysql); err != nil {
			return fmt.Errorf("bringing an unversioned database to version 1: %w", err)
		}
	}
	ddl := "CREATE TABLE IF NOT EXISTS " + versionTable + " (version INTEGER NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, applied_at DATETIME NOT NULL)"
	if err := db.Exec(ddl).Error; err != nil {
		return err
	}
	if existing {
		return db.Table(versionTable).Clauses(clause.OnConflict{DoNothing: true}).
			Create(&AppliedMigration{Version: 1, Name: migrations[0].Name + " (found, made before migrations were versioned)", AppliedAt: time.Now().UTC()}).Error
	}
	return nil
}

// applyMigration applies m unless the database has it, and says what it did (nil: nothing).
func (s *Store) applyMigration(ctx context.Context, m migration) (*AppliedMigration, error) {
	row := AppliedMigration{Version: m.Version, Name: m.Name}
	var n int64
	if err := s.db.WithContext(ctx).Table(versionTable).Where("version = ?", m.Version).Count(&n).Error; err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, nil
	}
	step := migrationStep{mysql: s.mysql}
	if s.mysql {
		// DDL commits itself: run the step, then record it. The lock keeps other replicas out.
		step.db = s.db.WithContext(ctx)
		if err := m.Up(step); err != nil {
			return nil, err
		}
		row.AppliedAt = time.Now().UTC()
		return &row, step.db.Table(versionTable).Create(&row).Error
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The row first: it takes SQLite's write lock, and a replica that got here first has
		// written it already, which the primary key refuses.
		row.AppliedAt = time.Now().UTC()
		if err := tx.Table(versionTable).Create(&row).Error; err != nil {
			return err
		}
		step.db = tx
		return m.Up(step)
	})
	if isDuplicate(err) {
		return nil, nil // another process applied it meanwhile
	}
	if err != nil {
		return nil, err
	}
	return &row, nil
}

// TableName keeps the version table's name when gorm reads and writes AppliedMigration.
func (AppliedMigration) TableName() string { return versionTable }

// DefaultPlans are the reference's plans and their limits. 1 MB = 1,048,576 bytes.
func DefaultPlans() []Plan {
	const mb = 1 << 20
	return []Plan{
		{Name: "free", Price: 0, OrgLimit: 1, InstanceLimit: 1, FileLimit: 1000, StorageLimit: 100,
			Description: "Free plan", Features: "Basic features", RequestsPerDay: 100, RequestsPerMinute: 10, MaxPayloadBytes: 1 * mb},
		{Name: "basic", Price: 999, OrgLimit: 3, InstanceLimit: 5, FileLimit: 5000, StorageLimit: 500,
			Description: "Basic plan", Features: "Basic features, email support", RequestsPerDay: 1000, RequestsPerMinute: 30, MaxPayloadBytes: 5 * mb},
		{Name: "pro", Price: 2999, OrgLimit: 10, InstanceLimit: 25, FileLimit: 20000, StorageLimit: 2000,
			Description: "Pro plan", Features: "All features, priority support", RequestsPerDay: 10000, RequestsPerMinute: 100, MaxPayloadBytes: 15 * mb},
		{Name: "enterprise", Price: 9999, OrgLimit: 100, InstanceLimit: 250, FileLimit: 100000, StorageLimit: 10000,
			Description: "Enterprise plan", Features: "All features, dedicated support, SLA", RequestsPerDay: 50000, RequestsPerMinute: 500, MaxPayloadBytes: 50 * mb},
	}
}

// seedPlans inserts the default plans that do not exist yet; it never overwrites an operator's edits.
func (s *Store) seedPlans(ctx context.Context) error {
	plans := DefaultPlans()
	return s.db.WithContext(ctx).Session(&gorm.Session{}).
		Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "name"}}, DoNothing: true}).
		Create(&plans).Error
}

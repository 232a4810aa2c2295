package sqldump_test

import (
	"context"
	"testing"

	"sharepanel/internal/sqldump"
	"sharepanel/internal/testenv"
	"sharepanel/models"
)

// dump is a database's schema and rows as the Dumper writes them.
func dump(t *testing.T, s *models.Store) (ddl, data string) {
	t.Helper()
	d := sqldump.Dumper{DB: s.DB(), MySQL: testenv.IsMySQL()}
	tables, err := d.Tables()
	if err != nil {
		t.Fatal(err)
	}
	ddl, data, err = d.Dump(tables)
	if err != nil {
		t.Fatal(err)
	}
	return ddl, data
}

// A dump loads back exactly (what the upgrade fixtures of internal/schemafixture rely on), also
// from a database of the newest schema, whose instances have columns the database generates
// (search_name, search_path: migration 24) and refuses values for.
func TestDumpLoadsBack(t *testing.T) {
	ctx := context.Background()
	src := testenv.NewStore(t)
	if _, err := src.SeedDemo(ctx, "demo@dump.example", "dump-password-1"); err != nil {
		t.Fatal(err)
	}
	ddl, data := dump(t, src)
	dst := testenv.OpenStore(t, testenv.EmptyDatabase(t))
	for _, stmt := range models.SplitSQL(ddl+data, testenv.IsMySQL()) {
		if err := dst.DB().Exec(stmt).Error; err != nil {
			t.Fatalf("loading the dump: %v\n%.300s", err, stmt)
		}
	}
	ddl2, data2 := dump(t, dst)
	if ddl2 != ddl {
		t.Errorf("schema loaded back:\n%s\ndumped:\n%s", ddl2, ddl)
	}
	if data2 != data {
		t.Errorf("rows loaded back differ from the rows dumped")
	}
	var names []string
	if err := dst.DB().Raw("SELECT search_name FROM instances ORDER BY id").Scan(&names).Error; err != nil || len(names) == 0 || names[0] == "" {
		t.Errorf("instances' generated search_name after loading: %q, %v", names, err)
	}
}

package testenv

import (
	"fmt"
	"strconv"
	"testing"

	"sharepanel/models"
)

// PlanRow is a table of a query's plan as MariaDB's ANALYZE reports it, with the rows it read.
type PlanRow struct {
	Table, Type, Key, Extra string
	RRows                   float64 // the rows it actually read (r_rows)
}

// Analyze runs q under MariaDB's ANALYZE, which executes it, and returns its plan, table by table.
func Analyze(t testing.TB, s *models.Store, q string) []PlanRow {
	t.Helper()
	rows, err := s.DB().Raw("ANALYZE " + q).Rows()
	if err != nil {
		t.Fatalf("ANALYZE %s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []PlanRow
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		get := func(name string) string {
			for i, c := range cols {
				if c == name && vals[i] != nil {
					return fmt.Sprintf("%s", vals[i])
				}
			}
			return ""
		}
		r := PlanRow{Table: get("table"), Type: get("type"), Key: get("key"), Extra: get("Extra")}
		r.RRows, _ = strconv.ParseFloat(get("r_rows"), 64)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

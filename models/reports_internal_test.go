package models

import "testing"

// However many accounts read long reports, a replica keeps at most maxKeptReportDays days, an entry
// counting one more than its rows (accounts with no past days too): past it, whichever entries come
// first go, and the count stays exact.
func TestReportCacheStaysBounded(t *testing.T) {
	c := newKeptCache[reportKey, reportEntry](maxKeptReportDays)
	year := make([]UsageDay, 366)
	for id := range int64(3 * maxKeptReportDays / len(year)) {
		c.put(reportKey{usageReport, id}, &keptReport[UsageDay]{rows: year}, nil)
		if c.used > maxKeptReportDays {
			t.Fatalf("after account %d: %d days kept, more than %d", id, c.used, maxKeptReportDays)
		}
	}
	for id := range int64(maxKeptReportDays + 1000) { // no rows at all
		c.put(reportKey{spendingReport, id}, &keptReport[SpendingDay]{}, nil)
	}
	if len(c.entries) > maxKeptReportDays || c.used > maxKeptReportDays {
		t.Fatalf("after %d entries without rows: %d entries, %d counted; want at most %d", maxKeptReportDays+1000, len(c.entries), c.used, maxKeptReportDays)
	}
	inEntries := func() int {
		n := 0
		for _, e := range c.entries {
			n += e.keptSize()
		}
		return n
	}
	if kept := inEntries(); kept != c.used || kept < maxKeptReportDays-len(year)-1 {
		t.Fatalf("%d days in the entries, %d counted; want them equal and near %d", kept, c.used, maxKeptReportDays)
	}
	c.put(reportKey{spendingReport, 0}, &keptReport[SpendingDay]{rows: make([]SpendingDay, 10)}, nil) // replacing an entry counts it once
	if kept := inEntries(); kept != c.used {
		t.Fatalf("after a replacement: %d days in the entries, %d counted", kept, c.used)
	}
}

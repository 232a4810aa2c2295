package models

import "testing"

// However many accounts read long reports, a replica keeps at most maxKeptReportDays days: past it,
// whichever entries come first go, and the count of kept days stays exact.
func TestReportCacheStaysBounded(t *testing.T) {
	var c reportCache
	year := make([]UsageDay, 366)
	for id := range int64(3 * maxKeptReportDays / len(year)) {
		c.put(reportKey{usageReport, id}, &keptReport[UsageDay]{rows: year}, len(year))
		if c.days > maxKeptReportDays {
			t.Fatalf("after account %d: %d days kept, more than %d", id, c.days, maxKeptReportDays)
		}
	}
	inEntries := func() int {
		n := 0
		for _, e := range c.entries {
			n += keptRows(e)
		}
		return n
	}
	if kept := inEntries(); kept != c.days || kept < maxKeptReportDays-len(year) {
		t.Fatalf("%d days in the entries, %d counted; want them equal and near %d", kept, c.days, maxKeptReportDays)
	}
	c.put(reportKey{usageReport, 0}, &keptReport[UsageDay]{rows: year[:10]}, 10) // replacing an entry counts it once
	if kept := inEntries(); kept != c.days {
		t.Fatalf("after a replacement: %d days in the entries, %d counted", kept, c.days)
	}
}

package models

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"sharepanel/wire"
)

// Search scopes.
const (
	SearchOrganizations = "organizations"
	SearchInstances     = "instances"
	SearchAll           = "all"
)

// likeEscape is the ESCAPE character of search patterns: unlike a backslash, it means the same on
// MySQL (whatever NO_BACKSLASH_ESCAPES says) and SQLite.
const likeEscape = "!"

// containsPattern returns a LIKE pattern that matches query, lowercased, as a literal substring:
// %, _ and the escape character in the query match only themselves.
func containsPattern(query string) string {
	r := strings.NewReplacer(likeEscape, likeEscape+likeEscape, "%", likeEscape+"%", "_", likeEscape+"_")
	return "%" + r.Replace(strings.ToLower(query)) + "%"
}

// likeAny is the condition "either of the columns contains the pattern". The columns are the
// lowercased copies of migration 24 (LOWER by the database on write); on MySQL they compare
// binary: its default collation would also ignore accents (cafe would match café), which SQLite
// does not. Case folding is guaranteed for ASCII letters on both databases; SQLite's LOWER leaves
// other letters as they are.
func likeAny(a, b string) string {
	return "(" + a + " LIKE ? ESCAPE '" + likeEscape + "' OR " + b + " LIKE ? ESCAPE '" + likeEscape + "')"
}

// Search finds query, case-insensitively and as a literal substring (surrounding spaces ignored), in
// the titles and paths of the organizations userID is a member of and the names and paths of
// userID's instances. scope is organizations, instances or all. The hits are one list,
// organizations first, then instances, each by ID, of which it returns a page and whether more
// follow (one hit more is read to know). Nothing is counted: a count would read every name of the
// account once more.
func (s *Store) Search(ctx context.Context, userID int64, query, scope string, page wire.Page) ([]SearchResult, bool, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, false, wire.Errorf(wire.EINVALID, "Search query is required")
	}
	pattern := containsPattern(query)
	out := []SearchResult{}
	more := false
	// Two reads, no transaction: a change between them moves a hit as any later page would see it.
	tx := s.db.WithContext(ctx)
	err := func() error {
		orgs := func() *gorm.DB {
			return tx.Table("org_members AS m"+indexHint(tx, "idx_org_members_user_org_search")).Joins("JOIN organizations o ON o.id = m.organization_id").
				Where("m.user_id = ?", userID).Where(likeAny("m.search_title", "m.search_path"), pattern, pattern)
		}
		offset := int64(page.Offset) // into the instances, once past the organizations
		if scope == SearchOrganizations || scope == SearchAll {
			var hits []SearchResult
			err := orgs().Select("o.id, o.title AS name, o.path, o.created_at").
				Order("m.organization_id").Limit(page.Limit + 1).Offset(page.Offset).Scan(&hits).Error
			if err != nil {
				return err
			}
			for i := range hits {
				hits[i].Type = "organization"
			}
			if len(hits) > page.Limit || scope == SearchOrganizations {
				more = len(hits) > page.Limit
				out = append(out, hits[:min(len(hits), page.Limit)]...)
				return nil
			}
			out = append(out, hits...)
			if len(hits) > 0 {
				offset = 0 // the page started among the organizations
			} else if page.Offset > 0 {
				var n int64 // the page starts past them: by how many
				if err := orgs().Count(&n).Error; err != nil {
					return err
				}
				offset = max(0, offset-n)
			}
		}
		want := page.Limit - len(out)
		var insts []SearchResult
		err := tx.Table("instances"+indexHint(tx, "idx_instances_user_search")).
			Select("id, instance_name AS name, instance_path AS path, created_at, status").
			Where("user_id = ?", userID).
			Where(likeAny("search_name", "search_path"), pattern, pattern).
			Order("id").Limit(want + 1).Offset(int(offset)).Scan(&insts).Error
		if err != nil {
			return err
		}
		for i := range insts {
			insts[i].Type = "instance"
		}
		more = len(insts) > want
		out = append(out, insts[:min(len(insts), want)]...)
		return nil
	}()
	return out, more, err
}

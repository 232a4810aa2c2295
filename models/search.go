package models

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"sharepanel/wire"
)

// SearchLimitPerType caps the hits of each kind (organizations, instances) that Search returns.
const SearchLimitPerType = 100

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

// likeLower is the condition "the lowercased column contains the pattern". On MySQL the comparison
// is made binary: its default collation would also ignore accents (cafe would match café), which
// SQLite does not. Case folding is guaranteed for ASCII letters on both databases; SQLite's LOWER
// leaves other letters as they are.
func (s *Store) likeLower(column string) string {
	if s.mysql {
		return "LOWER(" + column + ") COLLATE utf8mb4_bin LIKE ? ESCAPE '" + likeEscape + "'"
	}
	return "LOWER(" + column + ") LIKE ? ESCAPE '" + likeEscape + "'"
}

// Search finds query, case-insensitively and as a literal substring (surrounding spaces ignored), in
// the titles and paths of the organizations userID is a member of and the names and paths of
// userID's instances. scope is organizations, instances or all. Organizations come first, then
// instances, each by ID, at most SearchLimitPerType of each.
func (s *Store) Search(ctx context.Context, userID int64, query, scope string) ([]SearchResult, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, wire.Errorf(wire.EINVALID, "Search query is required")
	}
	pattern := containsPattern(query)
	var out []SearchResult
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if scope == SearchOrganizations || scope == SearchAll {
			var orgs []SearchResult
			err := tx.Table("organizations AS o").
				Select("o.id, o.title AS name, o.path, o.created_at").
				Joins("JOIN org_members m ON m.organization_id = o.id").
				Where("m.user_id = ?", userID).
				Where("("+s.likeLower("o.title")+" OR "+s.likeLower("o.path")+")", pattern, pattern).
				Order("o.id").Limit(SearchLimitPerType).Scan(&orgs).Error
			if err != nil {
				return err
			}
			for i := range orgs {
				orgs[i].Type = "organization"
			}
			out = append(out, orgs...)
		}
		if scope == SearchInstances || scope == SearchAll {
			var insts []SearchResult
			err := tx.Model(&Instance{}).
				Select("id, instance_name AS name, instance_path AS path, created_at, status").
				Where("user_id = ?", userID).
				Where("("+s.likeLower("instance_name")+" OR "+s.likeLower("instance_path")+")", pattern, pattern).
				Order("id").Limit(SearchLimitPerType).Scan(&insts).Error
			if err != nil {
				return err
			}
			for i := range insts {
				insts[i].Type = "instance"
			}
			out = append(out, insts...)
		}
		return nil
	})
	return out, err
}

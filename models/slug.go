package models

import (
	"regexp"
	"strconv"
	"strings"
)

// slugPattern is a path: lowercase ASCII letters and digits in runs joined by single hyphens.
var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Slug lengths. A generated slug's base is kept short enough that any "-N" suffix still fits the
// 64-character column.
const (
	maxOrgPathLen   = 64
	maxSlugBase     = 50
	defaultSlugBase = "organization"
)

// ValidSlug tells whether s is a path: lowercase letters, digits and single hyphens between them,
// at most max characters.
func ValidSlug(s string, max int) bool {
	return len(s) <= max && slugPattern.MatchString(s)
}

// Slugify makes a path base from a title: ASCII letters and digits lowercased, every other run of
// characters one hyphen, no hyphen at either end, at most maxSlugBase characters. A title with no
// ASCII letter or digit gives "organization".
func Slugify(title string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(title) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			if b.Len() >= maxSlugBase {
				break
			}
			b.WriteRune(r)
			continue
		}
		hyphen = true
	}
	s := strings.TrimRight(b.String(), "-")
	if s == "" {
		return defaultSlugBase
	}
	return s
}

// firstFreeSlug returns base if it is not taken, else the first of base-2, base-3, … that is not.
// taken holds every existing path equal to base or starting with "base-".
func firstFreeSlug(base string, taken []string) string {
	used := make(map[string]bool, len(taken))
	for _, p := range taken {
		used[p] = true
	}
	if !used[base] {
		return base
	}
	for n := 2; ; n++ {
		if s := base + "-" + strconv.Itoa(n); !used[s] {
			return s
		}
	}
}

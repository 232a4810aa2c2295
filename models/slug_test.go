package models_test

import (
	"strings"
	"testing"

	"sharepanel/models"
)

func TestSlugify(t *testing.T) {
	cases := map[string]string{
		"My Organization":              "my-organization",
		"  Acme & Sons, Ltd.  ":        "acme-sons-ltd",
		"TEAM--ROCKET":                 "team-rocket",
		"v2.0 release":                 "v2-0-release",
		"---":                          "organization",
		"":                             "organization",
		"日本":                           "organization",
		"Café":                         "caf",
		strings.Repeat("a", 80):        strings.Repeat("a", 50),
		strings.Repeat("a", 49) + " b": strings.Repeat("a", 49), // no trailing hyphen after the cut
	}
	for title, want := range cases {
		got := models.Slugify(title)
		if got != want {
			t.Errorf("Slugify(%q) = %q, want %q", title, got, want)
		}
		if !models.ValidSlug(got, 64) {
			t.Errorf("Slugify(%q) = %q is not a valid slug", title, got)
		}
	}
}

func TestValidSlug(t *testing.T) {
	for _, s := range []string{"a", "a-b", "a1-b2-c3", "123", strings.Repeat("z", 64)} {
		if !models.ValidSlug(s, 64) {
			t.Errorf("%q should be valid", s)
		}
	}
	for _, s := range []string{"", "-a", "a-", "a--b", "A", "a_b", "a b", "é", strings.Repeat("z", 65)} {
		if models.ValidSlug(s, 64) {
			t.Errorf("%q should be invalid", s)
		}
	}
}

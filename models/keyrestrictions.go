package models

import (
	"net/netip"
	"slices"
	"strings"

	"sharepanel/wire"
)

// What a key may be locked down to (issue 13): the client addresses it may be used from (an IP
// allowlist, as cPanel and Pterodactyl keys have) and the modes it may use (scopes, as GitHub's
// fine-grained tokens and Stripe's restricted keys have). A key without them behaves as every key
// did before: any address, every mode.

// MaxAllowedIPs is how many entries an allowlist holds at most.
const MaxAllowedIPs = 20

// Allowlist is the addresses a key may be used from: addresses and CIDR blocks, IPv4 and IPv6.
// nil allows every address.
type Allowlist []netip.Prefix

// ParseAllowlist reads allowed_ips: comma-separated IPv4/IPv6 addresses and CIDR blocks, at most
// MaxAllowedIPs. Empty entries are skipped, duplicates kept once; a CIDR block is kept as its
// network (10.1.2.3/8 is 10.0.0.0/8) and an IPv4 address written in IPv6 (::ffff:10.0.0.1) as IPv4.
// An empty list is nil (no allowlist). Invalid entries are a 400 that names every one of them.
func ParseAllowlist(s string) (Allowlist, error) {
	var out Allowlist
	var bad []string
	n := 0
	for _, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		n++
		p, ok := parseAllowEntry(entry)
		if !ok {
			bad = append(bad, entry)
			continue
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	if len(bad) > 0 {
		return nil, wire.Errorf(wire.EINVALID, "Invalid allowed_ips %s: %s. Use IPv4 or IPv6 addresses and CIDR blocks, comma-separated",
			plural(len(bad), "entry", "entries"), strings.Join(bad, ", "))
	}
	if n > MaxAllowedIPs {
		return nil, wire.Errorf(wire.EINVALID, "allowed_ips holds at most %d entries; this one has %d", MaxAllowedIPs, n)
	}
	return out, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// parseAllowEntry reads one address or CIDR block, as the prefix it allows.
func parseAllowEntry(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil || p.Addr().Zone() != "" {
			return netip.Prefix{}, false
		}
		if a := p.Addr(); a.Is4In6() {
			if p.Bits() < 96 {
				return netip.Prefix{}, false // a block wider than the IPv4 space, written in IPv6
			}
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// String is the allowlist as stored and listed: its entries comma-separated, an address alone
// where the block is a single address. "" for nil.
func (l Allowlist) String() string {
	parts := make([]string, len(l))
	for i, p := range l {
		if p.IsSingleIP() {
			parts[i] = p.Addr().String()
		} else {
			parts[i] = p.String()
		}
	}
	return strings.Join(parts, ",")
}

// Allows reports whether ip, a client address as the client-IP rule gives it, is in the list.
// A nil list allows every address without looking at it.
func (l Allowlist) Allows(ip string) bool {
	if l == nil {
		return true
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.WithZone("").Unmap()
	for _, p := range l {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// covers reports whether every address child allows, l allows too. A nil l allows everything; a
// nil child allows everything, which only a nil l covers.
func (l Allowlist) covers(child Allowlist) bool {
	if l == nil {
		return true
	}
	if child == nil {
		return false
	}
	for _, c := range child {
		if !slices.ContainsFunc(l, func(p netip.Prefix) bool { return p.Bits() <= c.Bits() && p.Contains(c.Addr()) }) {
			return false
		}
	}
	return true
}

// Scopes are the modes a key may use, each with whether it may change data there (write implies
// read). nil allows every mode, as far as the key's permissions go.
type Scopes map[string]bool

// ParseScopes reads scopes: a comma list of <mode>:read and <mode>:write, where mode is one of
// modes. A mode named twice keeps the stronger access; an empty list is nil (every mode). An
// unknown mode or access is a 400 that names the entry.
func ParseScopes(s string, modes []string) (Scopes, error) {
	var out Scopes
	for _, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		mode, access, _ := strings.Cut(entry, ":")
		mode, access = strings.ToLower(strings.TrimSpace(mode)), strings.ToLower(strings.TrimSpace(access))
		if !slices.Contains(modes, mode) || (access != "read" && access != "write") {
			return nil, wire.Errorf(wire.EINVALID, "Invalid scope %q: use <mode>:read or <mode>:write, where mode is one of %s",
				entry, strings.Join(modes, ", "))
		}
		if out == nil {
			out = Scopes{}
		}
		out[mode] = out[mode] || access == "write"
	}
	return out, nil
}

// String is the scopes as stored and listed: "<mode>:<access>" comma-separated, in the order of
// modes. "" for nil.
func (s Scopes) String(modes []string) string {
	var parts []string
	for _, m := range modes {
		if write, ok := s[m]; ok {
			access := "read"
			if write {
				access = "write"
			}
			parts = append(parts, m+":"+access)
		}
	}
	return strings.Join(parts, ",")
}

// Check refuses what the scopes do not allow: a mode they do not name, or a change where they give
// only read. nil allows everything.
func (s Scopes) Check(mode string, write bool) error {
	if s == nil {
		return nil
	}
	canWrite, ok := s[mode]
	if !ok {
		return wire.Errorf(wire.EFORBIDDEN, "This API key may not use %s", mode)
	}
	if write && !canWrite {
		return wire.Errorf(wire.EFORBIDDEN, "This API key may not change %s", mode)
	}
	return nil
}

// covers reports whether everything child allows, s allows too.
func (s Scopes) covers(child Scopes) bool {
	if s == nil {
		return true
	}
	if child == nil {
		return false
	}
	for mode, write := range child {
		if canWrite, ok := s[mode]; !ok || write && !canWrite {
			return false
		}
	}
	return true
}

// parseStoredScopes reads a key's stored scopes, which ParseScopes wrote: no mode list to check
// against (a mode that a later version dropped is kept, and allows nothing that exists).
func parseStoredScopes(s string) Scopes {
	var out Scopes
	for _, entry := range strings.Split(s, ",") {
		mode, access, ok := strings.Cut(strings.TrimSpace(entry), ":")
		if !ok || mode == "" {
			continue
		}
		if out == nil {
			out = Scopes{}
		}
		out[mode] = out[mode] || access == "write"
	}
	return out
}

// parseStoredAllowlist reads a key's stored allowlist, which ParseAllowlist wrote. An entry it
// cannot read allows nothing (the key is then usable from the entries it can read, or none).
func parseStoredAllowlist(s string) Allowlist {
	out := Allowlist{}
	for _, entry := range strings.Split(s, ",") {
		if p, ok := parseAllowEntry(strings.TrimSpace(entry)); ok {
			out = append(out, p)
		}
	}
	return out
}
